"""The dashboard for today reads the stored progress instead of the reports: it must show
exactly what recomputing from the reports shows, and a report accepted today on the
running quarter counts today."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Period, PlanItem
from governance.selectors.dashboard import plan_dashboard
from governance.selectors.plan import plan_figures, rollup
from governance.services.plan import close_period, review_report, submit_report
from governance.services.progress import refresh_progress
from tests.factories import Node, item, make_plan, make_user

pytestmark = pytest.mark.django_db


def quarters_back(day: dt.date, n: int) -> tuple[int, int]:
    """(year, quarter) ``n`` quarters before the one ``day`` falls in."""
    index = day.year * 4 + (day.month - 1) // 3 - n
    return index // 4, index % 4 + 1


def report(plan, title, user, percent, when, *, health="on_track", review=None, reviewer=None):
    """Submit a report on the quarter ``when`` (year, quarter); then accept or return it."""
    year, quarter = when
    r = submit_report(
        item(plan, title),
        Period.objects.get(plan=plan, year=year, quarter=quarter),
        user=user,
        percent=Decimal(percent),
        health=health,
        narrative=f"{title}{year}年第{quarter}季度",
    )
    if review is not None:
        review_report(r, reviewer=reviewer, accept=review == "accept", comment="请补充佐证材料")
    return r


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(org, today, head_a, head_b, planner):
    """A plan in force around today: reports over four quarters — accepted, returned,
    waiting for review, one accepted today on the running quarter —, weights and years
    of its own on some tasks, suspended tasks (one alone in its area), a task nobody
    leads, the preamble, and the earliest of those quarters closed."""
    plan = make_plan(
        [
            Node("一、", "指导思想"),
            Node(
                "二、",
                "主要任务",
                [
                    Node(
                        "（一）",
                        "体系建设",
                        [
                            Node("1.", "甲任务"),
                            Node("2.", "乙任务"),
                            Node("3.", "丙任务"),
                            Node("4.", "丁任务"),
                        ],
                    ),
                    Node(
                        "（二）",
                        "阅读推广",
                        [
                            Node("1.", "戊任务", [Node("（1）", "戊一"), Node("（2）", "戊二")]),
                            Node("2.", "己任务"),
                        ],
                    ),
                    Node("（三）", "古籍保护", [Node("1.", "庚任务")]),
                ],
            ),
        ],
        start_year=today.year - 2,
        end_year=today.year + 2,
    )
    led = {"甲任务": "a", "乙任务": "b", "丙任务": "a", "戊一": "b", "戊二": "a", "己任务": "a"}
    for title, unit in led.items():
        PlanItem.objects.filter(plan=plan, title=title).update(lead_unit=org[unit])
    PlanItem.objects.filter(plan=plan, title="庚任务").update(lead_unit=org["b"])
    PlanItem.objects.filter(plan=plan, title="乙任务").update(
        weight=Decimal(2), start_year=today.year - 1, end_year=today.year
    )
    PlanItem.objects.filter(plan=plan, title="戊任务").update(weight=Decimal("1.5"))
    PlanItem.objects.filter(plan=plan, title="戊二").update(start_year=today.year + 1)
    refresh_progress(plan)  # as the assignment import and the item's edit view do

    now, last, before, oldest = (quarters_back(today, n) for n in range(4))
    accept = {"review": "accept", "reviewer": planner}
    report(plan, "甲任务", head_a, 20, oldest, **accept)
    report(plan, "甲任务", head_a, 35, last, health="at_risk", **accept)
    report(plan, "甲任务", head_a, 50, now, **accept)  # accepted today, quarter running
    report(plan, "乙任务", head_b, 10, before, health="off_track", **accept)
    report(plan, "乙任务", head_b, 30, now, health="at_risk")  # waits for review
    report(plan, "丙任务", head_a, 60, last, **accept)
    report(plan, "戊一", head_b, 100, oldest, **accept)
    report(plan, "己任务", head_a, 45, last, health="off_track", review="return", reviewer=planner)
    report(plan, "庚任务", head_b, 40, now, **accept)
    close_period(Period.objects.get(plan=plan, year=oldest[0], quarter=oldest[1]), user=planner)
    PlanItem.objects.filter(plan=plan, title__in=["丙任务", "庚任务"]).update(
        status=PlanItem.Status.SUSPENDED
    )
    refresh_progress(plan)  # as the item's edit view does after a suspension
    return plan


def test_stored_figures_for_today_are_the_recomputed_ones(plan, today):
    stored, recomputed = plan_figures(plan, as_of=today), rollup(plan, as_of=today)

    assert stored.progress == recomputed.progress
    assert stored.expected == recomputed.expected
    assert stored.status == recomputed.status
    assert stored.counted == recomputed.counted
    assert stored.progress[item(plan, "甲任务").pk] == Decimal(50)  # accepted today


@pytest.mark.parametrize("role", ["planning", "leadership", "head"])
def test_todays_dashboard_from_the_stored_progress_equals_the_recomputed_one(
    plan, org, today, role
):
    user = make_user(role="department_head", units=[org["a"]]) if role == "head" else None
    user = user or make_user(role=role)

    stored = plan_dashboard(plan, user=user, as_of=today)
    recomputed = plan_dashboard(plan, user=user, as_of=today, recompute=True)

    assert stored == recomputed
    assert stored.at_risk and stored.overdue and stored.health  # the comparison has content
    assert stored.scoped == (role == "head")


def test_a_report_accepted_today_on_the_running_quarter_counts_today_not_yesterday(
    plan, planner, today
):
    a_task = item(plan, "甲任务").pk

    now = plan_dashboard(plan, user=planner, as_of=today)
    yesterday = plan_dashboard(plan, user=planner, as_of=today - dt.timedelta(days=1))

    def progress_of(board, pk):
        return {row.item.pk: row.progress for row in board.at_risk}.get(pk)

    assert plan_figures(plan, as_of=today).progress[a_task] == Decimal(50)
    assert rollup(plan, as_of=today - dt.timedelta(days=1)).progress[a_task] == Decimal(35)
    assert now.overall != yesterday.overall
    # 乙's report waiting for review already tells its health today (at risk, not the
    # off track of the quarter before), but not its progress.
    rows = {row.item.title: row for row in now.at_risk}
    assert rows["乙任务"].health == "at_risk" and rows["乙任务"].progress == Decimal(10)
    assert progress_of(yesterday, item(plan, "乙任务").pk) == Decimal(10)


def test_todays_dashboard_page_shows_the_report_accepted_today(client, org, head_a, planner):
    today = timezone.localdate()
    plan = make_plan(
        [Node("一、", "主要任务", [Node("（一）", "领域", [Node("1.", "本季任务")])])],
        start_year=today.year,
        end_year=today.year + 4,
    )
    PlanItem.objects.filter(plan=plan, title="本季任务").update(lead_unit=org["a"])
    report(plan, "本季任务", head_a, 40, quarters_back(today, 0), review="accept", reviewer=planner)
    client.force_login(planner)

    html = client.get(reverse("plan_dashboard"), {"plan": plan.pk}).content.decode()

    assert 'data-testid="overall">总体进度<strong>40.0%</strong>' in html
