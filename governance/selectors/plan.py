"""Reads of the plan: the roll-up of progress, task areas, overdue items, target checks
and who to remind. A fixed number of queries whatever the size of the plan; nothing
here writes (the services store what must be stored)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connections
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Mod
from django.utils import timezone

from governance.access import SCOPE_PERMISSION
from governance.models import (
    Indicator,
    IndicatorYear,
    OrgUnit,
    OrgUnitUserObjectPermission,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)

CENT = Decimal("0.01")


# -- which reports count as of a date -------------------------------------------------------
#
# What the planning office sees "as of" a date: a report counts once its quarter has ended
# by that date, or once it was accepted (a submitted report's health: submitted) on or
# before it. Looking at today, that is every report accepted so far — the report on the
# running quarter accepted this morning shows today, on the dashboard as in the listing and
# on the item page, never "from October" — so the stored progress (the roll-up as of the
# day it is stored, ``services.progress.refresh_progress``) *is* the figure for today, and
# the dashboard reads it. Looking back, a date also counts the reports on the quarters
# ended by then that were accepted later: the figures at the end of 2023 include the Q4
# reports accepted in January 2024, as a year-end review expects.


def ended_quarter(as_of: dt.date) -> int:
    """How many quarters of ``as_of``'s year have ended by the date (its last day
    included): 0 to 4."""
    return sum(1 for q in (1, 2, 3, 4) if Period(year=as_of.year, quarter=q).end_date <= as_of)


def known_by(as_of: dt.date | None, *, moment: str) -> Q:
    """A filter on ProgressReport: the reports that count as of the date — their quarter
    ended by then, or ``moment`` (``reviewed_at`` for the progress, ``submitted_at`` for
    the health) falls on or before it. Today (or later, or without a date) that is
    every report there is: all of them were known by now."""
    if as_of is None or as_of >= timezone.localdate():
        return Q()
    next_day = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    return (
        Q(period__year__lt=as_of.year)
        | Q(period__year=as_of.year, period__quarter__lte=ended_quarter(as_of))
        | Q(**{f"{moment}__lt": next_day})
    )


# SQLite's packing of a report's period and pk into one integer (``latest_per_item``):
# pks stay below 10**12, and (year * 4 + quarter) * 10**12 well inside 64 bits.
_PACK = 10**12


def latest_per_item(reports, *, plan: Plan, items):
    """The newest report (by period) of each of ``items`` (items of ``plan``) among
    ``reports``, as a queryset to read with ``values``; one query. DISTINCT ON where the
    database has it (PostgreSQL: one sort of the reports, 3–4× faster than a subquery per
    item at 100,000 reports). Elsewhere (SQLite) one grouped pass over the plan's
    reports picks each item's newest — period and pk packed into one integer, whose MAX
    names the report — and the reports are read by pk: a quarter faster than a subquery
    per item, which itself is twice as fast there as a ROW_NUMBER() window."""
    if connections[reports.db].features.can_distinct_on_fields:
        return (
            reports.filter(item__in=items)
            .order_by("item_id", "-period__year", "-period__quarter")
            .distinct("item_id")
        )
    order = F("period__year") * 4 + F("period__quarter")
    newest = (
        reports.filter(period__plan=plan)
        .order_by()
        .values("item")
        .annotate(packed=Max(order * _PACK + F("pk")))
        .values(newest=Mod("packed", _PACK))
    )
    return reports.filter(pk__in=newest, item__in=items).order_by()


def leaf_progress(plan: Plan, *, as_of: dt.date | None = None) -> dict[int, Decimal]:
    """Each reported leaf's latest accepted percent as of the date (one query); every
    accepted report counts without a date."""
    accepted = ProgressReport.objects.filter(
        known_by(as_of, moment="reviewed_at"), status=ProgressReport.Status.ACCEPTED
    )
    leaves = PlanItem.objects.filter(plan=plan, numchild=0)
    latest = latest_per_item(accepted, plan=plan, items=leaves)
    return dict(latest.values_list("item_id", "percent"))


# -- the roll-up ---------------------------------------------------------------------------
#
# A *task* is an item some unit leads: a leaf with a lead unit, or an item with such a
# leaf below it. Everything else (the preamble — 指导思想, 愿景, 基本原则 —, 保障措施,
# items not assigned yet) is text, not a task: no status, no progress of its own, never
# counted, never overdue. A task *counts* in the roll-up unless it is suspended (a leaf
# the planning office suspended, or a parent all of whose tasks are suspended). A
# parent's progress is the weighted mean of its children that count; its status follows
# them. See README.md, "How progress is computed".

ITEM_FIELDS = (
    "pk",
    "path",
    "depth",
    "weight",
    "numchild",
    "lead_unit_id",
    "status",
    "start_year",
    "end_year",
)
Status = PlanItem.Status


@dataclass(frozen=True)
class Rollup:
    """Every item's rolled-up figures as of a date (plain data, no queries)."""

    as_of: dt.date  # the date the expected progress (序时进度) is reckoned for
    progress: dict[int, Decimal]  # every item, 0 for items that are not tasks
    expected: dict[int, Decimal]  # every task: linear over its years as of ``as_of``
    status: dict[int, str]  # every task: derived (``_leaf_status``, ``_Children.status``)
    counted: frozenset[int]  # tasks in the roll-up (not suspended)
    weight: dict[int, Decimal] = field(default_factory=dict)  # every item's, as read

    def is_task(self, pk: int) -> bool:
        return pk in self.status

    def behind(self, pk: int, tolerance: Decimal | None = None) -> bool:
        """Behind the time schedule: a task that counts, not completed, whose progress is
        more than ``tolerance`` points (the setting by default) below the expected."""
        if pk not in self.counted or self.status[pk] == Status.COMPLETED:
            return False
        tolerance = behind_tolerance() if tolerance is None else tolerance
        return self.progress[pk] < self.expected[pk] - tolerance


