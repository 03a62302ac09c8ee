"""Admin views of the workforce structure and the unit roster PDF (prepared in the
background when it is long)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import granted_units, may
from governance.models import OrgUnit
from governance.people import person_name
from governance.views.documents import offer_document
from reporting.responses import pdf_response

from ..documents import ROSTER_DOCUMENT, roster_pdf
from ..forms import StructureForm
from ..models import StructureTarget
from ..selectors.structure import (
    may_see_structure,
    roster_staff,
    structure_for,
    structure_units,
    units_by_library,
    visible_staff,
)


def structure_view(request):
    if not may_see_structure(request.user):
        raise PermissionDenied
    form = StructureForm(request.GET or None, user=request.user)
    unit, as_of = form.choice()
    structure = structure_for(request.user, as_of=as_of, unit=unit)
    if unit is not None:
        roster_units = [unit]
    elif form.scoped:
        roster_units = list(granted_units(request.user).order_by("path"))
    else:
        roster_units = list(OrgUnit.get_root_nodes())
    if unit is not None:
        scope_label = str(unit)
    else:
        scope_label = _("All my units") if form.scoped else _("Whole system")
    context = {
        "form": form,
        "structure": structure,
        "libraries": units_by_library(structure),
        "scope_label": scope_label,
        "roster_units": roster_units,
        "can_edit_targets": may(request.user, StructureTarget, "add"),
    }
    return TemplateResponse(request, "staffing/structure.html", context)


def roster_pdf_view(request, unit_pk: int):
    """HR, or a head whose units include ``unit_pk``; a unit out of reach does not exist."""
    unit = get_object_or_404(structure_units(request.user), pk=unit_pk)
    staff = visible_staff(request.user)
    title = _("Staff roster %(unit)s %(date)s") % {
        "unit": unit,
        "date": timezone.localdate().isoformat(),
    }
    return offer_document(
        request,
        ROSTER_DOCUMENT,
        rows=roster_staff(staff, unit).count(),
        params={"unit": unit.pk},
        title=title,
        filename=f"{title}.pdf",
        render=lambda: pdf_response(
            roster_pdf(unit, staff, prepared_by=person_name(request.user)), title
        ),
    )


def roster_document(user, params: dict, progress) -> bytes:
    """The roster as a background document (``governance.services.documents``), made in
    the worker for ``user`` with the units and staff they may see now."""
    unit = structure_units(user).get(pk=params["unit"])
    return roster_pdf(unit, visible_staff(user), prepared_by=person_name(user), progress=progress)
