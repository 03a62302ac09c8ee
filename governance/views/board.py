"""The board's buttons: record who attended a meeting, add a paper, publish a resolution,
put a plan adjustment in force with a resolution; and a plan evaluation's PDF.
Each goes through the access API and runs its service with ``run_action``."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from governance.access import get_for_action_or_404
from reporting.responses import pdf_response

from .. import documents
from ..forms import AttendanceForm, BoardPaperForm
from ..models import BoardMeeting, PlanAdjustment, PlanEvaluation, Resolution, Trustee
from ..services import board as services
from ..services.revisions import apply_adjustment
from .actions import run_action


def _errors(form) -> str:
    return " ".join(m for e in form.errors.values() for m in e)


@require_POST
def meeting_attendance(request, pk: int):
    meeting = get_for_action_or_404(request.user, BoardMeeting, "change", pk=pk)
    form = AttendanceForm(request.POST, trustees=Trustee.objects.serving(meeting.date))
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        present = form.cleaned_data["present"]
        run_action(
            request,
            lambda: services.record_attendance(meeting, present, user=request.user),
            _("The meeting is recorded as held: %(count)s trustees present.")
            % {"count": len(present)},
        )
    return redirect("governance_boardmeeting:inspect", meeting.pk)


@require_POST
def meeting_paper(request, pk: int):
    meeting = get_for_action_or_404(request.user, BoardMeeting, "view", pk=pk)
    form = BoardPaperForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        data = form.cleaned_data
        run_action(
            request,
            lambda: services.attach_paper(
                meeting, data["file"], title=data["title"], user=request.user
            ),
            _("Paper added."),
        )
    return redirect("governance_boardmeeting:inspect", meeting.pk)


@require_POST
def resolution_publish(request, pk: int):
    resolution = get_for_action_or_404(request.user, Resolution, "change", pk=pk)
    run_action(
        request,
        lambda: services.publish_resolution(resolution, user=request.user),
        _("Published: the public may read it now."),
    )
    return redirect("governance_resolution:inspect", resolution.pk)


@require_POST
def adjustment_apply(request, pk: int):
    """Put a plan adjustment in force with the board's resolution (the planning office)."""
    adjustment = get_for_action_or_404(request.user, PlanAdjustment, "change", pk=pk)
    chosen = request.POST.get("resolution", "")
    resolution = get_for_action_or_404(
        request.user, Resolution, "view", pk=int(chosen) if chosen.isdigit() else 0
    )
    run_action(
        request,
        lambda: apply_adjustment(adjustment, resolution, user=request.user),
        _("The adjustment is in force: the plan changed and its new version is kept."),
    )
    return redirect("governance_planadjustment:inspect", adjustment.pk)


def evaluation_pdf(request, pk: int):
    """A plan evaluation on paper, from the figures it stored."""
    evaluation = get_for_action_or_404(request.user, PlanEvaluation, "view", pk=pk)
    return pdf_response(documents.evaluation_pdf(evaluation), evaluation.title)
