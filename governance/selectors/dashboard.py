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
    as_of_periods,
    last_closed_period,
    overall_progress,
    overdue_items,
    rollup_progress,
    tracked_areas,
)


@dataclass
class UnitRow:
    unit: OrgUnit
    items: int = 0
    progress: Decimal = Decimal(0)
    overdue: int = 0
    off_track: int = 0


@dataclass
class MyItem:
    """A row of a department head's own view: lead items get a report button, partner
    items a contribution button."""

    item: PlanItem
    progress: Decimal
    health: str | None
    is_lead: bool


def _health_label(code: str | None) -> str | None:
    return ProgressReport.Health(code).label if code else None


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


def plan_dashboard(plan: Plan, *, user, as_of: dt.date) -> Dashboard:
    visible = PlanItem.objects.filter(plan=plan).visible_to(user)
    scoped = not may_everywhere(user, PlanItem, "view")
    progress = rollup_progress(plan, as_of=as_of)
    period = last_closed_period(plan, as_of=as_of)
    leaves = list(visible.reportable().select_related("lead_unit").defer("text"))
    leaf_ids = [i.pk for i in leaves]
    latest = latest_reports(plan, as_of=as_of, item_ids=None if not scoped else leaf_ids)
    overdue_ids = set(
        overdue_items(plan, period).filter(pk__in=visible).values_list("pk", flat=True)
    )

    health = Counter(latest[i]["health"] for i in leaf_ids if i in latest)
    by_unit: dict[int, UnitRow] = {}
    weights: dict[int, Decimal] = defaultdict(Decimal)
    for item in leaves:
        row = by_unit.setdefault(item.lead_unit_id, UnitRow(unit=item.lead_unit))
        row.items += 1
        row.progress += item.weight * progress.get(item.pk, Decimal(0))
        weights[item.lead_unit_id] += item.weight
        row.overdue += item.pk in overdue_ids
        report = latest.get(item.pk)
        row.off_track += bool(report and report["health"] == ProgressReport.Health.OFF_TRACK)
    for unit_id, row in by_unit.items():
        total = weights[unit_id]
        row.progress = (row.progress / total).quantize(Decimal("0.01")) if total else Decimal(0)
    areas = [(area, progress.get(area.pk, Decimal(0))) for area in tracked_areas(plan)]
    leaf_by_id = {i.pk: i for i in leaves}
    my_units = get_user_access(user).unit_ids if scoped else frozenset()
    off_track = [
        (leaf_by_id[pk], report)
        for pk, report in latest.items()
        if pk in leaf_by_id and report["health"] == ProgressReport.Health.OFF_TRACK
    ]
    return Dashboard(
        plan=plan,
        as_of=as_of,
        overall=overall_progress(plan, progress),
        areas=areas,
        units=sorted(by_unit.values(), key=lambda r: r.unit.path),
        period=period,
        overdue=[leaf_by_id[pk] for pk in leaf_ids if pk in overdue_ids],
        off_track=sorted(off_track, key=lambda pair: pair[0].path),
        health=health,
        items=[
            MyItem(
                item=i,
                progress=progress.get(i.pk, Decimal(0)),
                health=_health_label((latest.get(i.pk) or {}).get("health")),
                is_lead=i.lead_unit_id in my_units,
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
    progress = rollup_progress(plan, as_of=as_of)
    leaves = list(
        PlanItem.objects.filter(plan=plan).reportable().order_by().values_list("pk", flat=True)
    )
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
        "items_completed": sum(1 for pk in leaves if progress.get(pk, 0) >= 100),
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
