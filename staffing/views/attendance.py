"""A training program's attendees: HR ticks who attended, in one POST, through
`staffing.services.mark_attendance`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from governance.access import get_for_action_or_404, visible
from governance.params import pks

from ..models import Enrolment, TrainingProgram
from ..services import mark_attendance


def attendees(user, program: TrainingProgram, actions=("view",)) -> QuerySet[Enrolment]:
    """The program's enrolments the user may see (or act on), with the people and units
    the list shows: one query however many attend."""
    return visible(
        user,
        Enrolment.objects.filter(program=program)
        .select_related("staff", "staff__unit")
        .order_by("staff__unit__path", "staff__staff_number"),
        actions,
    )


@require_POST
def program_attendance(request, pk: int):
    """Mark the ticked attendees as attended (``attended=1``) or not (``attended=0``)."""
    program = get_for_action_or_404(request.user, TrainingProgram, "view", pk=pk)
    chosen = set(pks(request.POST.getlist("staff")))
    allowed = set(attendees(request.user, program, ("change",)).values_list("staff_id", flat=True))
    if not allowed or not chosen <= allowed:
        raise Http404  # someone the user may not mark: nothing is said about them
    attended = request.POST.get("attended") == "1"
    try:
        mark_attendance(program, staff_ids=chosen, attended=attended, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = (
            _("%(count)s marked as attended.") if attended else _("%(count)s marked as absent.")
        )
        # Everyone ticked is now marked so, including those who already were.
        messages.success(request, message % {"count": len(chosen)})
    return redirect("staffing_trainingprogram:inspect", pk=program.pk)
