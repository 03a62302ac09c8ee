"""Writes of the appraisal: opening a cycle with who takes part and why, moving it step by
step, the self-summary, the head's scores and proposed grade under the 优秀 quota, the
publicity, objections, finalising, the person's signature, appeals.

Every function is atomic, checks who may do it through the access API, refuses with a
translated message naming the record, and writes one history entry. A final cycle is
locked: only the person's signature, appeals and a pending grade settle after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from wagtail.log_actions import log

from governance.access import may_everywhere, may_for_instance
from governance.indicators import get_department_measure
from governance.models import OrgUnit
from governance.selectors.calendar import nth_working_day
from staffing.models import Investigation, LeaveRecord, Staff
from staffing.selectors.compliance import employed_in

from .models import (
    Appeal,
    Appraisal,
    AppraisalCycle,
    CommitteeMember,
    DepartmentEvaluation,
    Grade,
    Objection,
)
from .selectors import annual_grades, department_parts, quota_of, term_passes

OPEN_ACTION = "shuxiang.appraisal.open"
ADVANCE_ACTION = "shuxiang.appraisal.advance"
PARTICIPATION_ACTION = "shuxiang.appraisal.participation"
SUMMARY_ACTION = "shuxiang.appraisal.summary"
SCORE_ACTION = "shuxiang.appraisal.score"
PUBLICITY_ACTION = "shuxiang.appraisal.publicity"
OBJECTION_ACTION = "shuxiang.appraisal.objection"
FINALISE_ACTION = "shuxiang.appraisal.finalise"
CONFIRM_ACTION = "shuxiang.appraisal.confirm"
APPEAL_ACTION = "shuxiang.appraisal.appeal"
SETTLE_ACTION = "shuxiang.appraisal.settle"
COMMITTEE_ACTION = "shuxiang.appraisal.committee"

Status = AppraisalCycle.Status
Participation = Appraisal.Participation
STEPS = list(Status.values)
DIMENSIONS = ("morality", "competence", "diligence", "achievement", "integrity")
VOTED = ("excellent", "competent", "basic", "incompetent")  # the grades voters choose from
CENT = Decimal("0.01")


def require_hr(user, action: str) -> None:
    """Refuse (403) whoever is not HR: cycles are run by human resources."""
    if not may_everywhere(user, AppraisalCycle, action):
        raise PermissionDenied(_("Only human resources run appraisal cycles."))


def _locked_cycle(cycle: AppraisalCycle) -> AppraisalCycle:
    return AppraisalCycle.objects.select_for_update(of=("self",)).get(pk=cycle.pk)


def _locked_appraisal(appraisal: Appraisal) -> Appraisal:
    return (
        Appraisal.objects.select_for_update(of=("self",))
        .select_related("cycle", "staff")
        .get(pk=appraisal.pk)
    )


def _refuse_if_final(cycle: AppraisalCycle) -> None:
    if cycle.is_final:
        raise ValidationError(_("%(cycle)s is final and locked.") % {"cycle": cycle})


# -- who takes part --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date


def period_of(cycle: AppraisalCycle) -> Period:
    """The dates a cycle appraises: its quarter, or its year (a term's last year)."""
    if cycle.quarter:
        first = dt.date(cycle.year, 3 * cycle.quarter - 2, 1)
        after = dt.date(cycle.year + (cycle.quarter == 4), 3 * cycle.quarter % 12 + 1, 1)
        return Period(first, after - dt.timedelta(days=1))
    return Period(dt.date(cycle.year, 1, 1), dt.date(cycle.year, 12, 31))


def _overlap_days(start: dt.date, end: dt.date, period: Period) -> int:
    first, last = max(start, period.first), min(end, period.last)
    return max((last - first).days + 1, 0)


def months_of_service(staff: Staff, period: Period) -> int:
    """Whole months employed in the period up to its end, the joining month counted."""
    start = max(staff.hire_date or period.first, period.first)
    return (period.last.year - start.year) * 12 + period.last.month - start.month + 1


def participation_of(
    staff: Staff, period: Period, *, annual: bool, leave_days: int, investigated: bool
) -> tuple[str, str]:
    """(participation, reason) of one person by the records (Arts.37, 41, 42): out if they
    left before the period's end; grade pending while a case is open; and in a yearly
    appraisal, a comment and no grade under six months' service (probation included), no
    grade over six months of sick or personal leave (maternity leave is graded);
    otherwise graded."""
    gone = staff.status in (Staff.Status.LEFT, Staff.Status.RETIRED)
    if gone and staff.status_date and staff.status_date <= period.last:
        return Participation.EXCLUDED, _("Left on %(date)s.") % {
            "date": staff.status_date.isoformat()
        }
    if investigated:
        return Participation.PENDING, _("A case is open: the grade waits until it closes.")
    if not annual:
        return Participation.GRADED, ""
    months = months_of_service(staff, period)
    if months < settings.SHUXIANG_APPRAISAL_MIN_SERVICE_MONTHS:
        return Participation.COMMENT_ONLY, _(
            "Hired on %(date)s: %(months)s months of service in the year."
        ) % {"date": staff.hire_date.isoformat(), "months": months}
    if leave_days > settings.SHUXIANG_APPRAISAL_LONG_LEAVE_MONTHS * 365 / 12:
        return Participation.LEAVE, _("%(days)s days of sick or personal leave in the year.") % {
            "days": leave_days
        }
    return Participation.GRADED, ""


@transaction.atomic
def open_cycle(
    *,
    library: OrgUnit,
    kind: str,
    year: int,
    user,
    quarter: int | None = None,
    term_from: int | None = None,
    quota_basis: str = AppraisalCycle.QuotaBasis.NORMAL,
    approval_reference: str = "",
    title: str = "",
) -> AppraisalCycle:
    """Open a cycle for ``library``'s staff and work out from the staff records who takes
    part, and why not: everyone employed in the period gets a row (a fixed number of
    queries whatever the staff count)."""
    require_hr(user, "add")
    if library.kind != OrgUnit.Kind.LIBRARY:
        raise ValidationError(_("%(unit)s is not a library.") % {"unit": library})
    cycle = AppraisalCycle(
        library=library,
        kind=kind,
        year=year,
        quarter=quarter,
        term_from=term_from,
        quota_basis=quota_basis,
        approval_reference=approval_reference.strip(),
        title=title,
    )
    cycle.full_clean()
    cycle.save()
    period = period_of(cycle)
    people = list(
        employed_in(period.last.year, Staff.objects.filter(unit__library=library))
        .exclude(hire_date__gt=period.last)
        .order_by("pk")
    )
    ids = [p.pk for p in people]
    leave: dict[int, int] = {}
    for staff_id, start, end in LeaveRecord.objects.filter(
        staff__in=ids,
        kind__in=[LeaveRecord.Kind.SICK, LeaveRecord.Kind.PERSONAL],
        start__lte=period.last,
        end__gte=period.first,
    ).values_list("staff_id", "start", "end"):
        leave[staff_id] = leave.get(staff_id, 0) + _overlap_days(start, end, period)
    today = timezone.localdate()
    investigated = set(
        Investigation.objects.filter(staff__in=ids, opened__lte=today)
        .filter(Q(closed__isnull=True) | Q(closed__gt=today))
        .values_list("staff_id", flat=True)
    )
    rows = []
    for person in people:
        participation, reason = participation_of(
            person,
            period,
            annual=cycle.kind in (cycle.Kind.ANNUAL, cycle.Kind.TERM),
            leave_days=leave.get(person.pk, 0),
            investigated=person.pk in investigated,
        )
        rows.append(
            Appraisal(
                cycle=cycle,
                staff=person,
                unit_id=person.unit_id,
                post_category=person.post_category,
                participation=participation,
                participation_reason=reason,
            )
        )
    Appraisal.objects.bulk_create(rows, batch_size=1000)
    log(instance=cycle, action=OPEN_ACTION, user=user, data={"people": len(rows)})
    return cycle


@transaction.atomic
def correct_participation(
    appraisal: Appraisal, *, participation: str, reason: str, user
) -> Appraisal:
    """HR's correction of what the records gave (a refusal to take part, a record the
    staff file lacked), with the reason, until the grades are publicised."""
    require_hr(user, "change")
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the correction."))
    locked = _locked_appraisal(appraisal)
    _refuse_if_final(locked.cycle)
    if locked.cycle.status == Status.PUBLICITY:
        raise ValidationError(_("The grades are being publicised: correct them before."))
    previous = locked.participation
    locked.participation, locked.participation_reason, locked.corrected = (
        participation,
        reason,
        True,
    )
    if participation == Participation.REFUSED:
        locked.proposed_grade = Grade.INCOMPETENT  # Art.44
    elif participation != Participation.GRADED:
        locked.proposed_grade = ""
    locked.save(
        update_fields=["participation", "participation_reason", "corrected", "proposed_grade"]
    )
    log(
        instance=locked,
        action=PARTICIPATION_ACTION,
        user=user,
        data={"from": previous, "to": participation, "reason": reason},
    )
    return locked


# -- the committee -----------------------------------------------------------------------

COMMITTEE_PERMISSION = "performance.view_appraisalcycle"


@transaction.atomic
def set_committee(cycle: AppraisalCycle, *, members: list[tuple[object, str]], user) -> int:
    """The cycle's appraisal committee (Art.16): one chair (the library's head), leaders,
    HR, discipline inspection and staff representatives, as (user, role) pairs. Each member
    may see the cycle — everyone in it and the proposed grades — by a grant on the cycle
    alone; a member left out loses it. Returns how many sit on it."""
    require_hr(user, "change")
    locked = _locked_cycle(cycle)
    _refuse_if_final(locked)
    chairs = [person for person, role in members if role == CommitteeMember.Role.CHAIR]
    if len(chairs) != 1:
        raise ValidationError(_("The committee needs one chair, the library's head."))
    seats = {person.pk: (person, role) for person, role in members}  # one seat each
    previous = {m.user_id: m.user for m in locked.committee.select_related("user")}
    locked.committee.all().delete()
    CommitteeMember.objects.bulk_create(
        CommitteeMember(cycle=locked, user=person, role=role) for person, role in seats.values()
    )
    for pk, person in previous.items():
        if pk not in seats:
            remove_perm(COMMITTEE_PERMISSION, person, locked)
    for person, _role in seats.values():
        assign_perm(COMMITTEE_PERMISSION, person, locked)
    log(instance=locked, action=COMMITTEE_ACTION, user=user, data={"members": sorted(seats)})
    return len(seats)


# -- the steps ---------------------------------------------------------------------------


@transaction.atomic
def advance_cycle(cycle: AppraisalCycle, *, user) -> AppraisalCycle:
    """Move the cycle one step: open → self-summaries → scoring → proposed. Publicity and
    the final step have their own services (``start_publicity``, ``finalise_cycle``)."""
    require_hr(user, "change")
    locked = _locked_cycle(cycle)
    _refuse_if_final(locked)
    step = STEPS.index(locked.status)
    target = STEPS[step + 1]
    if target in (Status.PUBLICITY, Status.FINAL):
        raise ValidationError(
            _("%(cycle)s: start the publicity or finalise from their own pages.")
            % {"cycle": locked}
        )
    if target == Status.PROPOSED:
        missing = locked.appraisals.filter(participation=Participation.GRADED, proposed_grade="")
        if missing.exists():
            raise ValidationError(
                _("%(cycle)s: %(count)s people still have no proposed grade.")
                % {"cycle": locked, "count": missing.count()}
            )
    previous = locked.status
    locked.status = target
    locked.save(update_fields=["status"])
    log(instance=locked, action=ADVANCE_ACTION, user=user, data={"from": previous, "to": target})
    cycle.status = target
    return locked


@transaction.atomic
def submit_summary(appraisal: Appraisal, *, user, **sections: str) -> Appraisal:
    """The person's own 述职 by dimension (德 能 勤 绩 廉), while the cycle takes them."""
    locked = _locked_appraisal(appraisal)
    if locked.staff.user_id != user.pk:
        raise PermissionDenied(_("Only the person appraised writes their self-summary."))
    if locked.cycle.status not in (Status.OPEN, Status.SELF_SUMMARIES):
        raise ValidationError(
            _("%(cycle)s no longer takes self-summaries.") % {"cycle": locked.cycle}
        )
    unknown = set(sections) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown sections: {sorted(unknown)}")
    for name, text in sections.items():
        setattr(locked, f"summary_{name}", text.strip())
    if not any(getattr(locked, f"summary_{name}") for name in DIMENSIONS):
        raise ValidationError(_("Write at least one section of the self-summary."))
    locked.summary_submitted_at = timezone.now()
    locked.save(update_fields=[*(f"summary_{n}" for n in DIMENSIONS), "summary_submitted_at"])
    log(instance=locked, action=SUMMARY_ACTION, user=user)
    return locked


def weighted_score(post_category: str, scores: dict[str, Decimal]) -> Decimal:
    """The total of the dimension scores (0–100 each) by the post category's weights
    (``SHUXIANG_APPRAISAL_WEIGHTS``; professional-technical where the category is unknown)."""
    weights = settings.SHUXIANG_APPRAISAL_WEIGHTS
    chosen = weights.get(post_category) or weights["professional"]
    total = sum((Decimal(chosen[d]) for d in DIMENSIONS), Decimal(0))
    value = sum((Decimal(chosen[d]) * scores[d] for d in DIMENSIONS), Decimal(0)) / total
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def score_appraisal(
    appraisal: Appraisal,
    *,
    user,
    scores: dict[str, Decimal] | None = None,
    comment: str | None = None,
    proposed_grade: str | None = None,
    votes: dict[str, int] | None = None,
) -> Appraisal:
    """The head's scores, comment and proposed grade for one of their unit's staff (HR
    may too), and the 民主测评 votes (how many voters chose each grade), while the cycle
    is being scored. Proposing 优秀 counts against the quota with the cycle row locked, so
    two proposals of the last place cannot both pass."""
    if not may_for_instance(user, appraisal, "change"):
        raise PermissionDenied(_("You may not score this person."))
    if appraisal.staff.user_id == user.pk:
        raise PermissionDenied(_("Nobody scores their own appraisal."))
    cycle = _locked_cycle(appraisal.cycle)  # the quota's lock: one proposal at a time
    locked = (
        Appraisal.objects.select_for_update(of=("self",))
        .select_related("staff")
        .get(pk=appraisal.pk)
    )
    if cycle.status != Status.SCORING:
        raise ValidationError(_("%(cycle)s is not being scored.") % {"cycle": cycle})
    fields = []
    if scores is not None:
        values = {name: Decimal(scores[name]) for name in DIMENSIONS}
        if not all(0 <= value <= 100 for value in values.values()):
            raise ValidationError(
                _("%(person)s: each score is between 0 and 100.") % {"person": locked.staff.name}
            )
        for name, value in values.items():
            setattr(locked, f"score_{name}", value)
        locked.score = weighted_score(locked.post_category, values)
        fields += [*(f"score_{n}" for n in DIMENSIONS), "score"]
    if comment is not None:
        locked.comment = comment.strip()
        fields.append("comment")
    if votes is not None:
        if any(int(votes[g]) < 0 for g in VOTED):
            raise ValidationError(_("A number of votes cannot be negative."))
        for grade in VOTED:
            setattr(locked, f"votes_{grade}", int(votes[grade]))
        fields += [f"votes_{g}" for g in VOTED]
    if proposed_grade is not None:
        _check_proposal(cycle, locked, proposed_grade)
        locked.proposed_grade = proposed_grade
        locked.proposed_by, locked.proposed_at = user, timezone.now()
        fields += ["proposed_grade", "proposed_by", "proposed_at"]
    locked.save(update_fields=fields)
    log(
        instance=locked,
        action=SCORE_ACTION,
        user=user,
        data={"score": str(locked.score) if locked.score is not None else None,
              "proposed": locked.proposed_grade},
    )  # fmt: skip
    return locked


def _check_proposal(cycle: AppraisalCycle, appraisal: Appraisal, grade: str) -> None:
    name = appraisal.staff.name
    if appraisal.participation != Participation.GRADED:
        raise ValidationError(
            _("%(person)s is not graded in this appraisal (%(why)s).")
            % {"person": name, "why": appraisal.get_participation_display()}
        )
    allowed = (
        {Grade.COMPETENT, Grade.INCOMPETENT}
        if cycle.kind == cycle.Kind.TERM
        else {Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT}
    )
    if grade not in allowed:
        raise ValidationError(
            _("%(person)s: this grade does not exist in this appraisal.") % {"person": name}
        )
    if cycle.kind == cycle.Kind.TERM and grade == Grade.COMPETENT:
        grades = annual_grades([appraisal.staff_id]).get(appraisal.staff_id, {})
        if not term_passes(grades, cycle.term_from or cycle.year, cycle.year):
            raise ValidationError(
                _("%(person)s: a year of the term was graded below competent (Art.20).")
                % {"person": name}
            )
    if grade == Grade.EXCELLENT and appraisal.proposed_grade != Grade.EXCELLENT:
        quota = quota_of(cycle)
        if quota.remaining <= 0:
            raise ValidationError(
                _(
                    "%(person)s cannot be proposed as excellent: the quota of %(allowed)s "
                    "(%(percent)s %% of %(base)s) is used up."
                )
                % {
                    "person": name,
                    "allowed": quota.allowed,
                    "percent": quota.percent,
                    "base": quota.base,
                }
            )


# -- publicity and the result ------------------------------------------------------------


@transaction.atomic
def start_publicity(cycle: AppraisalCycle, *, user, start: dt.date) -> AppraisalCycle:
    """Post the proposed 优秀 from ``start`` for the working days the rules ask (five by
    default; holidays and make-up working days counted by the calendar)."""
    require_hr(user, "change")
    locked = _locked_cycle(cycle)
    if locked.status != Status.PROPOSED:
        raise ValidationError(_("%(cycle)s: propose every grade first.") % {"cycle": locked})
    locked.publicity_start = start
    locked.publicity_end = nth_working_day(start, settings.SHUXIANG_APPRAISAL_PUBLICITY_DAYS)
    locked.status = Status.PUBLICITY
    locked.save(update_fields=["publicity_start", "publicity_end", "status"])
    log(
        instance=locked,
        action=PUBLICITY_ACTION,
        user=user,
        data={"from": start.isoformat(), "until": locked.publicity_end.isoformat()},
    )
    return locked


@transaction.atomic
def record_objection(appraisal: Appraisal, *, user, text: str, received_on: dt.date) -> Objection:
    """An objection to a proposed 优秀 received during the publicity."""
    require_hr(user, "change")
    cycle = appraisal.cycle
    if cycle.status != Status.PUBLICITY:
        raise ValidationError(_("%(cycle)s is not being publicised.") % {"cycle": cycle})
    if not text.strip():
        raise ValidationError(_("Write down the objection."))
    objection = Objection.objects.create(
        appraisal=appraisal, text=text.strip(), received_on=received_on, recorded_by=user
    )
    log(instance=appraisal, action=OBJECTION_ACTION, user=user, data={"objection": objection.pk})
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, user, answer: str, grade: str = "") -> Objection:
    """HR's answer to an objection once the committee has looked into it. When the
    committee found it well founded, ``grade`` is the proposal it gives instead of 优秀
    (the publicised name is withdrawn); an unfounded objection leaves the proposal."""
    require_hr(user, "change")
    locked = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("appraisal", "appraisal__cycle", "appraisal__staff")
        .get(pk=objection.pk)
    )
    appraisal = locked.appraisal
    if appraisal.cycle.status != Status.PUBLICITY:
        raise ValidationError(_("%(cycle)s is not being publicised.") % {"cycle": appraisal.cycle})
    if locked.answer:
        raise ValidationError(_("This objection has already been answered."))
    if not answer.strip():
        raise ValidationError(_("Write down the answer (what the committee found)."))
    if grade and (grade == Grade.EXCELLENT or grade not in Grade.values):
        raise ValidationError(_("Give the grade proposed instead of excellent."))
    locked.answer = answer.strip()
    locked.save(update_fields=["answer"])
    if grade:
        Appraisal.objects.filter(pk=appraisal.pk).update(proposed_grade=grade)
    log(
        instance=appraisal,
        action=OBJECTION_ACTION,
        user=user,
        data={"objection": locked.pk, "answered": True, "grade": grade},
    )
    return locked


