"""Admin screens for who may act where: the access listing and one user's access."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from governance.access import SCOPE_PERMISSION, get_for_action_or_404, is_unit_scoped, require
from governance.forms import UserAccessForm
from governance.models import OrgUnit, OrgUnitUserObjectPermission, Role
from governance.services.org import set_user_access
from reporting.exports import SafeSpreadsheetExportMixin


def _require_user_admin(request):
    require(request.user, get_user_model(), "change", everywhere=True)


def _scope_prefetch():
    return Prefetch(
        "orgunituserobjectpermission_set",
        queryset=OrgUnitUserObjectPermission.objects.filter(permission__codename=SCOPE_PERMISSION)
        .select_related("content_object")
        .order_by("content_object__path"),
        to_attr="scopes",
    )


def access_index(request):
    """Every user with their roles and units; search and filter by role."""
    _require_user_admin(request)
    User = get_user_model()  # noqa: N806
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("groups", queryset=Group.objects.select_related("role").order_by("name")),
        _scope_prefetch(),
    )
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    role_key = request.GET.get("role", "")
    if role_key:
        users = users.filter(groups__role__key=role_key)
    return TemplateResponse(
        request,
        "governance/access_index.html",
        {
            "users": users,
            "roles": Role.objects.select_related("group"),
            "query": query,
            "role_key": role_key,
        },
    )


def access_edit(request, user_id):
    """Grant one user their roles and the units they act for."""
    _require_user_admin(request)
    User = get_user_model()  # noqa: N806
    subject = get_for_action_or_404(request.user, User, "change", pk=user_id)
    current_units = OrgUnit.objects.filter(
        orgunituserobjectpermission__user=subject,
        orgunituserobjectpermission__permission__codename=SCOPE_PERMISSION,
    )
    if request.method == "POST":
        form = UserAccessForm(request.POST)
        if form.is_valid():
            set_user_access(
                subject,
                groups=list(form.cleaned_data["groups"]),
                units=list(form.cleaned_data["units"]),
                by=request.user,
            )
            messages.success(
                request, _("Access of %(user)s saved.") % {"user": subject.get_username()}
            )
            return redirect("governance_access:index")
        messages.error(request, _("The access could not be saved: see the errors below."))
    else:
        form = UserAccessForm(initial={"groups": subject.groups.all(), "units": current_units})
    return TemplateResponse(
        request, "governance/access_edit.html", {"form": form, "subject": subject}
    )


def sees_whole_history(user) -> bool:
    """Wagtail's site history lists a model's log entries to anyone holding a permission
    on that model, whatever the scope: only superusers and roles without a unit scope may
    read it, so a department head never sees entries about other units' rows."""
    return not is_unit_scoped(user)


class SafeLogEntriesView(SafeSpreadsheetExportMixin, LogEntriesView):
    """Wagtail's site history with formula-safe CSV and xlsx exports."""


@require_admin_access
def site_history(request, results_only=False):
    if not sees_whole_history(request.user):
        raise PermissionDenied
    return SafeLogEntriesView.as_view(results_only=results_only)(request)
