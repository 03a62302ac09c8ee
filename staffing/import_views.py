"""Admin screens for the staff sheet: HR uploads it (all-or-nothing, every bad cell
listed); whoever sees staff downloads those they see in the same format, ID numbers and
birth dates only for HR."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import policy_registry

from governance.plan_forms import SpreadsheetUploadForm

from .models import Staff
from .services import IMPORT_ACTION, StaffImportError, export_staff, import_staff
from .viewsets import sees_personal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The staff listing's filters (same parameter names), so a link from a filtered listing
# downloads what it shows; ids and numbers for the integer fields, codes for the others.
FILTERS = {
    "unit": True,
    "title_level": True,
    "education": True,
    "status": False,
    "employment_type": False,
    "post_category": False,
}


def _policy():
    return policy_registry.get_by_type(Staff)


def can_import(user) -> bool:
    """Creating and changing any staff record: HR's global role (or a superuser)."""
    return _policy().user_has_global_permission(user, "add")


def staff_import(request):
    """Upload the staff sheet; every bad cell is listed and nothing saved."""
    if not can_import(request.user):
        raise PermissionDenied
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_staff(form.cleaned_data["file"].read(), user=request.user)
        except StaffImportError as error:
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
        values = [v for v in params.getlist(name) if v and (v.isdigit() or not integer)]
        if values:
            queryset = queryset.filter(**{f"{name}__in": values})
    if query := params.get("q", "").strip():
        queryset = queryset.filter(Q(name__icontains=query) | Q(staff_number__icontains=query))
    return queryset


def staff_export(request):
    """The staff the user may see (narrowed by the listing's filters) as the staff sheet."""
    policy = _policy()
    if not policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    queryset = policy.filter_queryset(request.user, Staff.objects.all(), ["view"])
    data = export_staff(_filtered(queryset, request.GET), personal=sees_personal(request.user))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="staff.xlsx"'
    return response


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("staffing/import/", staff_import, name="staffing_import"),
        path("staffing/export.xlsx", staff_export, name="staffing_export"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Import staff"), reverse("staffing_import"), icon_name="upload", order=151
    )


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    @actions.register_action(IMPORT_ACTION)
    class StaffImported(LogFormatter):
        label = gettext_lazy("Import from the staff sheet")

        def format_message(self, log_entry):
            if log_entry.data.get("created"):
                return _("Added from the staff sheet")
            return _("Updated from the staff sheet")
