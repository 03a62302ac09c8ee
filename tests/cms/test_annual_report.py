"""The annual report (事业单位法人年度报告): published only with the board's resolution,
its figures frozen when published (a later correction in a ledger changes nothing), the
31 March deadline alert, its page and its PDF."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from budget.models import Expenditure
from cms.models import AnnualReportAttachment, AnnualReportPage
from cms.selectors import annual_report_due, report_figures
from governance.models import Resolution
from tests.cms.conftest import annual_report, board_resolution
from tests.factories import make_project, make_unit, make_user
from tests.tools import pdf_text, require_poppler_cjk

pytestmark = pytest.mark.django_db


def spend(project, amount, day=dt.date(2025, 6, 30)):
    return Expenditure.objects.create(
        project=project, date=day, voucher=f"记-{Expenditure.objects.count() + 1:04d}",
        summary="图书采购", amount=Decimal(amount), recorded_by=make_user(),
    )  # fmt: skip


def test_a_report_is_not_published_without_the_boards_resolution(site):
    report = annual_report(site)
    with pytest.raises(ValidationError):
        report.save_revision().publish()
    assert not AnnualReportPage.objects.get(pk=report.pk).live


@pytest.mark.parametrize(
    "kind, votes, year, message",
    [
        (Resolution.Type.BUDGET, 8, 2025, ""),  # not a choice for the field at all
        (Resolution.Type.ANNUAL_REPORT, 3, 2025, ""),
        (Resolution.Type.ANNUAL_REPORT, 8, 2024, "并非关于 2025 年度的报告"),
    ],
)
def test_only_an_adopted_resolution_on_that_years_report_will_do(site, kind, votes, year, message):
    resolution = board_resolution(year=year, type=kind, votes_for=votes)
    with pytest.raises(ValidationError) as error:
        annual_report(site, resolution=resolution).save_revision().publish()
    assert "resolution" in error.value.message_dict
    assert message in str(error.value)
    assert not AnnualReportPage.objects.live().exists()


def test_the_editors_publish_button_asks_for_the_resolution(client, site):
    report = annual_report(site)
    client.force_login(make_user(is_superuser=True))
    url = reverse("wagtailadmin_pages:edit", args=[report.pk])
    parts = ("business", "assets_result", "registration", "performance", "lawsuits",
             "complaints", "donations", "other")  # fmt: skip
    form = nested_form_data({
        "title": report.title, "slug": "2025", "year": "2025", "resolution": "",
        **{name: rich_text("<p>正文</p>") for name in parts},
        "comments": inline_formset([]), "attachments": inline_formset([]),
        "action-publish": "publish",
    })  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200
    assert "年度报告须经理事会决议后才能发布" in response.content.decode()
    assert not AnnualReportPage.objects.get(pk=report.pk).live
    form["resolution"] = str(board_resolution().pk)
    assert client.post(url, form).status_code == 302
    assert AnnualReportPage.objects.get(pk=report.pk).live


def test_published_figures_do_not_change_when_the_ledger_is_corrected(client, site):
    project = make_project(make_unit(name="采编部"), year=2025)  # 100,000 budget
    spend(project, "40000")
    report = annual_report(site, resolution=board_resolution())
    report.save_revision().publish()
    report.refresh_from_db()
    assert report.figures["budget"]["spent"] == "40000.00"
    assert "40,000.00" in client.get(report.url).content.decode()

    spend(project, "25000")  # a correction booked in the ledger afterwards
    assert report_figures(2025)["budget"]["spent"] == "65000.00"
    html = client.get(report.url).content.decode()
    assert "40,000.00" in html and "65,000.00" not in html
    # Publishing a corrected text keeps the figures as first published.
    draft = report.get_latest_revision_as_object()
    draft.complaints = "<p>收到读者意见建议12件。</p>"
    draft.save_revision().publish()
    report.refresh_from_db()
    assert report.figures["budget"]["spent"] == "40000.00"
    assert "收到读者意见建议12件" in client.get(report.url).content.decode()


def test_a_drafts_preview_shows_todays_figures_marked_as_not_frozen(client, site):
    project = make_project(make_unit(), year=2025)
    spend(project, "12345.67")
    report = annual_report(site)
    client.force_login(make_user(is_superuser=True))
    html = client.get(reverse("wagtailadmin_pages:view_draft", args=[report.pk])).content.decode()
    assert "12,345.67" in html and "报告发布时固定" in html


def test_the_page_has_the_eight_parts_and_the_figures(client, site):
    report = annual_report(site, resolution=board_resolution(), live=True)
    html = client.get(report.url).content.decode()
    parts = [
        "开展业务活动情况",
        "资产损益情况",
        "变更登记执行情况",
        "绩效和受奖惩情况",
        "涉及诉讼情况",
        "社会投诉情况",
        "接受捐赠资助及其使用情况",
        "其他需要报告的情况",
    ]
    assert [part for part in parts if part not in html] == []
    assert "预算执行" in html and "固定资产（元）" in html and "年末总藏量" in html
    assert "经理事会审议通过" in html and "True" not in html and "None" not in html


def test_the_pdf_prints_the_report_in_chinese(client, site):
    report = annual_report(site, resolution=board_resolution(), live=True)
    response = client.get(f"{report.url}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    require_poppler_cjk()
    text = pdf_text(response.content)
    assert "开展业务活动情况" in text and "县区分馆通借通还" in text and "预算执行" in text


def test_the_deadline_is_31_march_and_the_alert_stops_once_published(site, client):
    due = annual_report_due(dt.date(2026, 3, 1))
    assert (due.year, due.deadline, due.days_left, due.overdue) == (2025, dt.date(2026, 3, 31),
                                                                   30, False)  # fmt: skip
    late = annual_report_due(dt.date(2026, 4, 2))
    assert late.overdue
    client.force_login(make_user(role="editor"))
    assert "年度报告应于" in client.get(reverse("wagtailadmin_home")).content.decode()
    last_year = dt.date.today().year - 1
    annual_report(site, year=last_year, resolution=board_resolution(year=last_year), live=True)
    assert annual_report_due() is None


def test_the_reports_list_costs_the_same_queries_for_few_and_many(
    client, site, django_assert_max_num_queries
):
    annual_report(site, 2020, resolution=board_resolution(year=2020), live=True)
    with django_assert_max_num_queries(100) as few:
        client.get(site.reports.url)
    baseline = len(few.captured_queries)
    for year in range(2021, 2026):
        annual_report(site, year, resolution=board_resolution(year=year), live=True)
    with django_assert_max_num_queries(baseline):
        html = client.get(site.reports.url).content.decode()
    assert "2025年度事业单位法人年度报告" in html


def test_the_statements_filed_with_a_draft_report_stay_private(client, site):
    statement = Document.objects.create(
        title="资产负债表", file=ContentFile(b"%PDF-1.4", "balance.pdf")
    )
    report = annual_report(site, resolution=board_resolution())
    AnnualReportAttachment.objects.create(page=report, document=statement, title="年末资产负债表")
    assert client.get(statement.url).status_code == 404
    report.save_revision().publish()
    assert client.get(statement.url).status_code == 200
    assert "年末资产负债表" in client.get(report.url).content.decode()