def behind_tolerance() -> Decimal:
    """How many points below the expected progress an item may be before it is flagged
    (``SHUXIANG_PLAN_BEHIND_TOLERANCE``, default 10)."""
    return Decimal(str(getattr(settings, "SHUXIANG_PLAN_BEHIND_TOLERANCE", 10)))


def expected_progress(start_year: int, end_year: int, as_of: dt.date) -> Decimal:
    """序时进度: the share (%) of the years ``start_year``..``end_year`` elapsed by the end
    of ``as_of`` — each year counts equally, its days evenly (2023-12-31 in a 2021–2025
    item: 60 %)."""
    if as_of.year < start_year:
        return Decimal(0)
    if as_of.year > end_year:
        return Decimal(100)
    days = (dt.date(as_of.year, 12, 31) - dt.date(as_of.year, 1, 1)).days + 1
    elapsed = Decimal(as_of.year - start_year) + Decimal(as_of.timetuple().tm_yday) / days
    value = 100 * elapsed / (end_year - start_year + 1)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _leaf_status(stored: str, value: Decimal) -> str:
    """Suspension is the planning office's decision and stays; otherwise the accepted
    progress decides: 100 % is completed, anything above 0 in progress. An item at 0 %
    keeps "in progress" if someone set it so."""
    if stored == Status.SUSPENDED:
        return Status.SUSPENDED
    if value >= 100:
        return Status.COMPLETED
    if value > 0 or stored == Status.IN_PROGRESS:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


class _Sums:
    """Weighted and plain sums of some children's values."""

    __slots__ = ("weighted", "weights", "plain", "count")

    def __init__(self):
        self.weighted = self.weights = self.plain = Decimal(0)
        self.count = 0

    def add(self, weight: Decimal, value: Decimal) -> None:
        self.weighted += weight * value
        self.weights += weight
        self.plain += value
        self.count += 1

    def mean(self) -> Decimal:
        if self.weights:
            return self.weighted / self.weights
        return self.plain / self.count if self.count else Decimal(0)  # all weigh 0


