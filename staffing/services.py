"""Writes to staff records: the post, title, unit and education histories that follow a
change of the current values, status changes with their date, and keeping the staff
row's current values in step with its histories after an edit in the admin.

The bulk ``record_*_changes`` functions serve the staff import (they set the current
values on the staff objects and leave saving the staff rows to the caller); the single
ones (``transfer_staff``, ``record_education``, ``change_status``) serve a form: atomic,
the staff row locked, one history entry each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.models import OrgUnit
from reporting.bulk import snapshot, update_changed, update_fields

from .models import EducationRecord, PostAppointment, Staff, TitleRecord, UnitAssignment

TRANSFER_ACTION = "shuxiang.staff.transfer"
EDUCATION_ACTION = "shuxiang.staff.education"
STATUS_ACTION = "shuxiang.staff.status"
GONE = (Staff.Status.LEFT, Staff.Status.RETIRED)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PostChange:
    staff: Staff
    category: str
    grade: int
    start: dt.date


@dataclass(frozen=True)
class TitleChange:
    staff: Staff
    title: str
    level: int
    obtained: dt.date


def record_post_changes(changes: list[PostChange], *, basis: str = "") -> None:
    """Close each staff member's open appointment the day before their new post starts and
    open the new one; one that opened on or after that day is corrected instead, so a
    same-day correction leaves no one-day post behind.

    Sets the current post on the staff objects; saving the staff rows is the caller's.
    """
    if not changes:
        return
    open_by_staff: dict[int, list[PostAppointment]] = defaultdict(list)
    for appointment in PostAppointment.objects.filter(
        staff__in=[c.staff.pk for c in changes], end__isnull=True
    ).order_by("start", "pk"):
        open_by_staff[appointment.staff_id].append(appointment)
    closed, corrected, opened = [], [], []
    for change in changes:
        later = [a for a in open_by_staff[change.staff.pk] if a.start >= change.start]
        for appointment in open_by_staff[change.staff.pk]:
            if appointment.start < change.start:
                appointment.end = change.start - dt.timedelta(days=1)
                closed.append(appointment)
        if later:
            current = later.pop()
            current.category, current.grade = change.category, change.grade
            corrected.append(current)
            for stale in later:  # several open posts at once: only the latest stays open
                stale.end = stale.start
                closed.append(stale)
        else:
            opened.append(
                PostAppointment(
                    staff=change.staff,
                    category=change.category,
                    grade=change.grade,
                    start=change.start,
                    basis=basis,
                )
            )
        change.staff.post_category, change.staff.post_grade = change.category, change.grade
    # One statement per batch (a 20,000-row bulk_update is one CASE PostgreSQL crawls through).
    update_fields(PostAppointment, closed, fields=["end"])
    update_fields(PostAppointment, corrected, fields=["category", "grade"])
    PostAppointment.objects.bulk_create(opened)


def record_title_changes(changes: list[TitleChange], *, basis: str = "") -> None:
    """Add a title record for each change and set the current title on the staff objects;
    saving the staff rows is the caller's."""
    TitleRecord.objects.bulk_create(
        TitleRecord(staff=c.staff, title=c.title, level=c.level, obtained=c.obtained, basis=basis)
        for c in changes
    )
    for change in changes:
        change.staff.title, change.staff.title_level = change.title, change.level


