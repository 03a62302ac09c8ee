"""Reads of the report loop: returned reports waiting for their author, what a report
starts from (last quarter), why a report cannot be written, what keeps a period from
closing, who is told or reminded. A fixed number of queries whatever the rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from governance.access import visible
from governance.models import (
    Contribution,
    Period,
    PlanItem,
    ProgressReport,
)
from governance.people import person_select_related
from governance.selectors.plan import heads_of, overdue_items, reminder_recipients

COUNTED = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)


def returned_reports_for(user) -> QuerySet[ProgressReport]:
    """Reports returned by the planning office that ``user`` should fix: those of the
    items they may report on (a head's units, their own tasks) or that they wrote, while
    the period is still open; newest return first, with the reviewer's comment."""
    if not user.is_authenticated:
        return ProgressReport.objects.none()
    returned = ProgressReport.objects.filter(
        status=ProgressReport.Status.RETURNED, period__closed_at__isnull=True
    )
    mine = visible(user, returned, ["add", "change"]).values("pk")
    return (
        returned.filter(Q(pk__in=mine) | Q(author=user) | Q(item__responsible=user))
        .select_related("item", "item__lead_unit", "period", *person_select_related("reviewed_by"))
        .order_by("-reviewed_at", "pk")
    )


def previous_report(item: PlanItem, period: Period) -> ProgressReport | None:
    """The item's latest submitted or accepted report before ``period``: where this
    quarter's report starts from."""
    return (
        ProgressReport.objects.filter(item=item, status__in=COUNTED)
        .filter(_before(period))
        .select_related("period")
        .order_by("-period__year", "-period__quarter")
        .first()
    )


def _before(period: Period, prefix: str = "period__") -> Q:
    return Q(**{f"{prefix}year__lt": period.year}) | Q(
        **{f"{prefix}year": period.year, f"{prefix}quarter__lt": period.quarter}
    )


def with_previous_percent(reports: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """``reports`` annotated with ``previous_percent`` (and its period's year and quarter):
    the same item's latest submitted or accepted report of an earlier period (one query)."""
    earlier = (
        ProgressReport.objects.filter(item=OuterRef("item"), status__in=COUNTED)
        .filter(
            Q(period__year__lt=OuterRef("period__year"))
            | Q(
                period__year=OuterRef("period__year"),
                period__quarter__lt=OuterRef("period__quarter"),
            )
        )
        .order_by("-period__year", "-period__quarter")
    )
    return reports.annotate(
        previous_percent=Subquery(earlier.values("percent")[:1]),
        previous_year=Subquery(earlier.values("period__year")[:1]),
        previous_quarter=Subquery(earlier.values("period__quarter")[:1]),
    )


def partner_notes(user, reports: Iterable[ProgressReport]) -> dict[tuple[int, int], list]:
    """The partner units' contributions the user may see, by (item id, period id) of each
    report (one query)."""
    reports = list(reports)
    if not reports:
        return {}
    notes: dict[tuple[int, int], list] = defaultdict(list)
    rows = (
        visible(user, Contribution)
        .filter(
            item__in={r.item_id for r in reports},
            period__in={r.period_id for r in reports},
        )
        .select_related("unit")
        .order_by("unit__path")
    )
    for row in rows:
        notes[(row.item_id, row.period_id)].append(row)
    return notes


def report_refusal(item: PlanItem, period: Period | None) -> tuple[str, ProgressReport | None]:
    """Why no report can be written on ``item`` for ``period``, before anyone types:
    ``("closed", report)``, ``("accepted", report)`` or ``("", report)`` when one can be
    (``report`` is the period's existing report, if any)."""
    if period is None:
        return "no_period", None
    report = ProgressReport.objects.filter(item=item, period=period).first()
    if period.is_closed:
        return "closed", report
    if report and report.status == ProgressReport.Status.ACCEPTED:
        return "accepted", report
    return "", report


def close_blockers(period: Period) -> QuerySet[ProgressReport]:
    """The period's reports that are not settled: waiting for review or returned."""
    return (
        period.reports.filter(
            status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.RETURNED]
        )
        .select_related("item", "item__lead_unit")
        .order_by("status", "item__path")
    )


def people_to_tell(report: ProgressReport) -> list:
    """Who hears that a report was returned: the lead unit's heads, the author and the
    item's responsible person (active users with an e-mail address)."""
    item = report.item
    people = list(heads_of([item.lead_unit]).get(item.lead_unit_id, [])) if item.lead_unit else []
    User = get_user_model()  # noqa: N806
    extra = [pk for pk in (report.author_id, item.responsible_id) if pk]
    people += list(User.objects.filter(pk__in=extra, is_active=True))
    return [u for u in dict.fromkeys(people) if u.email]


def reminder_targets(period: Period) -> dict:
    """Who to remind of which items still unreported for ``period``: the heads acting
    for the lead unit (the plan's `reminder_recipients`) and each item's responsible
    person. Three queries."""
    result: dict = defaultdict(list)
    for user, items in reminder_recipients(period.plan, period).items():
        result[user].extend(items)
    for item in (
        overdue_items(period.plan, period)
        .filter(responsible__isnull=False, responsible__is_active=True)
        .select_related("responsible")
    ):
        result[item.responsible].append(item)
    return {user: list(dict.fromkeys(items)) for user, items in result.items()}


def chaseable_periods() -> QuerySet[Period]:
    """Every plan's open periods that have begun: those whose missing reports can be
    chased (催报)."""
    today = timezone.localdate()
    return (
        Period.objects.filter(closed_at__isnull=True)
        .filter(Q(year__lt=today.year) | Q(year=today.year, quarter__lte=(today.month + 2) // 3))
        .select_related("plan")
        .order_by("plan", "year", "quarter")
    )
