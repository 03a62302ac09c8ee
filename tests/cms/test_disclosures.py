"""Information disclosure: index numbers by rule, the 20-working-day alert, the public
list by category and year, budget tables from budget/, withdrawal that keeps the record,
attachments of drafts kept private, and editors' drafts approved by leadership."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from cms.models import DisclosureAttachment, DisclosurePage
from cms.selectors import waiting_disclosures
from tests.cms.conftest import category, disclosure
from tests.factories import make_project, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_index_numbers_follow_the_rule_by_category_and_year(site, settings):
    settings.SHUXIANG_ORG_CODE = "12361000MB1C00000X"
    first = disclosure(site, "2025年部门预算公开")
    second = disclosure(site, "2024年部门决算公开", created_on=dt.date(2025, 8, 5))
    other_category = disclosure(site, "机构职能", code="01")
    next_year = disclosure(site, "2026年部门预算公开", created_on=dt.date(2026, 2, 1))
    assert first.index_number == "12361000MB1C00000X/04-2025-0001"
    assert second.index_number == "12361000MB1C00000X/04-2025-0002"
    assert other_category.index_number == "12361000MB1C00000X/01-2025-0001"
    assert next_year.index_number == "12361000MB1C00000X/04-2026-0001"


def test_an_index_number_is_given_once_and_kept_through_revisions(site, settings):
    settings.SHUXIANG_DISCLOSURE_INDEX_FORMAT = "{org}-{year}-{category}-{number:03d}"
    settings.SHUXIANG_ORG_CODE = "FZLIB"
    page = disclosure(site, "机构职能", code="01")
    assert page.index_number == "FZLIB-2025-01-001"
    draft = page.get_latest_revision_as_object()
    draft.title = "机构职能（修订）"
    draft.category = category("02")
    revision = draft.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert page.title == "机构职能（修订）"
    assert page.index_number == "FZLIB-2025-01-001"


def test_a_disclosure_waiting_20_working_days_raises_the_alert(site):
    # March 2025 has no public holiday: the 20th working day after Monday 3 March is the 31st.
    made = dt.date(2025, 3, 3)
    waiting = disclosure(site, "招标结果公示", code="07", created_on=made, live=False)
    disclosure(site, "已发布的公告", created_on=dt.date(2025, 3, 3))
    on_the_28th = waiting_disclosures(dt.date(2025, 3, 28))
    assert [(w.page.pk, w.deadline, w.working_days) for w in on_the_28th] == [
        (waiting.pk, dt.date(2025, 3, 31), 19)
    ]
    assert not on_the_28th[0].overdue
    on_the_31st = waiting_disclosures(dt.date(2025, 3, 31))[0]
    assert on_the_31st.working_days == 20 and on_the_31st.overdue


def test_the_editors_home_page_lists_what_waits_and_what_is_late(client, site):
    disclosure(site, "招标结果公示", code="07", created_on=dt.date(2025, 3, 3), live=False)
    client.force_login(make_user(role="editor"))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "招标结果公示" in html
    assert "1 项信息已等待发布 20 个工作日以上" in html
    client.force_login(make_user(role="hr"))
    assert "招标结果公示" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_public_list_filters_by_category_and_year(client, site):
    disclosure(site, "2025年部门预算公开", code="04", created_on=dt.date(2025, 2, 20))
    disclosure(site, "机构职能", code="01", created_on=dt.date(2025, 2, 10))
    disclosure(site, "2024年部门预算公开", code="04", created_on=dt.date(2024, 2, 20))
    disclosure(site, "尚未发布的预算说明", code="04", created_on=dt.date(2025, 3, 1), live=False)
    html = client.get("/disclosure/", {"category": "04", "year": "2025"}).content.decode()
    assert "2025年部门预算公开" in html
    assert "机构职能" not in html and "2024年部门预算公开" not in html
    assert "尚未发布的预算说明" not in html
    everything = client.get("/disclosure/").content.decode()
    assert "机构职能" in everything and "2024年部门预算公开" in everything
    assert "有效" in everything  # validity, in Chinese
    # A filter that matches nothing known shows everything, never an error.
    assert client.get("/disclosure/", {"category": "zz", "year": "abc"}).status_code == 200


def test_the_disclosure_list_costs_the_same_queries_for_few_and_many(
    client, site, django_assert_max_num_queries
):
    disclosure(site, "机构职能", code="01")
    with django_assert_max_num_queries(100) as few:
        client.get("/disclosure/", {"category": "04"})
    baseline = len(few.captured_queries)
    for n in range(8):
        disclosure(site, f"预算公开{n}", code="04", created_on=dt.date(2024 + n % 2, 3, 3))
    with django_assert_max_num_queries(baseline):
        html = client.get("/disclosure/", {"category": "04"}).content.decode()
    assert "预算公开7" in html


def test_a_budget_disclosure_shows_the_tables_from_the_budget(client, site):
    unit = make_unit(name="采编部")
    funds = {"fiscal": Decimal("120000"), "other": Decimal("30000")}
    make_project(unit, year=2025, name="少儿阅读推广专项", funds=funds)
    page = disclosure(site, "2025年部门预算公开", budget_table="budget", budget_year=2025)
    html = client.get(page.url).content.decode()
    assert "2025年度部门预算" in html
    assert "150,000.00" in html and "采编部" in html
    assert "少儿阅读推广专项" not in html  # totals only, no project's lines


def test_withdrawal_unpublishes_and_keeps_the_record(client, site):
    page = disclosure(site, "已废止的借阅办法", code="02")
    assert client.get(page.url).status_code == 200
    url = page.url
    page.unpublish()
    assert client.get(url).status_code == 404
    assert "已废止的借阅办法" not in client.get("/disclosure/").content.decode()
    admin = make_user(is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    assert DisclosurePage.objects.filter(pk=page.pk).exists()
    assert response.status_code == 302
    register = client.get(reverse("cms_disclosure_register")).content.decode()
    assert "已废止的借阅办法" in register and page.index_number in register


def test_a_drafts_attachment_is_not_public_until_the_disclosure_is(client, site):
    document = Document.objects.create(title="中标结果", file=ContentFile(b"%PDF-1.4", "zb.pdf"))
    page = disclosure(site, "招标结果公示", code="07", live=False)
    DisclosureAttachment.objects.create(page=page, document=document, title="中标结果")
    assert client.get(document.url).status_code == 404
    page.save_revision().publish()
    assert client.get(document.url).status_code == 200


def test_editors_draft_and_leadership_approves(site):
    editor, leader = make_user(role="editor"), make_user(role="leadership")
    page = disclosure(site, "2025年部门预算公开", live=False)
    assert page.permissions_for_user(editor).can_edit()
    assert not page.permissions_for_user(editor).can_publish()
    workflow = page.get_workflow()
    assert workflow.name == "馆领导审批"
    state = workflow.start(page, editor)
    assert not DisclosurePage.objects.get(pk=page.pk).live
    task = state.current_task_state.task.specific
    assert task.user_can_access_editor(page, leader)
    assert not task.user_can_access_editor(page, make_user(role="finance"))
    state.current_task_state.approve(user=leader)
    assert DisclosurePage.objects.get(pk=page.pk).live


def test_a_repealed_item_needs_its_date(site):
    from django.core.exceptions import ValidationError

    page = DisclosurePage(
        title="旧办法", category=category("02"), issuing_body="抚州市图书馆",
        created_on=dt.date(2019, 3, 1), validity=DisclosurePage.Validity.REPEALED,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "repealed_on" in error.value.message_dict
    assert not DisclosurePage.objects.filter(title="旧办法").exists()