def refresh_current(staff_ids) -> None:
    """Set the staff rows' current values from their histories (after an edit in the
    admin): the open appointment that started last, the title obtained last, the open
    unit assignment that started last and the education obtained last. A person without
    a unit or education history keeps the values on their row."""
    post = PostAppointment.objects.filter(staff=OuterRef("pk"), end__isnull=True).order_by(
        "-start", "-pk"
    )
    title = TitleRecord.objects.filter(staff=OuterRef("pk")).order_by("-obtained", "-pk")
    unit = UnitAssignment.objects.filter(staff=OuterRef("pk"), end__isnull=True).order_by(
        F("start").desc(nulls_last=True), "-pk"
    )
    education = EducationRecord.objects.filter(staff=OuterRef("pk")).order_by(
        F("obtained").desc(nulls_last=True), F("level").desc(nulls_last=True), "-pk"
    )
    rows = Staff.objects.filter(pk__in=list(staff_ids)).annotate(
        p_category=Subquery(post.values("category")[:1]),
        p_grade=Subquery(post.values("grade")[:1]),
        t_title=Subquery(title.values("title")[:1]),
        t_level=Subquery(title.values("level")[:1]),
        u_unit=Subquery(unit.values("unit")[:1]),
        e_pk=Subquery(education.values("pk")[:1]),
        e_level=Subquery(education.values("level")[:1]),
        e_degree=Subquery(education.values("degree")[:1]),
        e_major=Subquery(education.values("major")[:1]),
        e_discipline=Subquery(education.values("discipline")[:1]),
    )
    fields = [
        "post_category",
        "post_grade",
        "title",
        "title_level",
        "unit",
        "education",
        "degree",
        "major",
        "discipline",
    ]
    changed = []
    for staff in rows:
        before = snapshot(staff, fields)
        staff.post_category, staff.post_grade = staff.p_category or "", staff.p_grade
        staff.title, staff.title_level = staff.t_title or "", staff.t_level
        if staff.u_unit is not None:
            staff.unit_id = staff.u_unit
        if staff.e_pk is not None:
            staff.education, staff.degree = staff.e_level, staff.e_degree
            staff.major, staff.discipline = staff.e_major, staff.e_discipline
        changed.append((staff, before))
    # Only the columns each row changed, one statement per batch (reporting.bulk).
    update_changed(Staff, changed, fields=fields)


@transaction.atomic
def close_other_assignments(assignment: UnitAssignment) -> None:
    """A new open unit assignment ends the ones still open before it (the day before);
    one without a start ends where the new one begins."""
    if assignment.end is not None or assignment.start is None:
        return
    others = UnitAssignment.objects.filter(staff_id=assignment.staff_id, end__isnull=True)
    others = others.exclude(pk=assignment.pk)
    others.filter(start__lt=assignment.start).update(end=assignment.start - DAY)
    others.filter(start__isnull=True).update(end=assignment.start - DAY)


@transaction.atomic
def close_other_appointments(appointment: PostAppointment) -> None:
    """A new open appointment ends the ones still open before it (the day before)."""
    if appointment.end is not None:
        return
    PostAppointment.objects.filter(
        staff_id=appointment.staff_id, end__isnull=True, start__lt=appointment.start
    ).exclude(pk=appointment.pk).update(end=appointment.start - dt.timedelta(days=1))


# -- unit and education histories, status -------------------------------------------------


@dataclass(frozen=True)
class UnitChange:
    """``staff`` moves to ``unit`` on ``start``; ``previous_unit_id`` is the unit they
    leave (used to start the history of someone who has none yet)."""

    staff: Staff
    unit: OrgUnit
    start: dt.date
    previous_unit_id: int | None = None


@dataclass(frozen=True)
class EducationChange:
    """``staff`` holds this education from ``obtained`` (None: date unknown);
    ``previous`` is (level, degree, major, discipline) before, to start a history."""

    staff: Staff
    level: int | None
    degree: str
    major: str
    discipline: str
    obtained: dt.date | None
    previous: tuple | None = None


@dataclass(frozen=True)
class StatusChange:
    staff: Staff
    status: str
    date: dt.date | None


def _initial_start(staff: Staff, before: dt.date) -> dt.date | None:
    """The start of someone's first assignment: the hire date when it lies before
    ``before``, else unknown."""
    hired = staff.hire_date
    return hired if hired and hired <= before else None


def start_histories(
    staff: list[Staff], *, basis: str = "", units_from: set[int] = frozenset(), education_from=None
) -> None:
    """New staff: an open assignment in their unit from the hire date and, when an
    education is recorded, an education record of unknown date (the rule of migration
    0007, applied to people added later). Those in ``units_from`` already have a unit
    history and those in ``education_from`` an education history: theirs is left alone."""
    education_from = units_from if education_from is None else education_from
    UnitAssignment.objects.bulk_create(
        UnitAssignment(staff=s, unit_id=s.unit_id, start=s.hire_date, basis=basis)
        for s in staff
        if s.pk not in units_from
    )
    EducationRecord.objects.bulk_create(
        EducationRecord(
            staff=s,
            level=s.education,
            degree=s.degree,
            major=s.major,
            discipline=s.discipline,
            obtained=None,
            basis=basis,
        )
        for s in staff
        if s.pk not in education_from and (s.education or s.degree or s.major)
    )


