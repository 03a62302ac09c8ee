"""Reads of the board: a meeting's page, the home panel, the resolutions made public."""

from __future__ import annotations

from django.db.models import Count

from governance.access import may_everywhere, visible

from ..models import BoardMeeting, BoardPaper, Resolution, Trustee

RECENT = 5


def meeting_page(meeting: BoardMeeting, user) -> dict:
    """What a meeting's page shows ``user`` (who may see the meeting): its papers (to those
    who may read them), who attended or — before it is held — who serves, its resolutions
    and the board's composition that day. Five queries."""
    may_read_papers = may_everywhere(user, BoardPaper, "view")
    held = meeting.state == BoardMeeting.State.HELD
    people = meeting.attendees.all() if held else Trustee.objects.serving(meeting.date)
    return {
        "papers": list(meeting.papers.all()) if may_read_papers else None,
        "may_add_paper": may_everywhere(user, BoardPaper, "add"),
        "may_record": not held and may_everywhere(user, BoardMeeting, "change"),
        "trustees": list(people),  # chair, vice-chairs, then by name
        "resolutions": list(meeting.resolutions.order_by("number")),
        "board": Trustee.objects.composition(meeting.date),
    }


def board_home(user) -> dict:
    """The board on a trustee's or the secretary's home page: the board's composition, the
    meetings to come with their papers, the latest resolutions. Four queries."""
    upcoming = (
        visible(user, BoardMeeting.objects.filter(state=BoardMeeting.State.PLANNED))
        .annotate(paper_count=Count("papers"))
        .order_by("date")[:RECENT]
    )
    latest = visible(user, Resolution.objects.select_related("meeting")).order_by(
        "-meeting__date", "-number"
    )[:RECENT]
    return {
        "board": Trustee.objects.composition(),
        "upcoming": list(upcoming),
        "latest": list(latest),
    }


def published_resolutions():
    """The resolutions the public may read (adopted and published), newest first."""
    return (
        Resolution.objects.filter(published_on__isnull=False, outcome=Resolution.Outcome.ADOPTED)
        .select_related("meeting")
        .order_by("-published_on", "-number")
    )
