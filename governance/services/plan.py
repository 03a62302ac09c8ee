"""Operations on a plan: import its outline, set up periods, report, review, close
periods, send reminders (the stored progress and indicator actuals: progress.py).
Each runs in a transaction and writes one audit entry per record a user changed."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission
from wagtail.log_actions import log

from governance.models import (
    Contribution,
    ContributionEvidence,
    Evidence,
    OrgUnit,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)
from governance.selectors.plan import last_closed_period, reminder_recipients
from governance.selectors.reports import close_blockers, people_to_tell, reminder_targets
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
            kind = getattr(node, "kind", "") or item_kind(
                depth, getattr(node, "style", ""), parent_kind, bool(node.children)
            )
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

SHOWN_BLOCKERS = 5  # reports named in the refusal to close; the page lists them all


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
    evidence = [
        _evidence_for(Evidence(report=report), upload, user=user) for upload in evidence_files
    ]
    _store_evidence(
        evidence,
        lambda: log(
            instance=report,
            action="shuxiang.report.submit",
            user=user,
            data={"draft": draft, "evidence": [row.name for row in evidence]},
        ),
    )
    return report


def _store_evidence(evidence: list, then) -> None:
    """Write the checked evidence rows' files to private storage, save the rows, then
    call ``then`` (the audit entry); if anything fails, the files stored are removed
    again (the rows go with the transaction)."""
    written: list[tuple] = []
    try:
        for row in evidence:
            upload, field = row.file.file, row.file.field
            # A write that fails half-way leaves a partial file under the name it was
            # given: note the name before writing.
            written.append((field.storage, field.generate_filename(row, upload.name)))
            name = field.storage.save(written[-1][1], upload, max_length=field.max_length)
            written[-1] = (field.storage, name)
            row.file = name
            row.save()
        then()
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _evidence_for(evidence, upload, *, user):
    """``evidence`` (an unsaved Evidence or ContributionEvidence) checked for one upload
    (files already attached stay). Its type comes from the checked suffix, not from what
    the browser says."""
    name = PurePath(upload.name).name[:255]
    evidence.file = upload
    evidence.name = name
    evidence.size = upload.size
    evidence.content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    evidence.uploaded_by = user
    try:
        evidence.full_clean(exclude=["report", "contribution"])
    except ValidationError as error:
        raise ValidationError(
            _("The evidence file “%(name)s” cannot be attached: %(reason)s")
            % {"name": name, "reason": " ".join(error.messages)}
        ) from error
    return evidence


def _review(report: ProgressReport, *, reviewer, accept: bool, comment: str) -> ProgressReport:
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("period", "item", "item__lead_unit")
        .get(pk=report.pk)
    )
    _check_open(report.period)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be reviewed: the report on “%(item)s” is %(status)s.")
            % {"item": report.item, "status": report.get_status_display()}
        )
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    report.reviewed_by = reviewer
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    action = "shuxiang.report.accept" if accept else "shuxiang.report.return"
    log(instance=report, action=action, user=reviewer, data={"comment": comment})
    return report


@transaction.atomic
def review_report(report: ProgressReport, *, reviewer, accept: bool, comment: str = "") -> None:
    """Accept (progress rolls up) or return a submitted report with a comment; a returned
    report's heads, author and responsible person are told by e-mail (and find it on
    their home page, `selectors.reports.returned_reports_for`)."""
    report = _review(report, reviewer=reviewer, accept=accept, comment=comment)
    if accept:
        refresh_progress(report.period.plan)
    else:
        _tell_returned(report)


@transaction.atomic
def accept_reports(reports: Iterable[ProgressReport], *, reviewer) -> list[ProgressReport]:
    """Accept several submitted reports at once (one audit entry each); all or none."""
    reports = list(reports)
    if not reports:
        raise ValidationError(_("Choose the reports to accept."))
    done = [_review(r, reviewer=reviewer, accept=True, comment="") for r in reports]
    for plan in {r.period.plan for r in done}:
        refresh_progress(plan)
    return done


def _mail(messages: list[tuple[str, str, list[str]]]) -> int:
    """Send (subject, body, [address]) messages; a mail server down must not undo the
    review or reminder, so failures are not raised (the audit entry stands)."""
    if not messages:
        return 0
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, to) for subject, body, to in messages],
        fail_silently=True,
    )


def _admin_url(name: str, *args) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL}{reverse(name, args=args)}"


def _tell_returned(report: ProgressReport) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Progress report returned: %(item)s (%(period)s)") % {
            "item": report.item,
            "period": report.period,
        }
        messages = []
        for user in people_to_tell(report):
            body = _(
                "Dear %(name)s,\n\nThe planning office returned the progress report on "
                "“%(item)s” for %(period)s with this comment:\n\n%(comment)s\n\n"
                "Please correct it and submit it again at %(url)s.\n"
            ) % {
                "name": user.get_full_name() or user.get_username(),
                "item": report.item,
                "period": report.period,
                "comment": report.review_comment,
                "url": _admin_url("plan_report_item", report.item_id)
                + f"?period={report.period_id}",
            }
            messages.append((subject, body, [user.email]))
    return _mail(messages)


@transaction.atomic
def save_contribution(
    item: PlanItem, period: Period, unit: OrgUnit, *, user, text: str, evidence_files: Iterable = ()
) -> Contribution:
    """A partner unit writes (or rewrites) its part in an item for a period, with its own
    evidence files (stored in private storage once every rule has passed)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    _check_open(period)
    if not item.partner_units.filter(pk=unit.pk).exists():
        raise ValidationError(
            _("%(unit)s is not a partner unit of “%(item)s”.") % {"unit": unit, "item": item}
        )
    contribution, _created = Contribution.objects.update_or_create(
        item=item, period=period, unit=unit, defaults={"text": text, "author": user}
    )
    evidence = [
        _evidence_for(ContributionEvidence(contribution=contribution), upload, user=user)
        for upload in evidence_files
    ]
    _store_evidence(
        evidence,
        lambda: log(
            instance=contribution,
            action="wagtail.edit",
            user=user,
            data={"evidence": [row.name for row in evidence]},
        ),
    )
    return contribution