def ensure_histories(staff: list[Staff], *, basis: str = "") -> None:
    """Start the unit and education histories of those among ``staff`` who have none yet
    (created before the histories, or outside the services), from their current values —
    so that a first dated row added by hand does not erase what they held before."""
    ids = [s.pk for s in staff]
    start_histories(
        staff,
        basis=basis,
        units_from=set(
            UnitAssignment.objects.filter(staff__in=ids).values_list("staff_id", flat=True)
        ),
        education_from=set(
            EducationRecord.objects.filter(staff__in=ids).values_list("staff_id", flat=True)
        ),
    )


def record_unit_changes(changes: list[UnitChange], *, basis: str = "") -> None:
    """Close each person's open assignment the day before the move and open one in the new
    unit; an open assignment starting on or after that day is corrected instead (a
    same-day correction leaves no one-day stay behind). Someone without a history first
    gets one in ``previous_unit_id`` from their hire date.

    Sets the current unit on the staff objects; saving the staff rows is the caller's.
    """
    if not changes:
        return
    ids = [c.staff.pk for c in changes]
    with_history = set(
        UnitAssignment.objects.filter(staff__in=ids).values_list("staff_id", flat=True)
    )
    open_by_staff: dict[int, list[UnitAssignment]] = defaultdict(list)
    for assignment in UnitAssignment.objects.filter(staff__in=ids, end__isnull=True).order_by(
        F("start").asc(nulls_first=True), "pk"
    ):
        open_by_staff[assignment.staff_id].append(assignment)
    closed, corrected, opened = [], [], []
    for change in changes:
        staff, day_before = change.staff, change.start - DAY
        if staff.pk not in with_history and change.previous_unit_id:
            opened.append(
                UnitAssignment(
                    staff=staff,
                    unit_id=change.previous_unit_id,
                    start=_initial_start(staff, day_before),
                    end=day_before,
                    basis=basis,
                )
            )
        mine = open_by_staff[staff.pk]
        later = [a for a in mine if a.start is not None and a.start >= change.start]
        for assignment in mine:
            if assignment.start is None or assignment.start < change.start:
                assignment.end = day_before
                closed.append(assignment)
        if later:
            current = later.pop()
            current.unit = change.unit
            corrected.append(current)
            for stale in later:  # several open at once: only the latest stays open
                stale.end = stale.start
                closed.append(stale)
        else:
            opened.append(
                UnitAssignment(staff=staff, unit=change.unit, start=change.start, basis=basis)
            )
        staff.unit = change.unit
    update_fields(UnitAssignment, closed, fields=["end"])
    update_fields(UnitAssignment, corrected, fields=["unit"])
    UnitAssignment.objects.bulk_create(opened)


def record_education_changes(changes: list[EducationChange], *, basis: str = "") -> None:
    """Add an education record for each change (one of the same person and date is
    corrected instead); someone without a history first gets a record of their previous
    education, of unknown date. Sets the current education on the staff objects; saving
    the staff rows is the caller's."""
    if not changes:
        return
    ids = [c.staff.pk for c in changes]
    existing: dict[tuple, EducationRecord] = {}
    with_history = set()
    for record in EducationRecord.objects.filter(staff__in=ids).order_by("pk"):
        with_history.add(record.staff_id)
        existing[(record.staff_id, record.obtained)] = record
    corrected, added = [], []
    fields = ("level", "degree", "major", "discipline")
    for change in changes:
        staff = change.staff
        if staff.pk not in with_history and change.previous and any(change.previous):
            added.append(
                EducationRecord(
                    staff=staff, **dict(zip(fields, change.previous, strict=True)), basis=basis
                )
            )
        values = {f: getattr(change, f) for f in fields}
        same_day = existing.get((staff.pk, change.obtained)) if staff.pk in with_history else None
        if same_day is not None:
            for name, value in values.items():
                setattr(same_day, name, value)
            corrected.append(same_day)
        else:
            added.append(
                EducationRecord(staff=staff, obtained=change.obtained, basis=basis, **values)
            )
        staff.education, staff.degree = change.level, change.degree
        staff.major, staff.discipline = change.major, change.discipline
    update_fields(EducationRecord, corrected, fields=fields)
    EducationRecord.objects.bulk_create(added)


