"""Operations on a plan: import its outline, set up periods, report, review, close
periods, send reminders (the stored progress and indicator actuals: progress.py).
Each runs in a transaction and writes one audit entry per record a user changed."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.models import (
    Contribution,
    Evidence,
    OrgUnit,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)
from governance.selectors.plan import last_closed_period, reminder_recipients
from governance.services.progress import (  # noqa: F401 - re-exported, moved there
    record_actual,
    refresh_computed,
    refresh_progress,
)

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
    evidence_files: Iterable = (),
    draft: bool = False,
) -> ProgressReport:
    """Create or update the item's report for ``period`` and submit it for review.
    ``evidence_files`` (uploads) are stored last, in private storage, once every rule
    has passed; if anything fails after that, the files are removed again."""
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
    evidence = [_evidence_for(report, upload, user=user) for upload in evidence_files]
    written: list[str] = []
    try:
        for row in evidence:
            upload, field = row.file.file, row.file.field
            # A write that fails half-way leaves a partial file under the name it was
            # given: note the name before writing.
            written.append(field.generate_filename(row, upload.name))
            written[-1] = field.storage.save(written[-1], upload, max_length=field.max_length)
            row.file = written[-1]
            row.save()
        log(
            instance=report,
            action="shuxiang.report.submit",
            user=user,
            data={"draft": draft, "evidence": [row.name for row in evidence]},
        )
    except BaseException:
        # The rows go with the transaction; the files in storage must go by hand.
        for name in written:
            Evidence._meta.get_field("file").storage.delete(name)
        raise
    return report


def _evidence_for(report: ProgressReport, upload, *, user) -> Evidence:
    """An unsaved, checked evidence row for one upload (files already attached to the
    report stay). Its type comes from the checked suffix, not from what the browser says."""
    name = PurePath(upload.name).name[:255]
    evidence = Evidence(
        report=report,
        file=upload,
        name=name,
        size=upload.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        uploaded_by=user,
    )
    try:
        evidence.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("The evidence file “%(name)s” cannot be attached: %(reason)s")
            % {"name": name, "reason": " ".join(error.messages)}
        ) from error
    return evidence


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
        refresh_progress(report.period.plan)


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


# -- reminders ---------------------------------------------------------------------------


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
