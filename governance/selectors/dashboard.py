"""Reads for the plan's dashboard, tracking table and progress report: a fixed number of
queries whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from governance.access import get_user_access, may_everywhere
from governance.models import IndicatorYear, OrgUnit, Period, Plan, PlanItem, ProgressReport
from governance.selectors.plan import (
    CENT,
    TrendPoint,
    behind_tolerance,
    item_trend,
    known_by,
    last_closed_period,
    latest_per_item,
    overall_progress,
    overall_weights,
    overdue_items,
    plan_figures,
    tracked_areas,
    weighted_mean,
)


@dataclass
class UnitRow:
    unit: OrgUnit
    items: int = 0  # tasks in the roll-up (suspended ones left out)
    progress: Decimal = Decimal(0)
    overdue: int = 0
    off_track: int = 0
    expected: Decimal = Decimal(0)
    behind: int = 0


@dataclass
class MyItem:
    """A row of a department head's own view: lead items get a report button, partner
    items a contribution button."""

    item: PlanItem
    progress: Decimal
    health: str | None
    is_lead: bool
    expected: Decimal = Decimal(0)
    behind: bool = False
    status: str = ""  # the derived status's label


@dataclass
class AreaRow:
    """A task area's figures beside its time schedule."""

    item: PlanItem
    progress: Decimal
    expected: Decimal
    behind: bool
    status: str


# At-risk items the dashboard page lists (its template shows as many; the rest are counted).
PAGE_AT_RISK = 200


@dataclass
class RiskRow:
    """An item needing attention: its latest report says at risk or off track, or it is
    behind the time schedule."""

    item_id: int
    item: PlanItem | None  # None past the rows a page lists (``plan_dashboard(listed=)``)
    progress: Decimal
    expected: Decimal
    behind: bool
    health: str | None  # code of the latest submitted or accepted report's health
    health_label: str | None
    period: str  # of that report, e.g. "2025Q3"; "" without a report


_HEALTH_LABELS = dict(ProgressReport.Health.choices)  # lazy labels: translated when shown


def _health_label(code: str | None) -> str | None:
    return _HEALTH_LABELS[code] if code else None


def _status_label(code: str | None) -> str:
    return PlanItem.Status(code).label if code else ""


@dataclass
class Dashboard:
    plan: Plan
    as_of: dt.date
    overall: Decimal
    areas: list[tuple[PlanItem, Decimal]]
    units: list[UnitRow]
    period: Period | None  # the last closed period as of the date
    overdue: list[PlanItem]
    off_track: list[int]  # the items whose latest report says off track
    health: Counter = field(default_factory=Counter)
    items: list[MyItem] = field(default_factory=list)
    scoped: bool = False  # True when the user sees only their units' items
    expected: Decimal = Decimal(0)  # overall expected progress (序时进度) by ``as_of``
    area_rows: list[AreaRow] = field(default_factory=list)
    at_risk: list[RiskRow] = field(default_factory=list)
    behind: int = 0  # visible tasks behind the time schedule
    tolerance: Decimal = Decimal(10)


def latest_reports(plan: Plan, *, as_of: dt.date | None, item_ids=None) -> dict[int, dict]:
    """Each leaf's latest submitted or accepted report known by the date (``known_by``:
    its quarter ended, or submitted by then), every one without a date: one query."""
    reports = ProgressReport.objects.filter(
        known_by(as_of, moment="submitted_at"),
        status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED],
    )
    leaves = PlanItem.objects.filter(plan=plan, numchild=0)
    if item_ids is not None:
        leaves = leaves.filter(pk__in=item_ids)
    # What the dashboard, the home panels and the tracking table read of it (a percent
    # would cost a Decimal per leaf and nobody shows it).
    rows = latest_per_item(reports, plan=plan, items=leaves).values(
        "item", "health", "period__year", "period__quarter"
    )
    return {r["item"]: r for r in rows}


RISKY = (ProgressReport.Health.AT_RISK, ProgressReport.Health.OFF_TRACK)