def _check_status_change(staff: Staff, status: str, date: dt.date | None) -> None:
    if status not in Staff.Status.values:
        raise ValidationError(
            _("%(staff)s: “%(status)s” is not a status.") % {"staff": staff, "status": status}
        )
    if date is None:
        raise ValidationError(
            _("%(staff)s: give the date of the change of status (past figures use it).")
            % {"staff": staff}
        )
    if staff.hire_date and date < staff.hire_date:
        raise ValidationError(
            _("%(staff)s: the change of status cannot be dated before the hire date %(hired)s.")
            % {"staff": staff, "hired": staff.hire_date.isoformat()}
        )


def record_status_changes(changes: list[StatusChange]) -> None:
    """Set each person's status and the date it took effect, refusing a change without a
    date (it is never taken to be today). Saving the staff rows is the caller's."""
    for change in changes:
        _check_status_change(change.staff, change.status, change.date)
    for change in changes:
        change.staff.status, change.staff.status_date = change.status, change.date


def _locked(staff: Staff) -> Staff:
    return Staff.objects.select_for_update(of=("self",)).select_related("unit").get(pk=staff.pk)


@transaction.atomic
def transfer_staff(
    staff: Staff, *, unit: OrgUnit, date: dt.date, user=None, basis: str = ""
) -> UnitAssignment:
    """Move ``staff`` to ``unit`` from ``date``: the unit history gains the stay, the
    staff row's unit follows, one history entry. Returns the assignment in force."""
    if date is None:
        raise ValidationError(_("%(staff)s: give the date of the transfer.") % {"staff": staff})
    locked = _locked(staff)
    if locked.hire_date and date < locked.hire_date:
        raise ValidationError(
            _("%(staff)s: the transfer cannot be dated before the hire date %(hired)s.")
            % {"staff": locked, "hired": locked.hire_date.isoformat()}
        )
    previous = locked.unit
    if previous == unit:
        raise ValidationError(
            _("%(staff)s already works in %(unit)s.") % {"staff": locked, "unit": unit}
        )
    record_unit_changes([UnitChange(locked, unit, date, previous_unit_id=previous.pk)], basis=basis)
    locked.save(update_fields=["unit"])
    staff.unit = unit
    log(
        instance=locked,
        action=TRANSFER_ACTION,
        user=user,
        data={"from": previous.pk, "to": unit.pk, "date": date.isoformat()},
    )
    return UnitAssignment.objects.filter(staff=locked, end__isnull=True).latest("start", "pk")


@transaction.atomic
def record_earlier_unit(
    staff: Staff, *, unit: OrgUnit, until: dt.date, user=None, basis: str = ""
) -> UnitAssignment:
    """Before their current stay, ``staff`` worked in ``unit`` until ``until`` (a transfer
    that happened before the history was kept): their one stay so far is split — the
    current stay starts the day after, the earlier one runs from where it started (the
    hire date, or unknown). Returns the earlier stay; one history entry."""
    locked = _locked(staff)
    ensure_histories([locked], basis=basis)
    current = (
        UnitAssignment.objects.select_for_update()
        .filter(staff=locked, end__isnull=True)
        .order_by(F("start").desc(nulls_last=True), "-pk")
        .first()
    )
    moved = until + DAY
    if locked.hire_date and until < locked.hire_date:
        raise ValidationError(
            _("%(staff)s: the transfer cannot be dated before the hire date %(hired)s.")
            % {"staff": locked, "hired": locked.hire_date.isoformat()}
        )
    if current.start is not None and current.start > until:
        raise ValidationError(
            _("%(staff)s: the current stay already starts after %(date)s.")
            % {"staff": locked, "date": until.isoformat()}
        )
    if UnitAssignment.objects.filter(staff=locked).exclude(pk=current.pk).exists():
        # Only a history of one stay is split here; a longer one is corrected row by row.
        raise ValidationError(
            _("%(staff)s: the unit history already has earlier stays; correct it there.")
            % {"staff": locked}
        )
    start = current.start
    current.start = moved
    current.save(update_fields=["start"])
    earlier = UnitAssignment.objects.create(
        staff=locked, unit=unit, start=start, end=until, basis=basis
    )
    log(
        instance=locked,
        action=TRANSFER_ACTION,
        user=user,
        data={"from": unit.pk, "to": current.unit_id, "date": moved.isoformat()},
    )
    return earlier


