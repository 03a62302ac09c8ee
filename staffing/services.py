"""Writes to staff records: the post and title histories that follow a change of the
current post or title, and keeping the staff row's current post and title in step with
its histories after an edit in the admin."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery

from .models import PostAppointment, Staff, TitleRecord


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
    PostAppointment.objects.bulk_update(closed, ["end"])
    PostAppointment.objects.bulk_update(corrected, ["category", "grade"])
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
    """Set the staff rows' current post and title from their histories (after an edit in
    the admin): the open appointment that started last, the title obtained last."""
    post = PostAppointment.objects.filter(staff=OuterRef("pk"), end__isnull=True).order_by(
        "-start", "-pk"
    )
    title = TitleRecord.objects.filter(staff=OuterRef("pk")).order_by("-obtained", "-pk")
    rows = Staff.objects.filter(pk__in=list(staff_ids)).annotate(
        p_category=Subquery(post.values("category")[:1]),
        p_grade=Subquery(post.values("grade")[:1]),
        t_title=Subquery(title.values("title")[:1]),
        t_level=Subquery(title.values("level")[:1]),
    )
    changed = []
    for staff in rows:
        staff.post_category, staff.post_grade = staff.p_category or "", staff.p_grade
        staff.title, staff.title_level = staff.t_title or "", staff.t_level
        changed.append(staff)
    Staff.objects.bulk_update(changed, ["post_category", "post_grade", "title", "title_level"])


@transaction.atomic
def close_other_appointments(appointment: PostAppointment) -> None:
    """A new open appointment ends the ones still open before it (the day before)."""
    if appointment.end is not None:
        return
    PostAppointment.objects.filter(
        staff_id=appointment.staff_id, end__isnull=True, start__lt=appointment.start
    ).exclude(pk=appointment.pk).update(end=appointment.start - dt.timedelta(days=1))


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
