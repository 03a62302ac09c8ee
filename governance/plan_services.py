"""Operations on a plan: import its outline, set up periods, report, review, roll up,
close periods, record indicator actuals. Each runs in a transaction and writes one
audit entry per record a user changed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .models import (
    Contribution,
    Indicator,
    IndicatorYear,
    OrgUnit,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


# -- building the tree -------------------------------------------------------------------


def item_kind(depth: int, style: str, parent_kind: str | None, has_children: bool) -> str:
    """The kind an imported item gets from its place in the outline (editable later).

    Depth 1 is a chapter (一、), depth 2 a task area (the restarted 一、…七、 under
    主要任务); below that a （一） heading is a section, anything under a task is a
    subtask, and every other item is a task.
    """
    if depth == 1:
        return PlanItem.Kind.CHAPTER
    if depth == 2:
        return PlanItem.Kind.AREA if has_children else PlanItem.Kind.TASK
    if parent_kind in (PlanItem.Kind.TASK, PlanItem.Kind.SUBTASK):
        return PlanItem.Kind.SUBTASK
    if style == "paren_cn" and has_children:
        return PlanItem.Kind.SECTION
    return PlanItem.Kind.TASK


def _next_root_step() -> int:
    last = PlanItem.get_last_root_node()
    return PlanItem._str2int(last.path) + 1 if last else 1


def bulk_create_items(plan: Plan, roots: Sequence, *, defaults: dict | None = None) -> int:
    """Create a whole outline in a few INSERTs (treebeard's add_child costs queries per
    node). ``roots`` are objects with ``number``, ``title``, ``text``, ``style`` and
    ``children`` (the importer's ParsedItem). Returns the number of items created."""
    defaults = defaults or {}
    rows: list[PlanItem] = []

    def walk(nodes, parent_path: str, depth: int, parent_kind: str | None, first_step: int):
        for offset, node in enumerate(nodes):
            path = PlanItem._get_path(parent_path, depth, first_step + offset)
            kind = item_kind(depth, getattr(node, "style", ""), parent_kind, bool(node.children))
            rows.append(
                PlanItem(
                    plan=plan,
                    path=path,
                    depth=depth,
                    numchild=len(node.children),
                    number=node.number[:20],
                    title=node.title[:200],
                    text=node.text,
                    kind=kind,
                    **defaults,
                )
            )
            walk(node.children, path, depth + 1, kind, 1)

    walk(roots, "", 1, None, _next_root_step())
    PlanItem.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def ensure_periods(plan: Plan) -> None:
    """One period per quarter of every plan year (existing ones are kept)."""
    Period.objects.bulk_create(
        [Period(plan=plan, year=y, quarter=q) for y in plan.years for q in (1, 2, 3, 4)],
        ignore_conflicts=True,
    )


def _section_text(roots, title: str) -> str:
    """The text of the item titled ``title`` (e.g. 愿景, 使命) with its children's text."""
    stack = list(roots)
    while stack:
        node = stack.pop(0)
        if node.title.strip() == title:
            parts = [node.text.removeprefix(node.title).lstrip("。 ") if node.text else ""]
            parts += [f"{c.number}{c.text or c.title}" for c in node.children]
            return "\n".join(p for p in parts if p)
        stack.extend(node.children)
    return ""


@transaction.atomic
def import_plan(parsed, *, user=None, start_year: int | None = None) -> Plan:
    """Save an outline read by ``plan_import.parse_plan_file`` as a new draft plan."""
    start = start_year or parsed.start_year
    if not start:
        raise ValidationError(
            _("The plan's years could not be read from the document: give the first year.")
        )
    end = parsed.end_year if parsed.end_year and not start_year else start + 4
    plan = Plan.objects.create(
        title=parsed.title[:200] or _("Untitled plan"),
        start_year=start,
        end_year=end,
        approval_reference=parsed.approval_reference[:100],
        introduction=parsed.preamble,
        vision=_section_text(parsed.items, "愿景"),
        mission=_section_text(parsed.items, "使命"),
    )
    count = bulk_create_items(plan, parsed.items)
    ensure_periods(plan)
    log(instance=plan, action="shuxiang.plan.import", user=user, data={"items": count})
    return plan


# -- reporting and review ----------------------------------------------------------------


def _check_open(period: Period) -> None:
    if period.is_closed:
        raise ValidationError(
            _("The period %(period)s is closed: its reports can no longer change.")
            % {"period": period}
        )


@transaction.atomic
def submit_report(
    item: PlanItem,
    period: Period,
    *,
    user,
    percent: Decimal,
    health: str,
    narrative: str,
    next_steps: str = "",
    evidence: Iterable = (),
    draft: bool = False,
) -> ProgressReport:
    """Create or update the item's report for ``period`` and submit it for review."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    _check_open(period)
    if period.plan_id != item.plan_id:
        raise ValidationError(_("The period belongs to another plan."))
    if item.numchild:
        raise ValidationError(
            _("“%(item)s” has sub-items: report on them; its progress is rolled up.")
            % {"item": item}
        )
    report = ProgressReport.objects.filter(item=item, period=period).first()
    if report and report.status == ProgressReport.Status.ACCEPTED:
        raise ValidationError(
            _("The report on “%(item)s” for %(period)s has been accepted and is locked.")
            % {"item": item, "period": period}
        )
    report = report or ProgressReport(item=item, period=period)
    report.percent = percent
    report.health = health
    report.narrative = narrative
    report.next_steps = next_steps
    report.author = user
    report.status = ProgressReport.Status.DRAFT if draft else ProgressReport.Status.SUBMITTED
    report.submitted_at = None if draft else timezone.now()
    report.full_clean()
    report.save()
    report.evidence.add(*evidence)  # files already attached stay
    log(instance=report, action="shuxiang.report.submit", user=user, data={"draft": draft})
    return report


@transaction.atomic
def review_report(report: ProgressReport, *, reviewer, accept: bool, comment: str = "") -> None:
    """Accept (progress rolls up) or return a submitted report with a comment."""
    report = ProgressReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    _check_open(report.period)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    action = "shuxiang.report.accept" if accept else "shuxiang.report.return"
    log(instance=report, action=action, user=reviewer, data={"comment": comment})
    if accept:
        rollup_progress(report.period.plan, as_of=timezone.localdate(), save=True)


@transaction.atomic
def save_contribution(
    item: PlanItem, period: Period, unit: OrgUnit, *, user, text: str
) -> Contribution:
    """A partner unit writes (or rewrites) its part in an item for a period."""
    _check_open(period)
    if not item.partner_units.filter(pk=unit.pk).exists():
        raise ValidationError(
            _("%(unit)s is not a partner unit of “%(item)s”.") % {"unit": unit, "item": item}
        )
    contribution, _created = Contribution.objects.update_or_create(
        item=item, period=period, unit=unit, defaults={"text": text, "author": user}
    )
    log(instance=contribution, action="wagtail.edit", user=user)
    return contribution


@transaction.atomic
def close_period(period: Period, *, user) -> Period:
    """Lock the period's reports; items still unreported for it become overdue."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("The period %(period)s is already closed.") % {"period": period})
    if period.end_date >= timezone.localdate():
        raise ValidationError(_("The period %(period)s has not ended yet.") % {"period": period})
    waiting = period.reports.filter(status=ProgressReport.Status.SUBMITTED).count()
    if waiting:
        raise ValidationError(
            _("%(count)s reports for %(period)s still wait for review: review them first.")
            % {"count": waiting, "period": period}
        )
    period.closed_at = timezone.now()
    period.closed_by = user
    period.save(update_fields=["closed_at", "closed_by"])
    log(instance=period, action="shuxiang.period.close", user=user)
    return period


# -- roll-up -----------------------------------------------------------------------------


def _as_of_periods(plan: Plan, as_of: dt.date | None):
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
            period__in=_as_of_periods(plan, as_of),
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


def rollup_progress(
    plan: Plan, *, as_of: dt.date | None = None, save: bool = False
) -> dict[int, Decimal]:
    """Progress of every item: leaves from accepted reports, parents as the weighted mean
    of their children — two queries and one pass over the items, children before
    parents. With ``save`` the stored ``progress`` is updated (one UPDATE per change
    batch)."""
    leaves = leaf_progress(plan, as_of=as_of)
    items = list(
        PlanItem.objects.filter(plan=plan)
        .order_by("-path")
        .values_list("pk", "path", "depth", "weight", "numchild", "progress")
    )
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), 0])
    progress: dict[int, Decimal] = {}
    steplen = PlanItem.steplen
    for pk, path, depth, weight, numchild, _stored in items:
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
    if save:
        changed = [
            PlanItem(pk=pk, progress=progress[pk])
            for pk, _path, _depth, _weight, _numchild, stored in items
            if stored != progress[pk]
        ]
        PlanItem.objects.bulk_update(changed, ["progress"], batch_size=500)
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


