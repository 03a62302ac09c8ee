"""Reads of the plan: the roll-up of progress, task areas, overdue items, target checks
and who to remind. A fixed number of queries whatever the size of the plan; nothing
here writes (the services store what must be stored)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, Subquery

from governance.access import SCOPE_PERMISSION
from governance.models import (
    Indicator,
    IndicatorYear,
    OrgUnitUserObjectPermission,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)

CENT = Decimal("0.01")


def as_of_periods(plan: Plan, as_of: dt.date | None):
    periods = Period.objects.filter(plan=plan)
    if as_of is None:
        return periods
    # A quarter counts once it has ended by the date (its last day included).
    ended = sum(1 for q in (1, 2, 3, 4) if Period(year=as_of.year, quarter=q).end_date <= as_of)
    return periods.filter(Q(year__lt=as_of.year) | Q(year=as_of.year, quarter__lte=ended))


def leaf_progress(plan: Plan, *, as_of: dt.date | None = None) -> dict[int, Decimal]:
    """Each reported item's latest accepted percent as of the date (one query)."""
    latest = (
        ProgressReport.objects.filter(
            item=OuterRef("pk"),
            status=ProgressReport.Status.ACCEPTED,
            period__in=as_of_periods(plan, as_of),
        )
        .order_by("-period__year", "-period__quarter")
        .values("percent")[:1]
    )
    rows = (
        PlanItem.objects.filter(plan=plan, numchild=0)
        .order_by()
        .annotate(latest=Subquery(latest))
        .values_list("pk", "latest")
    )
    return {pk: value for pk, value in rows if value is not None}


def rollup_progress(plan: Plan, *, as_of: dt.date | None = None) -> dict[int, Decimal]:
    """Progress of every item: leaves from accepted reports, parents as the weighted mean
    of their children — two queries and one pass over the items, children before
    parents. Without ``as_of`` every accepted report counts (what the listing stores)."""
    leaves = leaf_progress(plan, as_of=as_of)
    items = PlanItem.objects.filter(plan=plan).order_by("-path")
    rows = items.values_list("pk", "path", "depth", "weight", "numchild")
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), 0])
    progress: dict[int, Decimal] = {}
    steplen = PlanItem.steplen
    for pk, path, depth, weight, numchild in rows:
        if numchild:
            weighted, weights, plain, count = sums.pop(path, [0, 0, 0, 0])
            if weights:
                value = weighted / weights
            elif count:
                value = plain / count  # all children weigh 0: a plain mean
            else:
                value = Decimal(0)
        else:
            value = leaves.get(pk, Decimal(0))
        value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
        progress[pk] = value
        if depth > 1:
            parent = sums[path[: (depth - 1) * steplen]]
            parent[0] += weight * value
            parent[1] += weight
            parent[2] += value
            parent[3] += 1
    return progress


def tracked_areas(plan: Plan):
    """The plan's task areas that carry assigned work (an item with a lead unit below
    them); headings such as 总体目标's （二）理念 are left out of the figures."""
    assigned = PlanItem.objects.filter(
        plan=plan, path__startswith=OuterRef("path"), lead_unit__isnull=False
    )
    return PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.AREA).filter(Exists(assigned))


def overall_progress(plan: Plan, progress: dict[int, Decimal]) -> Decimal:
    """The plan's progress: the weighted mean of its task areas (or of its chapters when
    the outline has no areas)."""
    areas = list(tracked_areas(plan).values_list("pk", "weight")) or list(
        PlanItem.objects.filter(plan=plan, depth=1).values_list("pk", "weight")
    )
    total = sum((w for _pk, w in areas), Decimal(0))
    if not total:
        return Decimal(0)
    value = sum((w * progress.get(pk, Decimal(0)) for pk, w in areas), Decimal(0)) / total
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def last_closed_period(plan: Plan, *, as_of: dt.date | None = None) -> Period | None:
    periods = Period.objects.filter(plan=plan, closed_at__isnull=False)
    if as_of is not None:
        periods = periods.filter(closed_at__date__lte=as_of)
    return periods.order_by("-year", "-quarter").first()


def overdue_items(plan: Plan, period: Period | None):
    """Reportable items active in ``period``'s year with no submitted or accepted report
    for it (a queryset; empty when no period is closed yet)."""
    if period is None:
        return PlanItem.objects.none()
    reported = ProgressReport.objects.filter(
        period=period,
        status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED],
    ).values("item")
    return (
        PlanItem.objects.filter(plan=plan)
        .reportable()
        .active_in(period.year)
        .exclude(status__in=[PlanItem.Status.COMPLETED, PlanItem.Status.SUSPENDED])
        .exclude(pk__in=reported)
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


def reminder_recipients(plan: Plan, period: Period) -> dict:
    """Who to remind of which overdue items: the department heads acting for the item's
    lead unit (or a unit above it), who can open the item and report. Two queries."""
    items = list(overdue_items(plan, period))
    grants = (
        OrgUnitUserObjectPermission.objects.filter(
            permission__codename=SCOPE_PERMISSION,
            user__is_active=True,
            user__groups__role__key="department_head",
        )
        .select_related("user", "content_object")
        .distinct()
    )
    heads: dict[str, list] = defaultdict(list)
    for grant in grants:
        heads[grant.content_object.path].append(grant.user)
    steplen = PlanItem.steplen
    result: dict = defaultdict(list)
    for item in items:
        path = item.lead_unit.path
        for depth in range(len(path) // steplen, 0, -1):
            for user in heads.get(path[: depth * steplen], []):
                result[user].append(item)
    return {user: list(dict.fromkeys(found)) for user, found in result.items()}


def plan_progress_at_year_end(indicator: Indicator, year: int) -> Decimal | None:
    """The plan's overall progress (%) at the end of the year, from accepted reports
    (the indicator provider ``governance.plan_progress``)."""
    plan = indicator.plan
    return overall_progress(plan, rollup_progress(plan, as_of=dt.date(year, 12, 31)))
