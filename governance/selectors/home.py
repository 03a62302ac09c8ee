"""Reads for the home page's plan panels: what a department head owes this period, what
waits for the planning office, the overview for leadership and a member of staff's
tasks. Plain data in a fixed number of queries whatever the number of rows; every row
reached through the access API."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from governance.access import get_user_access, granted_units, visible
from governance.forms import started_open_periods
from governance.models import Period, Plan, PlanItem, ProgressReport, Role
from governance.people import person_name
from governance.selectors.dashboard import latest_reports
from governance.selectors.plan import (
    current_plan,
    last_closed_period,
    overall_weights,
    overdue_items,
    weighted_mean,
)
from governance.selectors.reports import returned_reports_for

LIST_LIMIT = 10  # rows a panel lists; the counts cover all of them
STILL_OWED = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)
RISKY = (ProgressReport.Health.AT_RISK, ProgressReport.Health.OFF_TRACK)


def role_keys(user) -> frozenset[str]:
    """The keys of the user's roles (one query)."""
    return frozenset(Role.objects.filter(group__user=user).values_list("key", flat=True))


def owed_period(plan: Plan) -> Period | None:
    """The period a head reports on now: the earliest open one that has begun."""
    return started_open_periods(plan).order_by("year", "quarter").first()


def _report_status_label(code: str | None) -> str:
    return ProgressReport.Status(code).label if code else ""


@dataclass(frozen=True)
class DueItem:
    item_id: int
    title: str
    unit: str
    status: str  # the period's report status ("" when not yet written)
    returned: bool


@dataclass(frozen=True)
class ReturnedReport:
    report_id: int
    item_id: int
    period_id: int
    title: str
    unit: str
    period: str
    comment: str
    reviewer: str
    reviewed_at: object


@dataclass
class HeadHome:
    plan: Plan | None
    period: Period | None
    due: list[DueItem] = field(default_factory=list)
    due_count: int = 0
    returned: list[ReturnedReport] = field(default_factory=list)
    returned_count: int = 0


def _owed_items(user, plan: Plan, period: Period):
    """Reportable items the user's units lead, active in the period's year, whose report
    for it is missing, a draft or returned, annotated with that report's status."""
    report_status = ProgressReport.objects.filter(item=OuterRef("pk"), period=period).values(
        "status"
    )[:1]
    items = (
        PlanItem.objects.filter(plan=plan)
        .reportable()
        .active_in(period.year)
        .exclude(status__in=[PlanItem.Status.COMPLETED, PlanItem.Status.SUSPENDED])
    )
    # "change" on an item is its lead unit's right; partner units only view it.
    return (
        visible(user, items, ["change"])
        .annotate(report_status=Subquery(report_status))
        .filter(Q(report_status__isnull=True) | Q(report_status__in=STILL_OWED))
    )


def head_home(user) -> HeadHome:
    """A department head's day: items due this period and returned reports. Up to seven
    queries whatever the number of items."""
    plan = current_plan()
    period = owed_period(plan) if plan else None
    home = HeadHome(plan=plan, period=period)
    if period is not None:
        owed = _owed_items(user, plan, period)
        home.due_count = owed.count()
        rows = owed.select_related("lead_unit").order_by("path")[:LIST_LIMIT]
        home.due = [
            DueItem(
                item_id=i.pk,
                title=str(i),
                unit=str(i.lead_unit),
                status=_report_status_label(i.report_status),
                returned=i.report_status == ProgressReport.Status.RETURNED,
            )
            for i in rows
        ]
    returned = returned_reports_for(user)
    home.returned_count = returned.count()
    home.returned = [
        ReturnedReport(
            report_id=r.pk,
            item_id=r.item_id,
            period_id=r.period_id,
            title=str(r.item),
            unit=str(r.item.lead_unit) if r.item.lead_unit else "—",
            period=str(r.period),
            comment=r.review_comment,
            reviewer=person_name(r.reviewed_by),
            reviewed_at=r.reviewed_at,
        )
        for r in returned[:LIST_LIMIT]
    ]
    return home


@dataclass(frozen=True)
class ItemRow:
    item_id: int
    title: str
    unit: str
    note: str = ""  # e.g. the health of the latest report


@dataclass
class PlanningHome:
    plan: Plan | None
    waiting_count: int = 0
    oldest_waiting: object = None
    overdue_period: Period | None = None
    overdue: list[ItemRow] = field(default_factory=list)
    overdue_count: int = 0
    at_risk: list[ItemRow] = field(default_factory=list)
    at_risk_count: int = 0


def _at_risk(user, plan: Plan) -> tuple[list[ItemRow], int]:
    """Items whose latest report says at risk or off track (two queries)."""
    latest = latest_reports(plan, as_of=None)
    health = {pk: r["health"] for pk, r in latest.items() if r["health"] in RISKY}
    if not health:
        return [], 0
    items = list(
        visible(user, PlanItem.objects.filter(pk__in=health))
        .select_related("lead_unit")
        .order_by("path")
    )
    # Off track before at risk, each in outline order (the sort is stable).
    items.sort(key=lambda i: health[i.pk] != ProgressReport.Health.OFF_TRACK)
    rows = [
        ItemRow(
            item_id=i.pk,
            title=str(i),
            unit=str(i.lead_unit) if i.lead_unit else "—",
            note=str(ProgressReport.Health(health[i.pk]).label),
        )
        for i in items
    ]
    return rows[:LIST_LIMIT], len(rows)