@transaction.atomic
def record_education(
    staff: Staff,
    *,
    level: int | None,
    obtained: dt.date | None,
    degree: str = "",
    major: str = "",
    discipline: str = "",
    user=None,
    basis: str = "",
) -> EducationRecord:
    """``staff`` obtained an education on ``obtained`` (None: the date is unknown, held
    since before the records): the education history gains it, the staff row's current
    education follows, one history entry."""
    locked = _locked(staff)
    previous = (locked.education, locked.degree, locked.major, locked.discipline)
    change = EducationChange(locked, level, degree, major, discipline, obtained, previous)
    record_education_changes([change], basis=basis)
    locked.save(update_fields=["education", "degree", "major", "discipline"])
    staff.education, staff.degree, staff.major, staff.discipline = (
        level,
        degree,
        major,
        discipline,
    )
    log(
        instance=locked,
        action=EDUCATION_ACTION,
        user=user,
        data={"level": level, "obtained": obtained.isoformat() if obtained else None},
    )
    return EducationRecord.objects.filter(staff=locked, obtained=obtained).order_by("-pk").first()


@transaction.atomic
def change_status(staff: Staff, *, status: str, date: dt.date, user=None) -> Staff:
    """Set ``staff``'s status (in post, seconded, left, retired) from ``date``, which is
    required: a leaver's figures end on it and it is never taken to be today. One history
    entry. Returns the staff row as saved."""
    locked = _locked(staff)
    before = locked.status
    record_status_changes([StatusChange(locked, status, date)])
    locked.save(update_fields=["status", "status_date"])
    staff.status, staff.status_date = locked.status, locked.status_date
    log(
        instance=locked,
        action=STATUS_ACTION,
        user=user,
        data={"from": before, "to": status, "date": date.isoformat()},
    )
    return locked


# -- Attendance of a training program (HR's screens) -------------------------------------

ATTENDANCE_ACTION = "shuxiang.training.attendance"


@transaction.atomic
def mark_attendance(program, *, staff_ids, attended: bool, user) -> int:
    """Mark the enrolments of ``staff_ids`` in ``program`` as attended (or not) in one
    statement, with one history entry on the program; returns how many changed.

    Attended enrolments earn their own credited hours, else the program's (the hours field
    is left alone). Someone not enrolled in the program is refused by name of the program,
    and nothing changes.
    """
    # Imported here so that this block, appended for HR's screens, merges cleanly with
    # the rest of the module.
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _
    from wagtail.log_actions import log

    from .models import Enrolment

    wanted = {int(pk) for pk in staff_ids}
    if not wanted:
        raise ValidationError(_("Choose at least one attendee."))
    enrolments = Enrolment.objects.select_for_update().filter(program=program, staff_id__in=wanted)
    found = dict(enrolments.values_list("staff_id", "attended"))
    if missing := wanted - set(found):
        raise ValidationError(
            _("%(count)s of the people chosen are not enrolled in “%(program)s”.")
            % {"count": len(missing), "program": program.name}
        )
    changed = sorted(pk for pk, was in found.items() if was != attended)
    if changed:
        Enrolment.objects.filter(program=program, staff_id__in=changed).update(attended=attended)
    log(
        instance=program,
        action=ATTENDANCE_ACTION,
        user=user,
        data={"attended": attended, "staff": changed, "count": len(changed)},
    )
    return len(changed)