# What finalising turns each kind of participation into (pending grades wait).
FINAL_GRADE = Case(
    When(participation=Participation.GRADED, then="proposed_grade"),
    When(
        participation__in=[Participation.COMMENT_ONLY, Participation.LEAVE],
        then=Value(Grade.UNGRADED),
    ),
    When(participation=Participation.REFUSED, then=Value(Grade.INCOMPETENT)),
    default=Value(""),
)


@transaction.atomic
def finalise_cycle(cycle: AppraisalCycle, *, user, today: dt.date | None = None) -> AppraisalCycle:
    """Make the proposed grades the results once the publicity has run its course, and
    lock the cycle: one statement for every person, whatever their number."""
    require_hr(user, "change")
    locked = _locked_cycle(cycle)
    today = today or timezone.localdate()
    needs_publicity = locked.kind in (locked.Kind.ANNUAL, locked.Kind.TERM)
    if needs_publicity:
        if locked.status != Status.PUBLICITY:
            raise ValidationError(
                _("%(cycle)s: publicise the proposed grades first.") % {"cycle": locked}
            )
        if today <= locked.publicity_end:
            raise ValidationError(
                _("%(cycle)s: the publicity runs until %(end)s; finalise after it.")
                % {"cycle": locked, "end": locked.publicity_end.isoformat()}
            )
    elif locked.status not in (Status.PROPOSED, Status.PUBLICITY):
        raise ValidationError(_("%(cycle)s: propose every grade first.") % {"cycle": locked})
    waiting = Objection.objects.filter(appraisal__cycle=locked, answer="").count()
    if waiting:
        raise ValidationError(
            _("%(cycle)s: %(count)s objections still wait for an answer.")
            % {"cycle": locked, "count": waiting}
        )
    changed = locked.appraisals.update(grade=FINAL_GRADE)
    locked.status, locked.finalised_at = Status.FINAL, timezone.now()
    locked.save(update_fields=["status", "finalised_at"])
    log(instance=locked, action=FINALISE_ACTION, user=user, data={"people": changed})
    return locked


