"""Reporting, review, roll-up by weight, closing periods and overdue items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from governance.models import Period, PlanItem, ProgressReport
from governance.selectors.plan import (
    expected_progress,
    overall_progress,
    overdue_items,
    rollup,
    rollup_progress,
)
from governance.services.plan import close_period, review_report, submit_report
from governance.services.progress import refresh_progress
from tests.factories import Node, item, make_plan

pytestmark = pytest.mark.django_db


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
                        Node("（1）", "甲任务", style="paren_num"),
                        Node("（2）", "乙任务", style="paren_num"),
                    ],
                ),
                Node(
                    "二、",
                    "阅读推广",
                    [
                        Node(
                            "（1）",
                            "丙任务",
                            [Node("①", "丙一", style="circled")],
                            style="paren_num",
                        ),
                    ],
                ),
            ],
        ),
    ]
    plan = make_plan(outline)
    PlanItem.objects.filter(plan=plan, numchild=0).update(lead_unit=org["a"])
    return plan


def period(plan, year, quarter):
    return Period.objects.get(plan=plan, year=year, quarter=quarter)


def report(plan, title, user, percent, year=2021, quarter=1, health="on_track", accept=True):
    r = submit_report(
        item(plan, title),
        period(plan, year, quarter),
        user=user,
        percent=Decimal(percent),
        health=health,
        narrative="进展说明",
    )
    if accept:
        review_report(r, reviewer=user, accept=True)
    return r


def test_kinds_follow_the_outline(plan):
    kinds = dict(PlanItem.objects.filter(plan=plan).values_list("title", "kind"))
    assert kinds == {
        "主要任务": "chapter",
        "体系建设": "area",
        "阅读推广": "area",
        "甲任务": "task",
        "乙任务": "task",
        "丙任务": "task",
        "丙一": "subtask",
    }


def test_progress_rolls_up_by_weight(plan, head_a, planner):
    PlanItem.objects.filter(plan=plan, title="甲任务").update(weight=3)
    report(plan, "甲任务", head_a, 40)
    report(plan, "乙任务", head_a, 80)
    report(plan, "丙一", head_a, 50)
    progress = rollup_progress(plan)
    assert progress[item(plan, "体系建设").pk] == Decimal("50.00")  # (3×40 + 1×80) / 4
    assert progress[item(plan, "丙任务").pk] == Decimal("50.00")
    assert progress[item(plan, "主要任务").pk] == Decimal("50.00")
    assert overall_progress(plan, progress) == Decimal("50.00")
    assert item(plan, "体系建设").progress == Decimal("50.00")  # saved on acceptance


def test_unaccepted_reports_do_not_count(plan, head_a):
    report(plan, "甲任务", head_a, 100, accept=False)
    assert rollup_progress(plan)[item(plan, "甲任务").pk] == 0


def test_as_of_date_uses_the_quarters_ended_by_then(plan, head_a):
    report(plan, "甲任务", head_a, 20, 2021, 1)
    report(plan, "甲任务", head_a, 60, 2021, 2)
    pk = item(plan, "甲任务").pk
    assert rollup_progress(plan, as_of=dt.date(2021, 3, 31))[pk] == 20
    assert rollup_progress(plan, as_of=dt.date(2021, 7, 15))[pk] == 60
    assert rollup_progress(plan, as_of=dt.date(2021, 2, 1))[pk] == 0


def test_rollup_costs_two_queries_whatever_the_size(plan, django_assert_num_queries):
    with django_assert_num_queries(2):
        rollup_progress(plan)


def test_cannot_report_on_an_item_with_sub_items(plan, head_a):
    with pytest.raises(ValidationError, match="子条目|sub-items"):
        report(plan, "丙任务", head_a, 10)


def test_percent_out_of_range_is_refused_and_nothing_saved(plan, head_a):
    with pytest.raises(ValidationError):
        report(plan, "甲任务", head_a, 120)
    assert not ProgressReport.objects.exists()


def test_return_needs_a_comment(plan, head_a, planner):
    r = report(plan, "甲任务", head_a, 30, accept=False)
    with pytest.raises(ValidationError):
        review_report(r, reviewer=planner, accept=False, comment=" ")
    review_report(r, reviewer=planner, accept=False, comment="请补充佐证材料")
    r.refresh_from_db()
    assert r.status == "returned" and r.review_comment == "请补充佐证材料"


def test_closed_period_locks_its_reports(plan, head_a, planner):
    r = submit_report(
        item(plan, "甲任务"),
        period(plan, 2021, 1),
        user=head_a,
        percent=Decimal(30),
        health="on_track",
        narrative="草稿",
        draft=True,
    )
    close_period(period(plan, 2021, 1), user=planner)
    with pytest.raises(ValidationError, match="关闭|closed"):
        report(plan, "甲任务", head_a, 50, accept=False)
    r.refresh_from_db()
    assert r.percent == 30 and r.status == "draft"


def test_period_with_reports_waiting_for_review_cannot_close(plan, head_a, planner):
    report(plan, "甲任务", head_a, 30, accept=False)
    with pytest.raises(ValidationError, match="审核|review"):
        close_period(period(plan, 2021, 1), user=planner)
    assert not period(plan, 2021, 1).is_closed


def test_period_not_ended_cannot_close(org, planner):
    import datetime as dt

    this_year = dt.date.today().year
    plan = make_plan([Node("一、", "甲")], start_year=this_year, end_year=this_year + 4)
    with pytest.raises(ValidationError, match="尚未结束|not ended"):
        close_period(period(plan, this_year + 1, 4), user=planner)


def test_accepted_report_is_locked(plan, head_a):
    report(plan, "甲任务", head_a, 30)
    with pytest.raises(ValidationError, match="accepted|已通过|锁定"):
        report(plan, "甲任务", head_a, 90, accept=False)


def test_items_without_report_for_last_closed_period_are_overdue(plan, head_a, planner):
    report(plan, "甲任务", head_a, 30)
    PlanItem.objects.filter(title="丙一").update(status=PlanItem.Status.SUSPENDED)
    q1 = close_period(period(plan, 2021, 1), user=planner)
    overdue = set(overdue_items(plan, q1).values_list("title", flat=True))
    assert overdue == {"乙任务"}  # 丙一 is suspended


def test_areas_without_assigned_work_stay_out_of_the_overall_figure(org, head_a):
    plan = make_plan(
        [
            Node(
                "一、",
                "总体目标",
                [Node("（二）", "理念", [Node("1、", "开放")], style="paren_cn")],
            ),
            Node("二、", "主要任务", [Node("一、", "体系建设", [Node("（1）", "甲任务")])]),
        ]
    )
    PlanItem.objects.filter(plan=plan, title="甲任务").update(lead_unit=org["a"])
    assert item(plan, "理念").kind == "area"
    report(plan, "甲任务", head_a, 80)
    assert overall_progress(plan, rollup_progress(plan)) == Decimal("80.00")


def test_a_report_accepted_for_the_current_quarter_shows_in_the_listing_and_export_today(
    client, org, head_a, planner
):
    from io import BytesIO

    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import load_workbook

    today = timezone.localdate()
    plan = make_plan(
        [Node("一、", "主要任务", [Node("一、", "领域", [Node("（1）", "本季任务")])])],
        start_year=today.year,
        end_year=today.year + 4,
    )
    leaf = item(plan, "本季任务")
    PlanItem.objects.filter(pk=leaf.pk).update(lead_unit=org["a"])
    current = period(plan, today.year, (today.month + 2) // 3)
    r = submit_report(
        leaf, current, user=head_a, percent=Decimal(40), health="on_track", narrative="本季完成"
    )
    review_report(r, reviewer=planner, accept=True)
    assert PlanItem.objects.get(pk=leaf.pk).progress == Decimal(40)
    assert PlanItem.objects.get(plan=plan, depth=1).progress == Decimal(40)  # rolled up
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:index"), {"plan": plan.pk}).content.decode()
    assert "40.0%" in html
    export = client.get(reverse("governance_planitem:index"), {"plan": plan.pk, "export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    progress = [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert progress == [40, 40, 40]


# -- status and progress a planning office trusts ------------------------------------------


def status_of(plan, title):
    return item(plan, title).status


def test_parent_status_follows_its_children(plan, head_a):
    report(plan, "甲任务", head_a, 100)
    assert status_of(plan, "甲任务") == PlanItem.Status.COMPLETED
    # 乙 not started yet: the area is in progress, never 未启动 with work done below.
    assert status_of(plan, "体系建设") == PlanItem.Status.IN_PROGRESS
    assert status_of(plan, "主要任务") == PlanItem.Status.IN_PROGRESS
    assert status_of(plan, "阅读推广") == PlanItem.Status.NOT_STARTED
    report(plan, "乙任务", head_a, 100)
    assert status_of(plan, "体系建设") == PlanItem.Status.COMPLETED
    assert status_of(plan, "主要任务") == PlanItem.Status.IN_PROGRESS  # 丙一 still open


def test_a_parent_whose_tasks_are_all_suspended_is_suspended(plan, head_a):
    PlanItem.objects.filter(title__in=["甲任务", "乙任务"]).update(status="suspended")
    report(plan, "丙一", head_a, 30)
    assert status_of(plan, "体系建设") == PlanItem.Status.SUSPENDED
    assert status_of(plan, "阅读推广") == PlanItem.Status.IN_PROGRESS


def test_a_parent_with_suspended_and_completed_tasks_is_completed(plan, head_a):
    PlanItem.objects.filter(title="乙任务").update(status="suspended")
    report(plan, "甲任务", head_a, 100)
    assert status_of(plan, "体系建设") == PlanItem.Status.COMPLETED


def test_suspended_items_leave_the_rollup_instead_of_counting_as_zero(plan, head_a):
    report(plan, "乙任务", head_a, 80)
    assert rollup_progress(plan)[item(plan, "体系建设").pk] == Decimal("40.00")
    PlanItem.objects.filter(title="甲任务").update(status="suspended")
    assert rollup_progress(plan)[item(plan, "体系建设").pk] == Decimal("80.00")


def test_items_nobody_leads_leave_the_rollup(plan, head_a):
    report(plan, "乙任务", head_a, 80)
    PlanItem.objects.filter(title="甲任务").update(lead_unit=None)
    figures = rollup(plan)
    assert figures.progress[item(plan, "体系建设").pk] == Decimal("80.00")
    assert not figures.is_task(item(plan, "甲任务").pk)


def test_the_preamble_is_not_a_task(org, head_a, planner):
    plan = make_plan(
        [
            Node("一、", "指导思想"),
            Node("二、", "总体目标", [Node("（一）", "愿景"), Node("（二）", "理念")]),
            Node("三、", "主要任务", [Node("（一）", "体系建设", [Node("1.", "甲任务")])]),
        ]
    )
    PlanItem.objects.filter(plan=plan, title="甲任务").update(lead_unit=org["a"])
    report(plan, "甲任务", head_a, 100)
    figures = rollup(plan)
    for title in ("指导思想", "总体目标", "愿景", "理念"):
        assert not figures.is_task(item(plan, title).pk), title
        assert item(plan, title).status == PlanItem.Status.NOT_STARTED  # left alone
    assert status_of(plan, "主要任务") == PlanItem.Status.COMPLETED
    # Only the tasks' chapter counts: 100 %, not 100 / 3.
    assert overall_progress(plan, figures.progress) == Decimal("100.00")
    q1 = close_period(period(plan, 2021, 1), user=planner)
    assert not overdue_items(plan, q1).exists()


def test_an_item_accepted_at_100_is_completed_and_not_overdue_next_quarter(plan, head_a, planner):
    report(plan, "甲任务", head_a, 100, 2021, 1)
    assert status_of(plan, "甲任务") == PlanItem.Status.COMPLETED
    for title in ("乙任务", "丙一"):
        report(plan, title, head_a, 50, 2021, 2)
    close_period(period(plan, 2021, 1), user=planner)
    q2 = close_period(period(plan, 2021, 2), user=planner)
    assert not overdue_items(plan, q2).exists()
    # Even if the stored status was never refreshed, the accepted 100 % settles it.
    PlanItem.objects.filter(title="甲任务").update(status="in_progress")
    assert not overdue_items(plan, q2).exists()


def test_expected_progress_is_linear_over_the_items_years():
    assert expected_progress(2021, 2025, dt.date(2023, 12, 31)) == Decimal("60.00")
    assert Decimal("9.9") < expected_progress(2021, 2025, dt.date(2021, 7, 2)) < Decimal("10.1")
    assert expected_progress(2021, 2025, dt.date(2020, 12, 31)) == Decimal("0")
    assert expected_progress(2021, 2025, dt.date(2026, 1, 1)) == Decimal("100")
    assert expected_progress(2022, 2023, dt.date(2022, 12, 31)) == Decimal("50.00")


def test_expected_progress_uses_the_items_years_or_the_plans(plan):
    PlanItem.objects.filter(title="甲任务").update(start_year=2022, end_year=2023)
    figures = rollup(plan, as_of=dt.date(2022, 12, 31))
    assert figures.expected[item(plan, "甲任务").pk] == Decimal("50.00")
    assert figures.expected[item(plan, "乙任务").pk] == Decimal("40.00")  # 2021–2025
    assert figures.expected[item(plan, "体系建设").pk] == Decimal("45.00")  # their mean


def test_items_behind_the_time_schedule_are_flagged(plan, head_a, settings):
    report(plan, "甲任务", head_a, 35, 2022, 4)  # expected 40 by the end of 2022
    report(plan, "乙任务", head_a, 25, 2022, 4)
    figures = rollup(plan, as_of=dt.date(2022, 12, 31))
    assert not figures.behind(item(plan, "甲任务").pk)  # 5 points short: within 10
    assert figures.behind(item(plan, "乙任务").pk)
    settings.SHUXIANG_PLAN_BEHIND_TOLERANCE = 3
    assert figures.behind(item(plan, "甲任务").pk)
    assert figures.behind(item(plan, "丙一").pk)  # nothing reported at all


def test_completed_and_suspended_items_are_never_behind(plan, head_a):
    report(plan, "甲任务", head_a, 100, 2021, 1)
    PlanItem.objects.filter(title="乙任务").update(status="suspended")
    figures = rollup(plan, as_of=dt.date(2025, 12, 31))
    assert not figures.behind(item(plan, "甲任务").pk)
    assert not figures.behind(item(plan, "乙任务").pk)


def test_rollup_with_status_and_schedule_still_costs_two_queries(plan, django_assert_num_queries):
    with django_assert_num_queries(2):
        rollup(plan, as_of=dt.date(2022, 6, 30))


def test_refresh_stores_progress_and_status_in_a_fixed_number_of_queries(
    plan, head_a, django_assert_max_num_queries
):
    report(plan, "甲任务", head_a, 60)
    PlanItem.objects.filter(plan=plan).update(status="not_started", progress=0)
    with django_assert_max_num_queries(5):
        assert refresh_progress(plan) == 3  # 甲, 体系建设 and 主要任务; the rest unchanged
    assert status_of(plan, "主要任务") == PlanItem.Status.IN_PROGRESS