def plan_dashboard(
    plan: Plan, *, user, as_of: dt.date, recompute: bool = False, listed: int | None = None
) -> Dashboard:
    """The plan as of the date for ``user``: the whole plan for the roles that see it
    all, the user's units' items for a head. The figures come from ``plan_figures``:
    stored for today, rolled up from the reports for another date or with
    ``recompute``. The leaves are read as plain rows and only the items listed (at
    risk, off track, overdue, a head's own) become objects. A fixed number of queries."""
    visible = PlanItem.objects.filter(plan=plan).visible_to(user)
    scoped = not may_everywhere(user, PlanItem, "view")
    figures = plan_figures(plan, as_of=as_of, recompute=recompute)
    progress, expected, counted = figures.progress, figures.expected, figures.counted
    tolerance = behind_tolerance()
    period = last_closed_period(plan, as_of=as_of)
    leaves = list(visible.reportable().order_by("path").values_list("pk", "lead_unit_id"))
    leaf_ids = [pk for pk, _unit in leaves]
    latest = latest_reports(plan, as_of=as_of, item_ids=leaf_ids if scoped else None)
    overdue = list(overdue_items(plan, period).filter(pk__in=visible).order_by("path"))
    overdue_ids = {i.pk for i in overdue}

    # Each leaf's flags once (thousands of leaves, each asked several times below).
    behind_leaves = {pk for pk in leaf_ids if figures.behind(pk, tolerance)}
    health_by_leaf = {pk: report["health"] for pk, report in latest.items()}

    def behind(pk: int) -> bool:
        return pk in behind_leaves or figures.behind(pk, tolerance)

    health_of = health_by_leaf.get
    health = Counter(health_by_leaf[pk] for pk in leaf_ids if pk in health_by_leaf)
    by_unit: dict[int, UnitRow] = {}
    weights: dict[int, Decimal] = defaultdict(Decimal)
    risky: list[int] = []
    off_track = ProgressReport.Health.OFF_TRACK
    for pk, unit_id in leaves:
        row = by_unit.get(unit_id) or by_unit.setdefault(unit_id, UnitRow(unit=None))
        row.overdue += pk in overdue_ids
        row.off_track += health_of(pk) == off_track
        if pk not in counted:
            continue  # suspended: out of the unit's figures
        row.items += 1
        weight = figures.weight[pk]
        row.progress += weight * progress.get(pk, Decimal(0))
        row.expected += weight * expected[pk]
        is_behind = pk in behind_leaves
        row.behind += is_behind
        weights[unit_id] += weight
        if figures.status[pk] != PlanItem.Status.COMPLETED and (
            is_behind or health_of(pk) in RISKY
        ):
            risky.append(pk)
    units = OrgUnit.objects.in_bulk(list(by_unit))
    for unit_id, row in by_unit.items():
        row.unit = units[unit_id]
        total = weights[unit_id]
        row.progress = (row.progress / total).quantize(CENT) if total else Decimal(0)
        row.expected = (row.expected / total).quantize(CENT) if total else Decimal(0)
    off_track_ids = [pk for pk in leaf_ids if health_of(pk) == off_track]
    # Items become objects only where they are listed: every at-risk row for a document,
    # the first ``listed`` of them for a page (thousands at risk would cost more than
    # every figure of the dashboard).
    shown = risky if listed is None else risky[:listed]
    rows = visible.reportable() if scoped else visible.filter(pk__in=shown)
    items = {i.pk: i for i in rows.select_related("lead_unit")}
    area_items = tracked_areas(plan, figures)
    overall = overall_weights(plan, figures)
    my_units = get_user_access(user).unit_ids if scoped else frozenset()
    at_risk = []
    for pk in risky:
        report = latest.get(pk)
        code = report["health"] if report else None
        at_risk.append(
            RiskRow(
                item_id=pk,
                item=items.get(pk),
                progress=progress[pk],
                expected=expected[pk],
                behind=behind(pk),
                health=code,
                health_label=_health_label(code),
                period=f"{report['period__year']}Q{report['period__quarter']}" if report else "",
            )
        )
    return Dashboard(
        plan=plan,
        as_of=as_of,
        overall=weighted_mean(overall, progress),
        expected=weighted_mean(overall, expected),
        areas=[(area, progress.get(area.pk, Decimal(0))) for area in area_items],
        area_rows=[
            AreaRow(
                item=area,
                progress=progress.get(area.pk, Decimal(0)),
                expected=expected.get(area.pk, Decimal(0)),
                behind=behind(area.pk),
                status=_status_label(figures.status.get(area.pk)),
            )
            for area in area_items
        ],
        units=sorted(by_unit.values(), key=lambda r: r.unit.path),
        period=period,
        overdue=overdue,
        off_track=off_track_ids,
        at_risk=at_risk,
        behind=len(behind_leaves),
        tolerance=tolerance,
        health=health,
        items=[
            MyItem(
                item=items[pk],
                progress=progress.get(pk, Decimal(0)),
                health=_health_label(health_of(pk)),
                is_lead=unit_id in my_units,
                expected=expected[pk],
                behind=behind(pk),
                status=_status_label(figures.status.get(pk)),
            )
            for pk, unit_id in leaves
        ]
        if scoped
        else [],
        scoped=scoped,
    )