class _Children:
    """What a parent needs to know about its children, gathered children first."""

    __slots__ = ("all", "counted", "expected", "tasks", "completed", "started")

    def __init__(self):
        self.all, self.counted, self.expected = _Sums(), _Sums(), _Sums()
        self.tasks = self.completed = 0
        self.started = False

    def status(self) -> str:
        if not self.counted.count:
            return Status.SUSPENDED  # every task below is suspended
        if self.completed == self.counted.count:
            return Status.COMPLETED
        return Status.IN_PROGRESS if self.started else Status.NOT_STARTED


def roll_up(rows, leaves: dict[int, Decimal], *, years: range, as_of: dt.date) -> Rollup:
    """The roll-up of ``rows`` (tuples of ``ITEM_FIELDS``, children before parents, i.e.
    ordered by descending path) given each leaf's accepted percent: one pass, no query."""
    progress: dict[int, Decimal] = {}
    expected: dict[int, Decimal] = {}
    status: dict[int, str] = {}
    counted: set[int] = set()
    weights: dict[int, Decimal] = {}
    buckets: dict[str, _Children] = defaultdict(_Children)
    steplen = PlanItem.steplen
    # A plan's items span a handful of year ranges: each range's schedule is reckoned once.
    schedules: dict[tuple[int, int], Decimal] = {}

    def schedule_of(own_years: tuple[int, int]) -> Decimal:
        if own_years not in schedules:
            schedules[own_years] = expected_progress(*own_years, as_of)
        return schedules[own_years]

    for pk, path, depth, weight, numchild, lead_unit_id, stored, start, end in rows:
        own_years = (start or years.start, end or years.stop - 1)
        if numchild:
            children = buckets.pop(path, None) or _Children()
            is_task = children.tasks > 0
            counts = children.counted.count > 0
            if counts:
                value, schedule = children.counted.mean(), children.expected.mean()
            else:
                # Nothing below counts: shown for information (a suspended area keeps
                # what its tasks reached), never rolled further up.
                value = children.all.mean()
                schedule = schedule_of(own_years)
            state = children.status() if is_task else None
        else:
            is_task = lead_unit_id is not None
            counts = is_task and stored != Status.SUSPENDED
            value = leaves.get(pk, Decimal(0))
            schedule = schedule_of(own_years)
            state = _leaf_status(stored, value) if is_task else None
        value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP) if is_task else Decimal(0)
        progress[pk] = value
        weights[pk] = weight
        if is_task:
            # A leaf's schedule is ``expected_progress``'s, already to the cent.
            expected[pk] = (
                Decimal(schedule).quantize(CENT, rounding=ROUND_HALF_UP) if numchild else schedule
            )
            status[pk] = state
        if depth == 1:
            if counts:
                counted.add(pk)
            continue
        parent = buckets[path[: (depth - 1) * steplen]]
        parent.all.add(weight, value)
        parent.tasks += is_task
        if counts:
            counted.add(pk)
            parent.counted.add(weight, value)
            parent.expected.add(weight, expected[pk])
            parent.completed += state == Status.COMPLETED
            parent.started |= state != Status.NOT_STARTED
    return Rollup(
        as_of=as_of,
        progress=progress,
        expected=expected,
        status=status,
        counted=frozenset(counted),
        weight=weights,
    )


def rollup(plan: Plan, *, as_of: dt.date | None = None) -> Rollup:
    """Progress, expected progress and status of every item of the plan, recomputed:
    leaves from accepted reports, parents from their children that count — two queries
    and one pass over the items. Without ``as_of``: as of today, which is what
    ``refresh_progress`` stores (see "which reports count as of a date" above)."""
    as_of = as_of or timezone.localdate()
    leaves = leaf_progress(plan, as_of=as_of)
    rows = PlanItem.objects.filter(plan=plan).order_by("-path").values_list(*ITEM_FIELDS)
    return roll_up(rows, leaves, years=plan.years, as_of=as_of)