def planning_home(user) -> PlanningHome:
    """The planning office's day: reports waiting for review, overdue and at-risk items.
    A fixed number of queries whatever the size of the plan."""
    waiting = visible(user, ProgressReport, ["review"]).filter(
        status=ProgressReport.Status.SUBMITTED
    )
    plan = current_plan()
    home = PlanningHome(plan=plan, waiting_count=waiting.count())
    if home.waiting_count:
        home.oldest_waiting = (
            waiting.order_by("submitted_at").values_list("submitted_at", flat=True).first()
        )
    if plan is None:
        return home
    home.overdue_period = last_closed_period(plan)
    overdue = visible(user, overdue_items(plan, home.overdue_period))
    home.overdue_count = overdue.count()
    home.overdue = [
        ItemRow(item_id=i.pk, title=str(i), unit=str(i.lead_unit))
        for i in overdue.order_by("path")[:LIST_LIMIT]
    ]
    home.at_risk, home.at_risk_count = _at_risk(user, plan)
    return home


@dataclass
class Overview:
    plan: Plan | None
    overall: Decimal = Decimal(0)
    items: int = 0
    at_risk_count: int = 0
    off_track_count: int = 0
    overdue_count: int = 0


def leadership_overview(user) -> Overview:
    """The plan in a few figures for leadership: overall progress, items at risk or off
    track, overdue items (a fixed number of queries)."""
    plan = current_plan()
    if plan is None:
        return Overview(plan=None)
    # Today's overall progress: the stored progress of the areas it averages (what
    # ``plan_figures`` reads for today), not a roll-up of every report.
    weights = overall_weights(plan)
    stored = dict(
        PlanItem.objects.filter(pk__in=[pk for pk, _w in weights]).values_list("pk", "progress")
    )
    latest = latest_reports(plan, as_of=None)
    visible_items = visible(user, PlanItem.objects.filter(plan=plan).reportable())
    seen = set(visible_items.values_list("pk", flat=True))
    health = [r["health"] for pk, r in latest.items() if pk in seen]
    period = last_closed_period(plan)
    return Overview(
        plan=plan,
        overall=weighted_mean(weights, stored),
        items=len(seen),
        at_risk_count=sum(1 for h in health if h == ProgressReport.Health.AT_RISK),
        off_track_count=sum(1 for h in health if h == ProgressReport.Health.OFF_TRACK),
        overdue_count=overdue_items(plan, period).filter(pk__in=seen).count() if seen else 0,
    )


@dataclass(frozen=True)
class TaskRow:
    item_id: int
    title: str
    unit: str
    progress: Decimal
    status: str
    mine: bool  # the user is the responsible person
    may_open: bool


@dataclass
class MyTasks:
    responsible: list[TaskRow] = field(default_factory=list)
    responsible_count: int = 0
    unit_items: list[TaskRow] = field(default_factory=list)
    unit_items_count: int = 0
    units: list[str] = field(default_factory=list)


def _task_rows(items, openable: set[int], user) -> list[TaskRow]:
    return [
        TaskRow(
            item_id=i.pk,
            title=str(i),
            unit=str(i.lead_unit) if i.lead_unit else "—",
            progress=i.progress,
            status=i.get_status_display(),
            mine=i.responsible_id == user.pk,
            may_open=i.pk in openable,
        )
        for i in items
    ]


def my_tasks(user) -> MyTasks:
    """A member of staff's open tasks (neither completed nor suspended): items they are
    responsible for and items their unit leads (the units granted to them), in the
    current plan. Up to eight queries."""
    plan = current_plan()
    units = list(granted_units(user).order_by("path"))
    result = MyTasks(units=[str(u) for u in units])
    if plan is None:
        return result
    items = (
        PlanItem.objects.filter(plan=plan)
        .reportable()
        .exclude(status__in=[PlanItem.Status.COMPLETED, PlanItem.Status.SUSPENDED])
        .select_related("lead_unit")
        .defer("text")
        .order_by("path")
    )
    mine = items.filter(responsible=user)
    unit_q = get_user_access(user).units_q("lead_unit__")
    of_units = items.filter(unit_q).exclude(responsible=user) if units else items.none()
    result.responsible_count = mine.count()
    result.unit_items_count = of_units.count()
    mine_rows = list(mine[:LIST_LIMIT])
    unit_rows = list(of_units[:LIST_LIMIT])
    shown = [i.pk for i in mine_rows + unit_rows]
    openable = (
        set(visible(user, PlanItem.objects.filter(pk__in=shown)).values_list("pk", flat=True))
        if shown
        else set()
    )
    result.responsible = _task_rows(mine_rows, openable, user)
    result.unit_items = _task_rows(unit_rows, openable, user)
    return result