@transaction.atomic
def confirm_result(appraisal: Appraisal, *, user) -> Appraisal:
    """The person signs for their result (签字)."""
    locked = _locked_appraisal(appraisal)
    if locked.staff.user_id != user.pk:
        raise PermissionDenied(_("Only the person appraised signs for their result."))
    if not locked.cycle.is_final or not locked.grade:
        raise ValidationError(_("There is no result to sign for yet."))
    if locked.confirmed_at:
        raise ValidationError(
            _("You signed for this result on %(date)s.") % {"date": locked.confirmed_at.date()}
        )
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_at"])
    log(instance=locked, action=CONFIRM_ACTION, user=user)
    return locked


APPEALABLE = (Grade.BASIC, Grade.INCOMPETENT)


@transaction.atomic
def file_appeal(
    appraisal: Appraisal, *, user, kind: str, reasons: str, filed_on: dt.date
) -> Appeal:
    """The person asks for a review (复核) of a 基本合格 or 不合格 result within the days
    the setting gives after signing; against the review's decision, an appeal (申诉)."""
    locked = _locked_appraisal(appraisal)
    if locked.staff.user_id != user.pk:
        raise PermissionDenied(_("Only the person appraised appeals their result."))
    if locked.grade not in APPEALABLE:
        raise ValidationError(
            _("Only a basically competent or incompetent result can be appealed.")
        )
    if not reasons.strip():
        raise ValidationError(_("Give the reasons of the appeal."))
    if kind == Appeal.Kind.REVIEW:
        since = locked.confirmed_at.date() if locked.confirmed_at else None
        days = settings.SHUXIANG_APPRAISAL_REVIEW_DAYS
        if since is None:
            raise ValidationError(_("Sign for the result before asking for its review."))
    else:
        review = locked.appeals.filter(kind=Appeal.Kind.REVIEW).exclude(decided_on=None).first()
        if review is None:
            raise ValidationError(
                _("An appeal follows the review's decision: ask for a review first.")
            )
        since, days = review.decided_on, settings.SHUXIANG_APPRAISAL_APPEAL_DAYS
    if filed_on > since + dt.timedelta(days=days):
        raise ValidationError(
            _("The %(days)s days to do so ran out on %(date)s.")
            % {"days": days, "date": (since + dt.timedelta(days=days)).isoformat()}
        )
    if locked.appeals.filter(kind=kind).exists():
        raise ValidationError(_("This result has already been taken to this step."))
    appeal = Appeal.objects.create(
        appraisal=locked,
        kind=kind,
        filed_on=filed_on,
        reasons=reasons.strip(),
        previous_grade=locked.grade,
    )
    log(
        instance=locked,
        action=APPEAL_ACTION,
        user=user,
        data={"kind": kind, "filed": filed_on.isoformat()},
    )
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal, *, user, outcome: str, decided_on: dt.date, decision: str, new_grade: str = ""
) -> Appeal:
    """The decision on a review or appeal; a changed result becomes the person's grade
    (the appeal keeps the grade it was against)."""
    require_hr(user, "change")
    locked = (
        Appeal.objects.select_for_update(of=("self",)).select_related("appraisal").get(pk=appeal.pk)
    )
    if locked.decided_on:
        raise ValidationError(_("This has already been decided."))
    if outcome == Appeal.Outcome.CHANGED and new_grade not in Grade.values:
        raise ValidationError(_("Give the new grade of a changed result."))
    locked.outcome, locked.decided_on, locked.decision = outcome, decided_on, decision.strip()
    locked.new_grade = new_grade if outcome == Appeal.Outcome.CHANGED else ""
    locked.save(update_fields=["outcome", "decided_on", "decision", "new_grade"])
    if locked.new_grade:
        Appraisal.objects.filter(pk=locked.appraisal_id).update(grade=locked.new_grade)
    log(
        instance=locked.appraisal,
        action=APPEAL_ACTION,
        user=user,
        data={"kind": locked.kind, "outcome": outcome, "grade": locked.new_grade},
    )
    return locked