def plan_figures(plan: Plan, *, as_of: dt.date, recompute: bool = False) -> Rollup:
    """The roll-up the pages show as of the date: for today the stored figures
    (``stored_rollup``, one query, no report read), which are ``rollup``'s for today by
    construction; for another date, or with ``recompute``, ``rollup`` itself."""
    if as_of == timezone.localdate() and not recompute:
        return stored_rollup(plan, as_of=as_of)
    return rollup(plan, as_of=as_of)


def stored_rollup(plan: Plan, *, as_of: dt.date) -> Rollup:
    """The roll-up as of today from what ``refresh_progress`` stored — every item's
    progress and every task's status — with the expected progress, which moves every day
    and is never stored, rolled up from the items' years and weights alone (it needs no
    report). One query, no report read."""
    rows = list(
        PlanItem.objects.filter(plan=plan).order_by("-path").values_list(*ITEM_FIELDS, "progress")
    )
    schedule = roll_up((row[:-1] for row in rows), {}, years=plan.years, as_of=as_of)
    status_at = ITEM_FIELDS.index("status")
    return Rollup(
        as_of=as_of,
        progress={row[0]: row[-1] for row in rows},
        expected=schedule.expected,
        status={row[0]: row[status_at] for row in rows if row[0] in schedule.status},
        counted=schedule.counted,
        weight=schedule.weight,
    )


def rollup_progress(plan: Plan, *, as_of: dt.date | None = None) -> dict[int, Decimal]:
    """Every item's rolled-up progress (see ``rollup``)."""
    return rollup(plan, as_of=as_of).progress


def _tasks_below(plan: Plan, *, counted: bool = False):
    """Led leaves at or below the outer item (for ``Exists``); only those that count in
    the roll-up (not suspended) with ``counted``."""
    leaves = PlanItem.objects.filter(
        plan=plan, path__startswith=OuterRef("path"), numchild=0, lead_unit__isnull=False
    )
    return leaves.exclude(status=PlanItem.Status.SUSPENDED) if counted else leaves


def tracked_areas(plan: Plan, figures: Rollup) -> list[PlanItem]:
    """The plan's task areas that carry assigned work (a task below them in the roll-up
    ``figures``); headings such as 总体目标's （二）理念 are left out. One plain query."""
    areas = PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.AREA).order_by("path")
    return [area for area in areas if figures.is_task(area.pk)]


def overall_weights(plan: Plan, figures: Rollup | None = None) -> list[tuple[int, Decimal]]:
    """(pk, weight) of what the plan's overall figures average: its task areas that
    count — some task below not suspended — or such chapters when no area has tasks.
    Given the roll-up (``figures``), its tasks and what counts say which, read from the
    items' rows; without, subqueries do. One to three queries."""

    def weights(items) -> tuple[list[tuple[int, Decimal]], bool]:
        if figures is not None:
            tasks = [row for row in items.values_list("pk", "weight") if figures.is_task(row[0])]
            return [row for row in tasks if row[0] in figures.counted], bool(tasks)
        items = items.filter(Exists(_tasks_below(plan)))
        counting = items.filter(Exists(_tasks_below(plan, counted=True)))
        rows = list(counting.values_list("pk", "weight"))
        return rows, bool(rows) or items.exists()

    rows, any_area = weights(PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.AREA))
    if not any_area:
        rows, _any_chapter = weights(PlanItem.objects.filter(plan=plan, depth=1))
    return rows


def weighted_mean(rows: list[tuple[int, Decimal]], values: dict[int, Decimal]) -> Decimal:
    """The mean of ``values`` weighted by ``rows`` (``overall_weights``), to the cent."""
    total = sum((w for _pk, w in rows), Decimal(0))
    if not total:
        return Decimal(0)
    value = sum((w * values.get(pk, Decimal(0)) for pk, w in rows), Decimal(0)) / total
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def overall_progress(
    plan: Plan, progress: dict[int, Decimal], *, figures: Rollup | None = None
) -> Decimal:
    """The plan's progress (or, given the expected figures, its expected progress): the
    weighted mean of ``overall_weights`` (from ``figures`` when given). One to three
    queries."""
    return weighted_mean(overall_weights(plan, figures), progress)