def public_summary(plan: Plan, *, as_of: dt.date) -> dict:
    """What the website may publish about the plan: overall and per-area progress,
    counts and indicators — no people, no unit-by-unit lists, no report texts."""
    figures = plan_figures(plan, as_of=as_of)
    progress = figures.progress
    # Tasks in the roll-up: led leaves, suspended ones left out (the preamble never counts).
    leaves = [
        pk
        for pk in PlanItem.objects.filter(plan=plan)
        .reportable()
        .order_by()
        .values_list("pk", flat=True)
        if pk in figures.counted
    ]
    years = IndicatorYear.objects.filter(
        indicator__plan=plan, year__lte=as_of.year, actual__isnull=False
    ).order_by("indicator__code", "year")
    latest: dict[int, IndicatorYear] = {}
    for row in years:
        latest[row.indicator_id] = row  # ordered by year: the last one wins
    return {
        "title": plan.title,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "as_of": as_of,
        "overall": overall_progress(plan, progress, figures=figures),
        "areas": [
            {"number": a.number, "title": a.title, "progress": progress.get(a.pk, Decimal(0))}
            for a in tracked_areas(plan, figures)
        ],
        "items": len(leaves),
        "items_completed": sum(
            1 for pk in leaves if figures.status[pk] == PlanItem.Status.COMPLETED
        ),
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "measure_unit": i.measure_unit,
                "baseline": i.baseline,
                "final_target": i.final_target,
                "actual": latest[i.pk].actual if i.pk in latest else None,
                "actual_year": latest[i.pk].year if i.pk in latest else None,
            }
            for i in plan.indicators.order_by("code")
        ],
    }


# -- the item page -------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 480, 140, 24


@dataclass
class ItemFigures:
    """What the item page shows above the reports: progress beside the time schedule,
    the derived status and a progress-by-quarter trend with its chart geometry."""

    is_task: bool
    status: str  # the derived status's label; "" for an item that is not a task
    progress: Decimal
    expected: Decimal | None
    behind: bool
    tolerance: Decimal
    as_of: dt.date
    trend: list[TrendPoint]
    progress_line: str = ""  # SVG polyline points, quarters ended by the date
    expected_line: str = ""
    chart_width: int = CHART_WIDTH
    chart_height: int = CHART_HEIGHT
    ticks: list[tuple[float, str]] = field(default_factory=list)  # x and year label
    gridlines: list[tuple[float, int]] = field(default_factory=list)  # y and percent


def _chart(points: list[TrendPoint]) -> dict:
    """Coordinates of the trend in a CHART_WIDTH × CHART_HEIGHT box (0–100 % upwards)."""
    if not points:
        return {}
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    step = inner_w / max(len(points) - 1, 1)

    def xy(index: int, value: Decimal) -> str:
        x = CHART_PAD + index * step
        y = CHART_PAD + inner_h * (1 - float(min(max(value, 0), 100)) / 100)
        return f"{x:.1f},{y:.1f}"

    return {
        "progress_line": " ".join(
            xy(n, p.progress) for n, p in enumerate(points) if p.progress is not None
        ),
        "expected_line": " ".join(xy(n, p.expected) for n, p in enumerate(points)),
        "ticks": [
            (round(CHART_PAD + n * step, 1), str(p.year))
            for n, p in enumerate(points)
            if p.quarter == 1
        ],
        "gridlines": [(round(CHART_PAD + inner_h * (1 - v / 100), 1), v) for v in (0, 50, 100)],
    }


def item_figures(item: PlanItem, *, as_of: dt.date) -> ItemFigures:
    """The item page's figures as of the date: three or four queries (the roll-up, one
    for today, and the trend)."""
    figures = plan_figures(item.plan, as_of=as_of)
    tolerance = behind_tolerance()
    trend = item_trend(item, as_of=as_of)
    return ItemFigures(
        is_task=figures.is_task(item.pk),
        status=_status_label(figures.status.get(item.pk)),
        progress=figures.progress[item.pk],
        expected=figures.expected.get(item.pk),
        behind=figures.behind(item.pk, tolerance),
        tolerance=tolerance,
        as_of=as_of,
        trend=trend,
        **_chart(trend),
    )