@transaction.atomic
def settle_pending(appraisal: Appraisal, *, user, grade: str, reason: str) -> Appraisal:
    """The grade of someone whose case has closed, given after the cycle was finalised."""
    require_hr(user, "change")
    locked = _locked_appraisal(appraisal)
    if locked.participation != Participation.PENDING or locked.grade:
        raise ValidationError(_("%(person)s has no pending grade.") % {"person": locked.staff.name})
    if not locked.cycle.is_final:
        raise ValidationError(_("Settle a pending grade once the cycle is final."))
    if grade not in Grade.values or not reason.strip():
        raise ValidationError(_("Give the grade and the reason (the case's outcome)."))
    locked.grade, locked.participation_reason = grade, reason.strip()
    locked.save(update_fields=["grade", "participation_reason"])
    log(instance=locked, action=SETTLE_ACTION, user=user, data={"grade": grade})
    return locked


# -- the departments' yearly evaluation ------------------------------------------------------

EVALUATION_ACTION = "shuxiang.department.evaluate"
# The budget's feed (registered by budget, read here without importing it).
BUDGET_MEASURE = "budget.execution_rate"
OTHER_ITEMS_ACTION = "shuxiang.department.other_items"
_CENTS = Decimal("0.01")


def _require_leadership(user) -> None:
    if not may_everywhere(user, DepartmentEvaluation, "change"):
        raise PermissionDenied(_("Only the library's leadership evaluates its departments."))