def last_closed_period(plan: Plan, *, as_of: dt.date | None = None) -> Period | None:
    periods = Period.objects.filter(plan=plan, closed_at__isnull=False)
    if as_of is not None:
        periods = periods.filter(closed_at__date__lte=as_of)
    return periods.order_by("-year", "-quarter").first()


def overdue_items(plan: Plan, period: Period | None):
    """Reportable items active in ``period``'s year with no submitted or accepted report
    for it (a queryset; empty when no period is closed yet). Suspended and completed
    items are never overdue — completed meaning its status, or a report accepted at
    100 % in this period or before, whether or not the stored status caught up."""
    if period is None:
        return PlanItem.objects.none()
    reported = ProgressReport.objects.filter(
        period=period,
        status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED],
    ).values("item")
    finished = ProgressReport.objects.filter(
        Q(period__year__lt=period.year)
        | Q(period__year=period.year, period__quarter__lte=period.quarter),
        period__plan=plan,
        status=ProgressReport.Status.ACCEPTED,
        percent__gte=100,
    ).values("item")
    return (
        PlanItem.objects.filter(plan=plan)
        .reportable()
        .active_in(period.year)
        .exclude(status__in=[PlanItem.Status.COMPLETED, PlanItem.Status.SUSPENDED])
        .exclude(pk__in=reported)
        .exclude(pk__in=finished)
        .select_related("lead_unit")
    )


@dataclass(frozen=True)
class TargetCheck:
    """Whether an indicator's yearly targets reach its final target, and by how much not."""

    ok: bool
    reached: Decimal | None  # the sum (cumulative) or the last year's target (level)
    gap: Decimal  # final target minus what the yearly targets reach


def check_targets(indicator: Indicator, years: Iterable[IndicatorYear]) -> TargetCheck:
    """A cumulative indicator's yearly targets must add up to the final target; a level
    indicator's target for the plan's last year must equal it. A shortfall is shown,
    never hidden: a missing last-year target counts as reaching nothing."""
    plan_years = indicator.plan.years
    targets = {y.year: y.target for y in years if y.target is not None and y.year in plan_years}
    final = indicator.final_target
    if indicator.kind == Indicator.Kind.CUMULATIVE:
        reached = sum(targets.values(), Decimal(0)) if targets else None
    else:
        reached = targets.get(indicator.plan.end_year)
    if reached is None:
        return TargetCheck(ok=False, reached=None, gap=final)
    if indicator.kind == Indicator.Kind.LEVEL:
        ok = reached == final
    elif indicator.direction == Indicator.Direction.HIGHER:
        ok = reached >= final
    else:
        ok = reached <= final
    return TargetCheck(ok=ok, reached=reached, gap=final - reached)


def current_plan() -> Plan | None:
    """The plan the dashboard and the home page speak of unless asked: the newest in
    force, else the newest."""
    return (
        Plan.objects.filter(status=Plan.Status.IN_FORCE).order_by("-start_year").first()
        or Plan.objects.order_by("-start_year").first()
    )


HEAD_ROLE = "department_head"


