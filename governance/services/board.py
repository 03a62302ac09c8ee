"""Writes of the board's secretary: who attended a meeting, its papers, a resolution recorded
and published. Each checks the access API and is atomic; each leaves one history entry but
a paper, which keeps who uploaded it and when on its own row."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import require

from ..models import BoardMeeting, BoardPaper, Resolution, Trustee

ATTENDANCE_ACTION = "shuxiang.board.attendance"
RESOLUTION_ACTION = "shuxiang.board.resolution"
PUBLISH_ACTION = "shuxiang.board.publish"


@transaction.atomic
def record_attendance(meeting: BoardMeeting, present, *, user) -> BoardMeeting:
    """The meeting is held with ``present`` (trustees serving that day): the counts behind
    its quorum are kept as they were, and the meeting is locked."""
    require(user, BoardMeeting, "change", everywhere=True)
    meeting = BoardMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == BoardMeeting.State.HELD:
        raise ValidationError(_("The attendance of this meeting is already recorded."))
    serving = Trustee.objects.serving(meeting.date)
    present = list(present)
    serving_ids = set(serving.values_list("pk", flat=True))
    strangers = [t for t in present if t.pk not in serving_ids]
    if strangers:
        raise ValidationError(
            _("%(names)s did not serve on the board on the day of the meeting.")
            % {"names": "、".join(t.name for t in strangers)}
        )
    meeting.attendees.set(present)
    meeting.serving, meeting.present = len(serving_ids), len(present)
    meeting.state = BoardMeeting.State.HELD
    meeting.save(update_fields=["serving", "present", "state"])
    log(
        instance=meeting,
        action=ATTENDANCE_ACTION,
        user=user,
        data={"present": meeting.present, "serving": meeting.serving},
    )
    return meeting


@transaction.atomic
def attach_paper(meeting: BoardMeeting, upload, *, title: str, user) -> BoardPaper:
    """Keep ``upload`` (checked by the form: type, size, content) as a paper of the
    meeting, in private storage."""
    require(user, BoardPaper, "add", everywhere=True)
    name = PurePath(upload.name).name[:255]
    return BoardPaper.objects.create(
        meeting=meeting,
        title=title.strip() or name,
        file=upload,
        name=name,
        size=upload.size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        uploaded_by=user,
    )


@transaction.atomic
def record_resolution(resolution: Resolution, *, user) -> Resolution:
    """Check (``Resolution.clean``) and keep what the board decided, with its votes."""
    require(user, Resolution, "add", everywhere=True)
    if resolution.meeting_id:  # as it stands now (its attendance is locked once recorded)
        resolution.meeting = BoardMeeting.objects.get(pk=resolution.meeting_id)
    resolution.recorded_by = user
    resolution.full_clean()
    resolution.save()
    log(
        instance=resolution,
        action=RESOLUTION_ACTION,
        user=user,
        data={"outcome": resolution.outcome, "for": resolution.votes_for},
    )
    return resolution


@transaction.atomic
def publish_resolution(resolution: Resolution, *, user) -> Resolution:
    """Make an adopted resolution public (the website lists it from then on)."""
    require(user, Resolution, "change", everywhere=True)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if not resolution.adopted:
        raise ValidationError(_("Only an adopted resolution is published."))
    if resolution.published_on is None:
        resolution.published_on = timezone.localdate()
        resolution.save(update_fields=["published_on", "outcome"])
        log(instance=resolution, action=PUBLISH_ACTION, user=user)
    return resolution
