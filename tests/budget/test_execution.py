"""Execution against the calendar: spent / full-year budget beside the time schedule
(elapsed months / 12, or the project's own monthly plan), by project, department and
funding source, the lagging projects, the year-end warning that asks for the reason, and
a dashboard whose queries do not grow with the projects."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import BudgetAdjustment, BudgetProject, Expenditure, MonthlyPlan, ProjectFund
from budget.selectors import execution_report
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def finance(org):
    return make_user("finance_officer", role="finance")


def spend(project, day, amount, source="fiscal", *, user):
    return Expenditure.objects.create(
        project=project, date=day, amount=D(amount), source=source, summary="支出",
        recorded_by=user,
    )  # fmt: skip


@pytest.fixture
def two_projects(org, finance):
    """A: 120,000 fiscal, +24,000 in May, +6,000 in September; 60,000 spent by June.
    B (another department): 60,000 other funds planned January to June, 20,000 spent."""
    a = make_project(org["a"], code="A", name="数字资源购置", funds={"fiscal": D(120000)})
    for when, amount in ((dt.date(2025, 5, 10), 24000), (dt.date(2025, 9, 1), 6000)):
        BudgetAdjustment.objects.create(
            project=a, source="fiscal", amount=D(amount), reference="追加", date=when,
            recorded_by=finance,
        )  # fmt: skip
    spend(a, dt.date(2025, 2, 1), 20000, user=finance)
    spend(a, dt.date(2025, 6, 30), 40000, user=finance)
    spend(a, dt.date(2025, 7, 1), 9999, user=finance)  # after June: not counted
    b = make_project(org["b"], code="B", name="少儿阅读推广", funds={"other": D(60000)})
    for month in range(1, 7):
        MonthlyPlan.objects.create(project=b, month=month, amount=D(10000))
    spend(b, dt.date(2025, 3, 3), 20000, "other", user=finance)
    return a, b


def test_execution_and_schedule_by_project_department_and_source(two_projects):
    a, b = two_projects
    report = execution_report(BudgetProject.objects.all(), year=2025, month=6)
    rows = {row.project.code: row for row in report.projects}
    assert rows["A"].budget == D(144000)  # September's adjustment is not known in June
    assert rows["A"].rate == D("41.67") and rows["A"].schedule == D("50.00")
    assert rows["A"].gap == D("-8.33") and not rows["A"].lagging(D(10))
    assert rows["B"].rate == D("33.33") and rows["B"].schedule == D("100.00")  # its own plan
    assert [row.project.code for row in report.lagging] == ["B"]
    sources = {s.key: s for s in report.sources}
    assert sources["fiscal"].spent == D(60000) and sources["other"].budget == D(60000)
    assert report.total.rate == D("39.22")  # 80,000 of 204,000
    assert report.total.schedule == D("64.71")  # (72,000 + 60,000) of 204,000
    assert [u.label for u in report.units] == [
        "测试市图书馆 · 借阅部",
        "测试市图书馆 · 少儿部",
    ]
    assert report.months[1] == (2, D("9.80"), D("21.57"))  # 20,000; 24,000 + 20,000 expected


def test_the_year_end_warning_asks_the_department_for_the_reason(
    client, org, finance, head_a, two_projects
):
    a, _b = two_projects
    report = execution_report(BudgetProject.objects.all(), year=2025, month=12)
    assert {row.project.code for row in report.below_warning} == {"A", "B"}
    client.force_login(head_a)
    page = reverse("budget_budgetproject:inspect", args=[a.pk])
    assert "请说明原因" in client.get(page).content.decode()
    client.post(reverse("budget_explain", args=[a.pk]), {"reason": "设备采购延至次年"})
    a.refresh_from_db()
    assert a.execution_reason == "设备采购延至次年"
    client.force_login(finance)
    dashboard = client.get(reverse("budget_dashboard"), {"year": 2025, "month": 12})
    assert "设备采购延至次年" in dashboard.content.decode()


def test_the_dashboard_shows_the_readers_projects_only(client, org, finance, head_b, two_projects):
    client.force_login(finance)
    page = client.get(reverse("budget_dashboard"), {"year": 2025, "month": 6}).content.decode()
    assert "少儿阅读推广" in page and "204,000.00" in page and "39.22 %" in page
    client.force_login(head_b)
    page = client.get(reverse("budget_dashboard"), {"year": 2025, "month": 6}).content.decode()
    assert "少儿阅读推广" in page and "数字资源购置" not in page and "60,000.00" in page
    trustee = make_user("trustee", role="trustee")
    client.force_login(trustee)
    assert client.get(reverse("budget_dashboard")).url == reverse("wagtailadmin_home")


def test_the_dashboard_costs_the_same_for_10_and_500_projects(
    client, org, finance, django_assert_max_num_queries
):
    def grow(n):
        start = BudgetProject.objects.count()
        made = BudgetProject.objects.bulk_create(
            BudgetProject(year=2025, code=f"G{start + i}", name=f"项目{start + i}",
                          unit=org["a"] if i % 2 else org["b"], start_year=2025, end_year=2025)
            for i in range(n)
        )  # fmt: skip
        made = list(BudgetProject.objects.filter(code__in=[p.code for p in made]))
        ProjectFund.objects.bulk_create(
            ProjectFund(project=p, source="fiscal", initial=D(100000)) for p in made
        )
        Expenditure.objects.bulk_create(
            Expenditure(project=p, date=dt.date(2025, month, 15), amount=D(1000),
                        recorded_by=finance)
            for p in made
            for month in (1, 4, 7)
        )  # fmt: skip

    grow(10)
    client.force_login(finance)
    url = reverse("budget_dashboard")
    with django_assert_max_num_queries(60) as few:
        client.get(url, {"year": 2025, "month": 9})
    grow(490)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"year": 2025, "month": 9})
    assert "50,000,000.00" in page.content.decode()  # 500 budgets of 100,000


def test_a_trustee_reads_the_boards_summary_and_no_project(client, org, head_b, two_projects):
    trustee = make_user("trustee_reader", role="trustee")
    client.force_login(trustee)
    page = client.get(reverse("budget_board_summary"), {"year": 2025}).content.decode()
    assert "204,000.00" in page or "210,000.00" in page  # the year's budget as it stands
    assert "测试市图书馆 · 少儿部" in page  # by department
    assert "数字资源购置" not in page and "少儿阅读推广" not in page  # no project's lines
    assert client.get(reverse("budget_dashboard")).url == reverse("wagtailadmin_home")
    a, _b = two_projects
    assert client.get(reverse("budget_budgetproject:inspect", args=[a.pk])).status_code == 404
    client.force_login(head_b)  # a head is not the board
    assert client.get(reverse("budget_board_summary")).url == reverse("wagtailadmin_home")
