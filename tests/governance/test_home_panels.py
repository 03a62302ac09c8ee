"""The home page says what to do today, per role: a head's items due and returned reports,
the planning office's queue, leadership's overview, staff's tasks, and a notice for the
roles whose module is still to come."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Period, PlanItem, ProgressReport
from governance.selectors.home import (
    head_home,
    leadership_overview,
    my_tasks,
    owed_period,
    planning_home,
)
from tests.factories import Node, fresh, item, make_plan, make_user

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def plan(org):
    outline = [
        Node(
            "一、",
            "主要任务",
            [
                Node(
                    "一、",
                    "体系建设",
                    [
                        Node("（1）", "借阅甲任务", style="paren_num"),
                        Node("（2）", "借阅乙任务", style="paren_num"),
                        Node("（3）", "少儿丙任务", style="paren_num"),
                    ],
                )
            ],
        )
    ]
    plan = make_plan(outline, start_year=YEAR, end_year=YEAR + 4, status="in_force")
    PlanItem.objects.filter(plan=plan, title__startswith="借阅").update(lead_unit=org["a"])
    PlanItem.objects.filter(plan=plan, title="少儿丙任务").update(lead_unit=org["b"])
    return plan


@pytest.fixture
def reviewer(org):
    return make_user("reviewer1", role="planning", first_name="王规划")


def write(plan, title, status, *, health="on_track", comment="", reviewer=None, quarter=1):
    period = Period.objects.get(plan=plan, year=YEAR, quarter=quarter)
    return ProgressReport.objects.create(
        item=item(plan, title),
        period=period,
        percent=Decimal(20),
        health=health,
        narrative="进展说明",
        status=status,
        review_comment=comment,
        reviewed_by=reviewer,
        reviewed_at=timezone.now() if reviewer else None,
        submitted_at=timezone.now(),
    )


def home_page(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_head_sees_returned_report_with_comment(client, plan, head_a, reviewer):
    write(plan, "借阅甲任务", "returned", comment="请补充借阅数据的来源", reviewer=reviewer)
    page = home_page(client, head_a)
    assert "本期待办" in page
    assert "请补充借阅数据的来源" in page
    assert "王规划" in page  # the reviewer by name, not login
    assert "reviewer1" not in page
    report_url = f"/admin/plan/items/{item(plan, '借阅甲任务').pk}/report/?period="
    assert report_url in page
    assert "修改后重新报送" in page


def test_head_sees_items_due_this_period_of_own_units_only(client, plan, head_a):
    write(plan, "借阅乙任务", "accepted")
    page = home_page(client, head_a)
    period = owed_period(plan)
    assert f"{period}有 1 项任务待报送" in page
    assert "借阅甲任务" in page
    assert "借阅乙任务" not in page  # accepted for the period
    assert "少儿丙任务" not in page  # another unit's item
    assert "尚未填写" in page


def test_head_is_told_when_everything_is_reported(client, plan, head_b):
    write(plan, "少儿丙任务", "submitted")
    page = home_page(client, head_b)
    assert f"{owed_period(plan)}：本部门的任务均已报送。" in page


def test_returned_report_of_a_closed_period_is_not_listed(client, plan, head_a, reviewer):
    write(plan, "借阅甲任务", "returned", comment="请补充借阅数据的来源", reviewer=reviewer)
    Period.objects.filter(plan=plan, year=YEAR, quarter=1).update(closed_at=timezone.now())
    assert head_home(fresh(head_a)).returned == []


def test_head_does_not_see_planning_hr_or_notice_panels(client, plan, head_a):
    page = home_page(client, head_a)
    assert 'data-testid="planning_todo"' not in page
    assert 'data-testid="hr_todo"' not in page
    assert 'data-testid="notice_finance"' not in page


def test_other_head_does_not_see_a_returned_report_of_another_unit(client, plan, head_b, reviewer):
    write(plan, "借阅甲任务", "returned", comment="请补充借阅数据的来源", reviewer=reviewer)
    page = home_page(client, head_b)
    assert "请补充借阅数据的来源" not in page
    assert "少儿丙任务" in page


def test_planner_sees_reports_waiting_for_review(client, plan, planner):
    write(plan, "借阅甲任务", "submitted")
    write(plan, "少儿丙任务", "submitted")
    page = home_page(client, planner)
    assert "2 份进度报告待审核" in page
    assert "/admin/plan/review/" in page
    assert 'data-testid="head_todo"' not in page


def test_planner_sees_overdue_and_at_risk_items(client, plan, planner):
    Period.objects.filter(plan=plan, year=YEAR, quarter=1).update(closed_at=timezone.now())
    write(plan, "借阅甲任务", "accepted", health="off_track")
    page = home_page(client, planner)
    period = Period.objects.get(plan=plan, year=YEAR, quarter=1)
    assert f"{period}逾期未报 2 项" in page  # 乙 and 丙: no report
    assert "1 项任务有风险或滞后" in page
    assert "滞后" in page


def test_leader_sees_overview_with_links(client, plan, org):
    leader = make_user("leader1", role="leadership")
    write(plan, "借阅甲任务", "accepted", health="at_risk")
    page = home_page(client, leader)
    assert "规划概况" in page
    assert "总体进度" in page
    assert "/admin/plan/dashboard/" in page
    assert 'data-testid="planning_todo"' not in page


def test_staff_sees_own_tasks(client, plan, staff_a):
    PlanItem.objects.filter(pk=item(plan, "借阅乙任务").pk).update(responsible=staff_a)
    page = home_page(client, staff_a)
    assert "我的任务" in page
    assert "我负责的任务 1 项" in page
    assert "借阅乙任务" in page
    assert "借阅甲任务" in page  # led by the unit
    assert "少儿丙任务" not in page
    given = item(plan, "借阅乙任务").pk
    assert reverse("plan_report_item", args=[given]) in page  # a report button on their task
    assert reverse("plan_report_item", args=[item(plan, "借阅甲任务").pk]) not in page


def test_the_editor_finds_what_the_website_has_due(client, org):
    page = home_page(client, make_user("editor1", role="editor"))
    assert "网站：待办与时限" in page and "信息公开登记簿" in page
    assert "尚在建设中" not in page


def test_wagtail_page_panels_only_for_those_who_edit_pages(client, org):
    from wagtail.admin.views.home import RecentEditsPanel

    from governance.views.panels import edits_pages

    finance = make_user("finance1", role="finance")
    editor = make_user("editor1", role="editor")
    assert not edits_pages(finance)
    assert edits_pages(editor)
    request = type("R", (), {"user": finance})()
    from governance.wagtail_hooks import add_plan_panels

    panels = [RecentEditsPanel()]
    add_plan_panels(request, panels)
    assert not any(isinstance(p, RecentEditsPanel) for p in panels)
    panels = [RecentEditsPanel()]
    add_plan_panels(type("R", (), {"user": editor})(), panels)
    assert any(isinstance(p, RecentEditsPanel) for p in panels)


# -- a flat number of queries --------------------------------------------------------------


def grow(plan, org, count):
    """``count`` more reportable items of department A under the plan's area, with
    reports: some returned, some submitted, some off track."""
    area = PlanItem.objects.get(plan=plan, title="体系建设")
    period = Period.objects.get(plan=plan, year=YEAR, quarter=1)
    for n in range(count):
        child = area.add_child(
            plan=plan, number=f"（{n + 10}）", title=f"新增任务{n}", kind="task", lead_unit=org["a"]
        )
        status = ("returned", "submitted", "draft")[n % 3]
        ProgressReport.objects.create(
            item=child,
            period=period,
            percent=Decimal(10),
            health=("on_track", "at_risk", "off_track")[n % 3],
            narrative="说明",
            status=status,
            review_comment="补充" if status == "returned" else "",
        )


@pytest.mark.parametrize(
    "selector", [head_home, planning_home, leadership_overview, my_tasks], ids=lambda f: f.__name__
)
def test_home_selectors_cost_the_same_with_many_rows(
    plan, org, head_a, planner, staff_a, selector, django_assert_max_num_queries
):
    user = {"head_home": head_a, "my_tasks": staff_a}.get(selector.__name__, planner)
    grow(plan, org, 3)
    with CaptureQueriesContext(connection) as few:
        selector(fresh(user))
    grow(plan, org, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        result = selector(fresh(user))
    assert result is not None


def test_home_page_costs_the_same_with_many_rows(client, plan, org, head_a):
    client.force_login(head_a)
    grow(plan, org, 3)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    grow(plan, org, 30)
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/")
    assert len(many.captured_queries) <= len(few.captured_queries)


@pytest.mark.parametrize("role", ["planning", "leadership", "staff"])
def test_each_roles_home_page_costs_the_same_with_many_rows(client, plan, org, role):
    client.force_login(
        make_user(f"{role}9", role=role, units=[org["a"]] if role == "staff" else [])
    )
    grow(plan, org, 3)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    grow(plan, org, 30)
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/")
    assert len(many.captured_queries) <= len(few.captured_queries)
