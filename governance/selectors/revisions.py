"""Reads of the plan's versions: the versions a user may choose, and one version as it
stood (its stored outline and targets) for its page and for the dashboard, which sets
beside it the figures of the items and indicators still in the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from governance.access import visible
from governance.models import IndicatorYear, PlanItem, PlanVersion
from governance.selectors.plan import plan_figures

_STATUS_LABELS = dict(PlanItem.Status.choices)  # lazy labels: translated when shown


@dataclass
class VersionItem:
    """An item of the version's outline, as stored when the version began."""

    pk: int
    number: str
    title: str
    status: str  # the stored status's label
    start_year: int | None
    end_year: int | None
    lead_unit: str
    indent: float  # em, by depth in the outline
    in_plan: bool = True  # the item is still in the plan (it may have been deleted since)
    is_task: bool = False  # today: a task with a progress figure
    progress: Decimal | None = None  # today's (or the dashboard date's), for a task still in it


@dataclass
class VersionTarget:
    """An indicator's targets in the version (yearly ones by the plan's years)."""

    pk: int
    code: str
    name: str
    unit: str
    values: list[str]  # by ``VersionTables.years``; "" where the version set none
    final: str
    in_plan: bool = True
    actual: Decimal | None = None  # the latest recorded actual up to the dashboard's year
    actual_year: int | None = None


@dataclass
class VersionTables:
    """A version's outline and targets as plain rows (no queries beyond the version's)."""

    version: PlanVersion
    years: list[int]
    items: list[VersionItem]
    targets: list[VersionTarget]


@dataclass
class VersionBoard(VersionTables):
    """What the dashboard shows for a version: its tables, when it was in force, and the
    figures of ``as_of`` beside its rows."""

    as_of: dt.date
    until: dt.date | None = None  # when the next version came into force
    next_number: int | None = None  # None: this is the version in force


def plan_versions(plan, *, user) -> list[PlanVersion]:
    """The plan's versions ``user`` may read, by number, without their stored outline and
    targets (a plan of thousands of items stores them once per version): one query."""
    rows = PlanVersion.objects.filter(plan=plan).defer("outline", "targets").order_by("number")
    return list(visible(user, rows))


def version_tables(version: PlanVersion) -> VersionTables:
    """``version``'s outline and targets as rows for a page: read from what it stored."""
    years = list(version.plan.years)
    items = [
        VersionItem(
            pk=row["id"],
            number=row["number"],
            title=row["title"],
            status=_STATUS_LABELS.get(row["status"], row["status"]),
            start_year=row["start_year"],
            end_year=row["end_year"],
            lead_unit=row["lead_unit"],
            indent=max(row["depth"] - 1, 0) * 1.5,
        )
        for row in version.outline
    ]
    targets = [
        VersionTarget(
            pk=row["id"],
            code=row["code"],
            name=row["name"],
            unit=row["unit"],
            values=[row["years"].get(str(year), "") for year in years],
            final=row["final"],
        )
        for row in version.targets
    ]
    return VersionTables(version=version, years=years, items=items, targets=targets)


def version_dashboard(
    version: PlanVersion, *, versions: list[PlanVersion], as_of: dt.date
) -> VersionBoard:
    """``version`` as the dashboard shows it: its outline and targets as stored, when it
    was in force (until the next of ``versions``), and beside its rows the figures as of
    the date — each task's progress and each indicator's latest actual — for those still
    in the plan. Three queries for today's figures, a few more for another date, whatever
    the size of the plan."""
    tables = version_tables(version)
    later = [v for v in versions if v.number > version.number]
    following = min(later, key=lambda v: v.number) if later else None
    figures = plan_figures(version.plan, as_of=as_of)
    for item in tables.items:
        item.in_plan = item.pk in figures.progress
        item.is_task = figures.is_task(item.pk)
        item.progress = figures.progress[item.pk] if item.is_task else None
    actuals = IndicatorYear.objects.filter(
        indicator__plan=version.plan, year__lte=as_of.year, actual__isnull=False
    ).order_by("indicator", "year")
    latest = {row[0]: row[1:] for row in actuals.values_list("indicator", "year", "actual")}
    current = set(version.plan.indicators.values_list("pk", flat=True))
    for target in tables.targets:
        target.in_plan = target.pk in current
        target.actual_year, target.actual = latest.get(target.pk, (None, None))
    return VersionBoard(
        **vars(tables),
        as_of=as_of,
        until=following.effective_on if following else None,
        next_number=following.number if following else None,
    )
