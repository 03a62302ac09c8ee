"""Reads for the plan's dashboard, tracking table and progress report: a fixed number of
queries whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from governance.access import get_user_access, may_everywhere
from governance.models import IndicatorYear, OrgUnit, Period, Plan, PlanItem, ProgressReport
from governance.selectors.plan import (
    CENT,
    TrendPoint,
    as_of_periods,
    behind_tolerance,
    item_trend,
    last_closed_period,
    overall_progress,
    overdue_items,
    rollup,
    tracked_areas,
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


@dataclass
class RiskRow:
    """An item needing attention: its latest report says at risk or off track, or it is
    behind the time schedule."""

    item: PlanItem
    progress: Decimal
    expected: Decimal
    behind: bool
    health: str | None  # code of the latest submitted or accepted report's health
    health_label: str | None
    period: str  # of that report, e.g. "2025Q3"; "" without a report


def _health_label(code: str | None) -> str | None:
    return ProgressReport.Health(code).label if code else None


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
    off_track: list[tuple[PlanItem, ProgressReport]]
    health: Counter = field(default_factory=Counter)
    items: list[MyItem] = field(default_factory=list)
    scoped: bool = False  # True when the user sees only their units' items
    expected: Decimal = Decimal(0)  # overall expected progress (序时进度) by ``as_of``
    area_rows: list[AreaRow] = field(default_factory=list)
    at_risk: list[RiskRow] = field(default_factory=list)
    behind: int = 0  # visible tasks behind the time schedule
    tolerance: Decimal = Decimal(10)


def latest_reports(plan: Plan, *, as_of: dt.date | None, item_ids=None) -> dict[int, dict]:
    """Each leaf's latest submitted or accepted report in the periods ended by the date
    (one query: a subquery per leaf, not per report)."""
    newest = (
        ProgressReport.objects.filter(
            item=OuterRef("pk"),
            period__in=as_of_periods(plan, as_of),
            status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED],
        )
        .order_by("-period__year", "-period__quarter")
        .values("pk")[:1]
    )
    leaves = PlanItem.objects.filter(plan=plan, numchild=0).order_by()
    if item_ids is not None:
        leaves = leaves.filter(pk__in=item_ids)
    rows = ProgressReport.objects.filter(
        pk__in=leaves.annotate(report=Subquery(newest)).values("report")
    ).order_by()
    return {
        r["item"]: r
        for r in rows.values(
            "item", "health", "percent", "status", "period__year", "period__quarter"
        )
    }


RISKY = (ProgressReport.Health.AT_RISK, ProgressReport.Health.OFF_TRACK)


def plan_dashboard(plan: Plan, *, user, as_of: dt.date) -> Dashboard:
    """The plan as of the date for ``user``: the whole plan for the roles that see it
    all, the user's units' items for a head. A fixed number of queries."""
    visible = PlanItem.objects.filter(plan=plan).visible_to(user)
    scoped = not may_everywhere(user, PlanItem, "view")
    figures = rollup(plan, as_of=as_of)
    progress = figures.progress
    tolerance = behind_tolerance()
    period = last_closed_period(plan, as_of=as_of)
    leaves = list(visible.reportable().select_related("lead_unit").defer("text"))
    leaf_ids = [i.pk for i in leaves]
    latest = latest_reports(plan, as_of=as_of, item_ids=None if not scoped else leaf_ids)
    overdue_ids = set(
        overdue_items(plan, period).filter(pk__in=visible).values_list("pk", flat=True)
    )

    def behind(pk: int) -> bool:
        return figures.behind(pk, tolerance)

    health = Counter(latest[i]["health"] for i in leaf_ids if i in latest)
    by_unit: dict[int, UnitRow] = {}
    weights: dict[int, Decimal] = defaultdict(Decimal)
    for item in leaves:
        row = by_unit.setdefault(item.lead_unit_id, UnitRow(unit=item.lead_unit))
        row.overdue += item.pk in overdue_ids
        report = latest.get(item.pk)
        row.off_track += bool(report and report["health"] == ProgressReport.Health.OFF_TRACK)
        if item.pk not in figures.counted:
            continue  # suspended: out of the unit's figures
        row.items += 1
        row.progress += item.weight * progress.get(item.pk, Decimal(0))
        row.expected += item.weight * figures.expected[item.pk]
        row.behind += behind(item.pk)
        weights[item.lead_unit_id] += item.weight
    for unit_id, row in by_unit.items():
        total = weights[unit_id]
        row.progress = (row.progress / total).quantize(CENT) if total else Decimal(0)
        row.expected = (row.expected / total).quantize(CENT) if total else Decimal(0)
    area_items = list(tracked_areas(plan))
    areas = [(area, progress.get(area.pk, Decimal(0))) for area in area_items]
    leaf_by_id = {i.pk: i for i in leaves}
    my_units = get_user_access(user).unit_ids if scoped else frozenset()
    off_track = [
        (leaf_by_id[pk], report)
        for pk, report in latest.items()
        if pk in leaf_by_id and report["health"] == ProgressReport.Health.OFF_TRACK
    ]
    at_risk = []
    for item in leaves:
        if item.pk not in figures.counted or figures.status[item.pk] == PlanItem.Status.COMPLETED:
            continue
        report = latest.get(item.pk)
        code = report["health"] if report else None
        late = behind(item.pk)
        if late or code in RISKY:
            at_risk.append(
                RiskRow(
                    item=item,
                    progress=progress[item.pk],
                    expected=figures.expected[item.pk],
                    behind=late,
                    health=code,
                    health_label=_health_label(code),
                    period=f"{report['period__year']}Q{report['period__quarter']}"
                    if report
                    else "",
                )
            )
    return Dashboard(
        plan=plan,
        as_of=as_of,
        overall=overall_progress(plan, progress),
        expected=overall_progress(plan, figures.expected),
        areas=areas,
        area_rows=[
            AreaRow(
                item=area,
                progress=progress.get(area.pk, Decimal(0)),
                expected=figures.expected.get(area.pk, Decimal(0)),
                behind=behind(area.pk),
                status=_status_label(figures.status.get(area.pk)),
            )
            for area in area_items
        ],
        units=sorted(by_unit.values(), key=lambda r: r.unit.path),
        period=period,
        overdue=[leaf_by_id[pk] for pk in leaf_ids if pk in overdue_ids],
        off_track=sorted(off_track, key=lambda pair: pair[0].path),
        at_risk=at_risk,
        behind=sum(1 for pk in leaf_ids if behind(pk)),
        tolerance=tolerance,
        health=health,
        items=[
            MyItem(
                item=i,
                progress=progress.get(i.pk, Decimal(0)),
                health=_health_label((latest.get(i.pk) or {}).get("health")),
                is_lead=i.lead_unit_id in my_units,
                expected=figures.expected[i.pk],
                behind=behind(i.pk),
                status=_status_label(figures.status.get(i.pk)),
            )
            for i in leaves
        ]
        if scoped
        else [],
        scoped=scoped,
    )


def public_summary(plan: Plan, *, as_of: dt.date) -> dict:
    """What the website may publish about the plan: overall and per-area progress,
    counts and indicators — no people, no unit-by-unit lists, no report texts."""
    figures = rollup(plan, as_of=as_of)
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
        "overall": overall_progress(plan, progress),
        "areas": [
            {"number": a.number, "title": a.title, "progress": progress.get(a.pk, Decimal(0))}
            for a in tracked_areas(plan)
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
    """The item page's figures as of the date: four queries (the roll-up and the trend)."""
    figures = rollup(item.plan, as_of=as_of)
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