def heads_of(units: Iterable[OrgUnit]) -> dict[int, list]:
    """The active department heads acting for each unit or a unit above it, by unit id
    (one query)."""
    units = list(units)
    if not units:
        return {}
    steplen = OrgUnit.steplen
    ancestors = {u.path[: i * steplen] for u in units for i in range(1, len(u.path) // steplen + 1)}
    grants = (
        OrgUnitUserObjectPermission.objects.filter(
            permission__codename=SCOPE_PERMISSION,
            user__is_active=True,
            user__groups__role__key=HEAD_ROLE,
            content_object__path__in=ancestors,
        )
        .select_related("user", "content_object")
        .distinct()
    )
    by_path: dict[str, list] = defaultdict(list)
    for grant in grants:
        by_path[grant.content_object.path].append(grant.user)
    result: dict[int, list] = {}
    for unit in units:
        found = []
        for i in range(len(unit.path) // steplen, 0, -1):
            found += by_path.get(unit.path[: i * steplen], [])
        result[unit.pk] = list(dict.fromkeys(found))
    return result


def reminder_recipients(plan: Plan, period: Period) -> dict:
    """Who to remind of which overdue items: the department heads acting for the item's
    lead unit (or a unit above it), who can open the item and report. Two queries."""
    items = list(overdue_items(plan, period))
    heads = heads_of({item.lead_unit for item in items})
    result: dict = defaultdict(list)
    for item in items:
        for user in heads.get(item.lead_unit_id, []):
            result[user].append(item)
    return dict(result)


def plan_progress_at_year_end(indicator: Indicator, year: int) -> Decimal | None:
    """The plan's overall progress (%) at the end of the year, from accepted reports
    (the indicator provider ``governance.plan_progress``)."""
    plan = indicator.plan
    figures = rollup(plan, as_of=dt.date(year, 12, 31))
    return overall_progress(plan, figures.progress, figures=figures)


@dataclass(frozen=True)
class TrendPoint:
    """An item's progress at the end of one quarter, beside its expected progress."""

    year: int
    quarter: int
    progress: Decimal | None  # None for a quarter not ended by the date
    expected: Decimal

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


def item_trend(item: PlanItem, *, as_of: dt.date) -> list[TrendPoint]:
    """The item's rolled-up progress at the end of each quarter of its years (the
    plan's by default), from accepted reports: two queries whatever the subtree's size."""
    plan = item.plan
    rows = list(
        PlanItem.objects.filter(plan=plan, path__startswith=item.path)
        .order_by("-path")
        .values_list(*ITEM_FIELDS)
    )
    reports = list(
        ProgressReport.objects.filter(
            item__plan=plan,
            item__path__startswith=item.path,
            item__numchild=0,
            status=ProgressReport.Status.ACCEPTED,
        )
        .order_by("period__year", "period__quarter")
        .values_list("item_id", "period__year", "period__quarter", "percent")
    )
    first, last = item.start_year or plan.start_year, item.end_year or plan.end_year
    leaves: dict[int, Decimal] = {}
    points = []
    pending = iter(reports)
    waiting = next(pending, None)
    for year in range(first, last + 1):
        for quarter in (1, 2, 3, 4):
            end = Period(year=year, quarter=quarter).end_date
            while waiting is not None and (waiting[1], waiting[2]) <= (year, quarter):
                leaves[waiting[0]] = waiting[3]
                waiting = next(pending, None)
            figures = roll_up(rows, leaves, years=plan.years, as_of=end)
            points.append(
                TrendPoint(
                    year=year,
                    quarter=quarter,
                    progress=figures.progress.get(item.pk) if end <= as_of else None,
                    expected=figures.expected.get(item.pk, Decimal(0)),
                )
            )
    return points


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its target and actual for each year of the plan."""

    indicator: Indicator
    years: list[tuple[int, Decimal | None, Decimal | None]]  # (year, target, actual)


def indicator_table(plan: Plan) -> list[IndicatorRow]:
    """The plan's indicators by code with a (target, actual) per plan year: two queries."""
    indicators = plan.indicators.order_by("code").prefetch_related("years")
    rows = []
    for indicator in indicators:
        by_year = {y.year: y for y in indicator.years.all()}
        rows.append(
            IndicatorRow(
                indicator=indicator,
                years=[
                    (
                        year,
                        by_year[year].target if year in by_year else None,
                        by_year[year].actual if year in by_year else None,
                    )
                    for year in plan.years
                ],
            )
        )
    return rows


def task_paths(plan_ids) -> frozenset[tuple[int, str]]:
    """(plan, path) of every task of the plans — an item with a led leaf at or below it
    (see ``roll_up``) — for listings that must tell tasks from the preamble: one query."""
    leaves = PlanItem.objects.filter(
        plan__in=plan_ids, numchild=0, lead_unit__isnull=False
    ).values_list("plan_id", "path", "depth")
    steplen = PlanItem.steplen
    return frozenset(
        (plan_id, path[: level * steplen])
        for plan_id, path, depth in leaves
        for level in range(1, depth + 1)
    )