# -- overdue -----------------------------------------------------------------------------


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


# -- indicators --------------------------------------------------------------------------


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


@transaction.atomic
def record_actual(
    indicator: Indicator, year: int, value: Decimal | None, *, source: str, user=None
) -> IndicatorYear:
    """Set an indicator's actual for a year, noting when and from where it came."""
    if year not in indicator.plan.years and year != indicator.plan.start_year - 1:
        raise ValidationError(_("%(year)s is outside the plan's years.") % {"year": year})
    row, _created = IndicatorYear.objects.get_or_create(indicator=indicator, year=year)
    row.actual = value
    row.actual_source = source
    row.actual_recorded_at = timezone.now()
    row.actual_recorded_by = user
    row.save()
    log(
        instance=indicator,
        action="shuxiang.indicator.actual",
        user=user,
        data={"year": year, "value": str(value), "source": source},
    )
    return row


# -- reminders ---------------------------------------------------------------------------


def reminder_recipients(plan: Plan, period: Period) -> dict:
    """Who to remind of which overdue items: the department heads acting for the item's
    lead unit (or a unit above it), who can open the item and report. Two queries."""
    from .access import SCOPE_PERMISSION
    from .models import OrgUnitUserObjectPermission

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


def send_reminders(plan: Plan, *, dry_run: bool = False) -> list[tuple[str, int]]:
    """E-mail each recipient the list of their overdue items for the last closed period;
    returns (address, number of items) per message."""
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.utils import translation

    period = last_closed_period(plan)
    if period is None:
        return []
    messages = []
    sent = []
    with translation.override(settings.LANGUAGE_CODE):
        for user, items in reminder_recipients(plan, period).items():
            if not user.email:
                continue
            lines = "\n".join(f"- {item}（{item.lead_unit}）" for item in items)
            subject = _("Progress reports overdue for %(period)s") % {"period": period}
            body = _(
                "Dear %(name)s,\n\nThese items of “%(plan)s” have no progress report for "
                "%(period)s, which is now closed:\n\n%(items)s\n\nPlease report them at "
                "%(url)s.\n"
            ) % {
                "name": user.get_full_name() or user.get_username(),
                "plan": plan.title,
                "period": period,
                "items": lines,
                "url": f"{settings.WAGTAILADMIN_BASE_URL}/admin/plan/dashboard/",
            }
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
            sent.append((user.email, len(items)))
    if not dry_run and messages:
        send_mass_mail(messages, fail_silently=False)
    return sent
