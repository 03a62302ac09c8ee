"""Admin screens for the staff sheet: HR uploads it (all-or-nothing, every bad cell
listed); whoever sees staff downloads those they see in the same format, ID numbers and
birth dates only for HR."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from wagtail.admin import messages

from governance.access import may_everywhere, require, visible
from governance.params import pks
from governance.views.documents import offer_document
from reporting.forms import SpreadsheetUploadForm
from reporting.imports import ImportFailed
from reporting.responses import xlsx_response

from ..documents import STAFF_SHEET_DOCUMENT, export_staff
from ..importers.staff import import_staff
from ..models import Staff
from ..viewsets import sees_personal

# The staff listing's filters (same parameter names), so a link from a filtered listing
# downloads what it shows; ids for the integer fields, codes for the others.
FILTERS = {
    "unit": True,
    "title_level": True,
    "education": True,
    "status": False,
    "employment_type": False,
    "post_category": False,
}


def can_import(user) -> bool:
    """Creating and changing any staff record: HR's global role (or a superuser)."""
    return may_everywhere(user, Staff, "add")


def staff_import(request):
    """Upload the staff sheet; every bad cell is listed and nothing saved."""
    require(request.user, Staff, "add", everywhere=True)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_staff(form.cleaned_data["file"].read(), user=request.user)
        except ImportFailed as error:
            errors = error.errors
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
        else:
            messages.success(request, str(result))
            return redirect("staffing_staff:index")
    return TemplateResponse(
        request,
        "staffing/import.html",
        {
            "form": form,
            "errors": errors,
            "export_url": reverse("staffing_export"),
            "personal": sees_personal(request.user),
        },
    )


def _filtered(queryset, params):
    for name, integer in FILTERS.items():
        values = params.getlist(name)
        values = pks(values) if integer else [v[:50] for v in values if v]
        if values:
            queryset = queryset.filter(**{f"{name}__in": values})
    if query := params.get("q", "").strip():
        queryset = queryset.filter(Q(name__icontains=query) | Q(staff_number__icontains=query))
    return queryset


def staff_export(request):
    """The staff the user may see (narrowed by the listing's filters) as the staff sheet."""
    require(request.user, Staff, "view")
    queryset = _filtered(visible(request.user, Staff), request.GET)
    title = _("Staff sheet %(date)s") % {"date": timezone.localdate().isoformat()}
    return offer_document(
        request,
        STAFF_SHEET_DOCUMENT,
        rows=queryset.count(),
        params={"filters": dict(request.GET.lists())},
        title=title,
        filename=f"{title}.xlsx",
        render=lambda: xlsx_response(
            export_staff(queryset, personal=sees_personal(request.user)), title
        ),
    )


def staff_sheet_document(user, params: dict, progress) -> bytes:
    """The staff sheet as a background document, made in the worker for ``user`` with
    the staff (and the personal columns) they may see now."""
    require(user, Staff, "view")
    queryset = _filtered(visible(user, Staff), MultiValueDict(params.get("filters", {})))
    return export_staff(queryset, personal=sees_personal(user))