def _weighted_total(row: DepartmentEvaluation) -> Decimal | None:
    """The weighted mean of the parts there are (a part with nothing to judge — no task,
    no report due, nobody graded, no leadership score yet — leaves the others' weights)."""
    weights = settings.SHUXIANG_DEPARTMENT_WEIGHTS
    values = {
        "plan": row.plan_score,
        "reporting": row.reporting_score,
        "appraisal": row.appraisal_score,
        "budget": row.budget_score,
        "other": row.other_score,
    }
    present = {k: v for k, v in values.items() if v is not None and weights.get(k)}
    total_weight = sum(weights.get(k, 0) for k in present)
    if not total_weight:
        return None
    value = sum(Decimal(weights[k]) * v for k, v in present.items()) / total_weight
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)


def _rating(total: Decimal | None) -> str:
    if total is None:
        return ""
    floors = settings.SHUXIANG_DEPARTMENT_RATINGS
    for rating in ("excellent", "good", "pass"):
        if total >= floors[rating]:
            return rating
    return DepartmentEvaluation.Rating.FAIL


def _rank(library, year: int) -> None:
    rows = list(DepartmentEvaluation.objects.filter(year=year, unit__library=library))
    for row in rows:
        row.total = _weighted_total(row)
        row.rating = _rating(row.total)
    scored = sorted((r for r in rows if r.total is not None), key=lambda r: -r.total)
    for row in rows:
        row.rank = None
    for position, row in enumerate(scored, start=1):
        row.rank = position
    DepartmentEvaluation.objects.bulk_update(rows, ["total", "rating", "rank"])