@transaction.atomic
def close_period(period: Period, *, user) -> Period:
    """Lock the period's reports; items still unreported for it become overdue. Refused
    while a report waits for review or was returned and not sent again."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("The period %(period)s is already closed.") % {"period": period})
    if period.end_date >= timezone.localdate():
        raise ValidationError(_("The period %(period)s has not ended yet.") % {"period": period})
    unsettled = list(close_blockers(period))
    if unsettled:
        names = "；".join(
            f"{r.item}（{r.get_status_display()}）" for r in unsettled[:SHOWN_BLOCKERS]
        )
        if len(unsettled) > SHOWN_BLOCKERS:
            names += _(" and %(count)s more") % {"count": len(unsettled) - SHOWN_BLOCKERS}
        raise ValidationError(
            _(
                "%(period)s cannot be closed: %(count)s reports wait for review or were "
                "returned and not sent again: %(names)s. Review them (or have them sent "
                "again) first."
            )
            % {"period": period, "count": len(unsettled), "names": names}
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


@transaction.atomic
def remind_period(period: Period, *, user) -> int:
    """催报: e-mail the heads of the units (and the responsible persons) of the items still
    unreported for ``period``; one audit entry on the period. Returns how many people
    were reminded."""
    period = Period.objects.select_related("plan").get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(
            _("The period %(period)s is closed: nobody can report on it any more.")
            % {"period": period}
        )
    messages, reminded = [], []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Please report your progress for %(period)s") % {"period": period}
        for person, items in reminder_targets(period).items():
            if not person.email:
                continue
            lines = "\n".join(
                f"- {item}（{item.lead_unit}）：{_admin_url('plan_report_item', item.pk)}"
                for item in items
            )
            body = _(
                "Dear %(name)s,\n\nThese items of “%(plan)s” have no progress report for "
                "%(period)s yet:\n\n%(items)s\n\nPlease report them.\n"
            ) % {
                "name": person.get_full_name() or person.get_username(),
                "plan": period.plan.title,
                "period": period,
                "items": lines,
            }
            messages.append((subject, body, [person.email]))
            reminded.append(person.get_username())
    log(
        instance=period,
        action="shuxiang.period.remind",
        user=user,
        data={"count": len(reminded), "people": reminded},
    )
    _mail(messages)
    return len(reminded)


@transaction.atomic
def grant_reporting(items: Iterable[PlanItem]) -> None:
    """Give each item's responsible person the right to report on it (an owner grant,
    ``report_planitem`` on the item) and take it from anyone who no longer is."""
    items = list(items)
    if not items:
        return
    content_type = ContentType.objects.get_for_model(PlanItem)
    permission = Permission.objects.get(content_type=content_type, codename="report_planitem")
    grants = UserObjectPermission.objects.filter(content_type=content_type, permission=permission)
    grants.filter(object_pk__in=[str(i.pk) for i in items]).delete()
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                content_type=content_type,
                permission=permission,
                user_id=i.responsible_id,
                object_pk=str(i.pk),
            )
            for i in items
            if i.responsible_id
        ]
    )


@transaction.atomic
def set_responsible(item: PlanItem, person, *, user) -> PlanItem:
    """Give ``item`` to ``person`` (or to nobody): they may then report on it."""
    item.responsible = person
    item.save(update_fields=["responsible"])
    grant_reporting([item])
    log(instance=item, action="wagtail.edit", user=user, data={"responsible": str(person or "")})
    return item
