"""The project library and the performance target table: a head drafts their own
department's table, the checks before it goes to finance (points adding up, each class's
share, qualitative targets in words), finance returns or approves it (approved: locked),
a change after approval is a new version that keeps the approved one readable; budget
adjustments by finance that never leave a source below zero."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from budget.models import BudgetAdjustment, TargetIndicator, TargetTable
from budget.selectors import project_money
from budget.services import (
    adjust_budget,
    adjust_targets,
    approve_targets,
    draft_targets,
    return_targets,
    submit_targets,
    table_problems,
)
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(org):
    return make_user("finance_officer", role="finance", first_name="会计", last_name="陈")


@pytest.fixture
def project(org):
    return make_project(org["a"], name="少儿阅读推广项目", funds={"fiscal": Decimal("200000")})


def fill(table, rows=None, *, goal="全年举办少儿阅读推广活动"):
    """A complete table by default: 产出 50, 效益 30, 满意度 10 (the default split)."""
    table.annual_goal = goal
    table.save()
    rows = rows or [
        ("quantity", "举办活动场次", "ge", Decimal("120"), "", "场", 30),
        ("timeliness", "年内完成率", "ge", Decimal("100"), "", "%", 20),
        ("social", "少儿读者影响", "qual", None, "效果明显", "", 30),
        ("beneficiaries", "读者满意度", "ge", Decimal("90"), "", "%", 10),
    ]
    for n, (level2, name, operator, value, text, unit, points) in enumerate(rows):
        TargetIndicator.objects.create(
            table=table,
            sort_order=n,
            level2=level2,
            name=name,
            operator=operator,
            target_value=value,
            target_text=text,
            measure_unit=unit,
            points=Decimal(points),
        )
    return table


def test_a_table_goes_to_finance_only_when_its_points_add_up(org, head_a, project):
    table = draft_targets(project, user=head_a)
    assert table_problems(table) == ["请填写年度目标。", "请添加绩效指标。"]
    fill(
        table,
        [
            ("quantity", "举办活动场次", "ge", Decimal("120"), "", "场", 40),
            ("social", "少儿读者影响", "qual", None, "效果明显", "", 30),
            ("beneficiaries", "读者满意度", "ge", Decimal("90"), "", "%", 10),
        ],
    )
    problems = " ".join(table_problems(table))
    assert "80" in problems and "90" in problems  # 40 + 30 + 10 of 90
    assert "产出指标" in problems  # 40 of 50
    with pytest.raises(ValidationError, match="90"):
        submit_targets(table, user=head_a)
    TargetIndicator.objects.filter(table=table, name="举办活动场次").update(points=50)
    assert table_problems(table) == []
    assert submit_targets(table, user=head_a).status == TargetTable.Status.SUBMITTED


def test_a_qualitative_target_is_words_and_the_others_values(org, head_a, project):
    table = fill(draft_targets(project, user=head_a))
    for wrong in (
        {"operator": "qual", "target_value": None, "target_text": ""},
        {"operator": "ge", "target_value": None, "target_text": ""},
        {"operator": "qual", "target_value": Decimal(1), "target_text": "效果明显"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            TargetIndicator.objects.create(
                table=table, level2="quality", name="x", points=Decimal(1), **wrong
            )
    TargetIndicator.objects.filter(name="读者满意度").update(name="")
    problems = " ".join(table_problems(table))
    assert "服务对象满意度指标：请填写其下的三级指标" in problems


def test_only_the_projects_department_or_finance_drafts_its_targets(
    org, head_a, head_b, finance, project
):
    with pytest.raises(PermissionDenied):
        draft_targets(project, user=head_b)
    table = draft_targets(project, user=finance)
    assert draft_targets(project, user=head_a) == table  # the one in preparation


def test_finance_returns_then_approves_and_the_approved_table_is_locked(
    client, org, head_a, finance, project
):
    table = fill(draft_targets(project, user=head_a))
    submit_targets(table, user=head_a)
    client.force_login(head_a)
    edit = reverse("budget_targettable:edit", args=[table.pk])
    assert client.get(edit).status_code == 404  # under review: no longer the department's
    with pytest.raises(PermissionDenied):
        approve_targets(table, user=head_a, reference="x")
    with pytest.raises(ValidationError):
        return_targets(table, user=finance, comment="")
    return_targets(table, user=finance, comment="满意度指标值偏低")
    page = client.get(reverse("budget_targettable:inspect", args=[table.pk])).content.decode()
    assert "满意度指标值偏低" in page
    assert client.get(edit).status_code == 200
    submit_targets(table, user=head_a)
    client.force_login(finance)
    response = client.post(
        reverse("budget_approve_targets", args=[table.pk]), {"reference": "抚财预〔2025〕12号"}
    )
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.status == TargetTable.Status.APPROVED and table.approved_by == finance
    assert client.get(edit).status_code == 404  # locked, even for finance
    page = client.get(reverse("budget_targettable:inspect", args=[table.pk])).content.decode()
    assert "抚财预〔2025〕12号" in page and "举办活动场次" in page


def test_a_change_after_approval_is_a_new_version_and_the_approved_stays_readable(
    client, org, head_a, finance, project
):
    first = fill(draft_targets(project, user=head_a))
    submit_targets(first, user=head_a)
    approve_targets(first, user=finance, reference="批复")
    with pytest.raises(ValidationError):
        adjust_targets(project, user=head_a, reason="")
    second = adjust_targets(project, user=head_a, reason="活动场次因场馆维修调减")
    assert second.version == 2 and second.indicators.count() == 4
    TargetIndicator.objects.filter(table=second, name="举办活动场次").update(
        target_value=Decimal("100")
    )
    first.refresh_from_db()
    assert first.status == TargetTable.Status.APPROVED  # in force until v2 is approved
    assert first.indicators.get(name="举办活动场次").target_value == Decimal("120")
    with pytest.raises(ValidationError):
        adjust_targets(project, user=head_a, reason="再改")  # one in preparation at a time
    submit_targets(second, user=head_a)
    approve_targets(second, user=finance, reference="调整批复")
    first.refresh_from_db()
    assert first.status == TargetTable.Status.SUPERSEDED
    client.force_login(head_a)
    page = client.get(reverse("budget_targettable:inspect", args=[first.pk])).content.decode()
    assert "120" in page and "v2" in page  # the old version, with a link to the new


def test_the_project_page_drafts_and_adjusts_through_the_services(
    client, org, head_a, finance, project
):
    client.force_login(head_a)
    page = reverse("budget_budgetproject:inspect", args=[project.pk])
    assert "拟定绩效目标表" in client.get(page).content.decode()
    response = client.post(reverse("budget_draft_targets", args=[project.pk]))
    table = TargetTable.objects.get()
    assert response.url == reverse("budget_targettable:edit", args=[table.pk])
    # A head may not adjust the budget: refused with a message, nothing recorded.
    data = {"source": "fiscal", "amount": "50000", "reference": "抚财预〔2025〕30号",
            "date": "2025-06-10", "note": "追加"}  # fmt: skip
    client.post(reverse("budget_adjust_budget", args=[project.pk]), data)
    assert not BudgetAdjustment.objects.exists()
    client.force_login(finance)
    client.post(reverse("budget_adjust_budget", args=[project.pk]), data)
    assert project_money(project).total.full_year == Decimal("250000")
    text = client.get(page).content.decode()
    assert "250,000.00" in text and "抚财预〔2025〕30号" in text


def test_an_adjustment_never_leaves_a_source_below_zero(org, finance, head_a, project):
    with pytest.raises(PermissionDenied):
        adjust_budget(project, user=head_a, source="fiscal", amount=Decimal("-1"),
                      reference="x", date=dt.date(2025, 5, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="低于零"):
        adjust_budget(project, user=finance, source="fiscal", amount=Decimal("-200000.01"),
                      reference="调减", date=dt.date(2025, 5, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="2025"):
        adjust_budget(project, user=finance, source="fiscal", amount=Decimal("10"),
                      reference="追加", date=dt.date(2026, 1, 5))  # fmt: skip
    adjust_budget(project, user=finance, source="other", amount=Decimal("3000"),
                  reference="社会捐赠", date=dt.date(2025, 5, 1))  # fmt: skip
    money = project_money(project)
    assert [(line.source, line.full_year) for line in money.lines] == [
        ("fiscal", Decimal("200000")),
        ("other", Decimal("3000")),
    ]


def test_a_head_sees_only_their_departments_projects_and_a_trustee_none(
    client, org, head_a, head_b, finance, project
):
    other = make_project(org["b"], name="古籍数字化项目")
    client.force_login(head_b)
    assert client.get(reverse("budget_budgetproject:inspect", args=[project.pk])).status_code == 404
    listing = client.get(reverse("budget_budgetproject:index")).content.decode()
    assert "古籍数字化项目" in listing and "少儿阅读推广项目" not in listing
    export = client.get(reverse("budget_budgetproject:index"), {"export": "csv"})
    assert "少儿阅读推广项目" not in b"".join(export).decode()
    client.force_login(finance)
    listing = client.get(reverse("budget_budgetproject:index")).content.decode()
    assert "古籍数字化项目" in listing and "少儿阅读推广项目" in listing
    trustee = make_user("trustee", role="trustee")
    client.force_login(trustee)
    assert client.get(reverse("budget_budgetproject:index")).status_code == 302
    assert client.get(reverse("budget_budgetproject:inspect", args=[other.pk])).status_code == 404


def test_the_listings_cost_the_same_for_few_and_many_projects(
    client, org, finance, django_assert_max_num_queries
):
    urls = [reverse("budget_budgetproject:index"), reverse("budget_targettable:index")]

    def grow(n):
        for _ in range(n):
            TargetTable.objects.create(project=make_project(org["a"]))

    grow(3)
    client.force_login(finance)
    counts = []
    for url in urls:
        with django_assert_max_num_queries(60) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    grow(30)
    for url, before in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(before):
            client.get(url)


def indicator_form(table, rows):
    """The edit form's POST: the goals and the indicators' inline formset."""
    data = {
        "overall_goal": "推动全民阅读",
        "annual_goal": "全年举办活动120场",
        "reason": "",
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"indicators-{n}-{key}": value for key, value in row.items()})
        data[f"indicators-{n}-ORDER"] = str(n + 1)
        data[f"indicators-{n}-id"] = ""
        data[f"indicators-{n}-DELETE"] = ""
    return data


def test_the_department_fills_in_the_table_on_its_form_and_bad_rows_save_nothing(
    client, org, head_a, project
):
    table = draft_targets(project, user=head_a)
    client.force_login(head_a)
    url = reverse("budget_targettable:edit", args=[table.pk])
    good = {"level2": "quantity", "name": "举办活动场次", "operator": "ge",
            "target_value": "120", "target_text": "", "measure_unit": "场", "points": "50",
            "plan_indicator": ""}  # fmt: skip
    bad = {**good, "name": "影响", "level2": "social", "operator": "qual", "target_value": ""}
    response = client.post(url, indicator_form(table, [good, bad]))
    assert response.status_code == 200  # the form again, with the error
    assert "请填写定性指标值" in response.content.decode()
    assert not TargetIndicator.objects.exists()
    response = client.post(url, indicator_form(table, [good]))
    assert response.url == reverse("budget_targettable:inspect", args=[table.pk])
    table.refresh_from_db()
    assert table.annual_goal == "全年举办活动120场"
    assert table.indicators.get().target_value == Decimal("120")