@transaction.atomic
def evaluate_departments(library: OrgUnit, year: int, *, user) -> int:
    """Compute (again) each department's parts for ``year`` from the plan, the reports and
    the appraisal, keep the leadership's scores, and rank and rate them. Returns how many
    departments. A fixed number of queries whatever the plan and the staff."""
    _require_leadership(user)
    parts = department_parts(library, year)
    budget = get_department_measure(BUDGET_MEASURE)
    executed = (
        budget.compute(list(OrgUnit.objects.filter(pk__in=list(parts))), year) if budget else {}
    )
    stored = {
        row.unit_id: row
        for row in DepartmentEvaluation.objects.select_for_update().filter(
            year=year, unit__in=list(parts)
        )
    }
    now = timezone.now()

    def cents(value):
        return None if value is None else Decimal(value).quantize(_CENTS, rounding=ROUND_HALF_UP)

    rows = []
    for unit_id, part in parts.items():
        row = stored.get(unit_id) or DepartmentEvaluation(year=year, unit_id=unit_id)
        row.plan_score, row.reporting_score = cents(part.plan), cents(part.reporting)
        row.appraisal_score, row.computed_at = cents(part.appraisal), now
        row.budget_score = cents(executed.get(unit_id))
        rows.append(row)
    new = [r for r in rows if r.pk is None]
    DepartmentEvaluation.objects.bulk_create(new)
    DepartmentEvaluation.objects.bulk_update(
        [r for r in rows if r not in new],
        ["plan_score", "reporting_score", "appraisal_score", "budget_score", "computed_at"],
    )
    _rank(library, year)
    log(instance=library, action=EVALUATION_ACTION, user=user, data={"year": year})
    return len(rows)


@transaction.atomic
def score_other_items(
    evaluation: DepartmentEvaluation, *, user, score: Decimal, note: str
) -> DepartmentEvaluation:
    """The leadership's score (0–100) of the department's other items, with what it
    scored; the library's departments are ranked again."""
    _require_leadership(user)
    if not 0 <= score <= 100:
        raise ValidationError(_("A score is between 0 and 100."))
    if not note.strip():
        raise ValidationError(_("Say what was scored."))
    locked = (
        DepartmentEvaluation.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=evaluation.pk)
    )
    locked.other_score, locked.other_note = Decimal(score).quantize(_CENTS), note.strip()
    locked.save(update_fields=["other_score", "other_note"])
    _rank(locked.unit.library, locked.year)
    log(instance=locked, action=OTHER_ITEMS_ACTION, user=user, data={"score": str(score)})
    locked.refresh_from_db()
    return locked
