"""Admin registration: the org-unit policy and viewset, the access screens, the dashboard panel."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from .access import SELF, ScopedPermissionPolicy
from .models import OrgUnit

# Policies first: a viewset that registers before its policy would get Wagtail's fallback.
register_permission_policy(OrgUnit, ScopedPermissionPolicy(OrgUnit, unit_field=SELF))

from . import panels, views  # noqa: E402
from .viewsets import OrgUnitViewSet  # noqa: E402


@hooks.register("register_admin_viewset")
def register_org_units():
    return OrgUnitViewSet("governance_orgunit", url_prefix="org-units")


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action("shuxiang.unit.rename")
    class RenameUnit(LogFormatter):
        label = _("Rename unit")

        def format_message(self, log_entry):
            return _("Renamed from “%(old)s” to “%(new)s”") % log_entry.data

    @actions.register_action("shuxiang.unit.move")
    class MoveUnit(LogFormatter):
        label = _("Move unit")

        def format_message(self, log_entry):
            return _("Moved from under “%(old)s” to under “%(new)s”") % log_entry.data

    actions.register_action("shuxiang.access.set", _("Set access"), _("Roles and units set"))
    actions.register_action("shuxiang.plan.import", _("Import plan"), _("Imported from a document"))
    actions.register_action("shuxiang.report.submit", _("Submit report"), _("Report submitted"))
    actions.register_action("shuxiang.report.accept", _("Accept report"), _("Report accepted"))
    actions.register_action("shuxiang.report.return", _("Return report"), _("Report returned"))
    actions.register_action("shuxiang.period.close", _("Close period"), _("Period closed"))
    actions.register_action(
        "shuxiang.plan.assign", _("Assign items"), _("Items assigned from a spreadsheet")
    )

    @actions.register_action("shuxiang.indicator.actual")
    class RecordActual(LogFormatter):
        label = _("Record actual")

        def format_message(self, log_entry):
            return _("Actual for %(year)s set to %(value)s (%(source)s)") % log_entry.data
    actions.register_action(
        "shuxiang.access.grant_scope", _("Grant unit"), _("Allowed to act for a unit")
    )


@hooks.register("register_admin_urls")
def register_access_urls():
    urls = [
        path("", views.access_index, name="index"),
        path("<int:user_id>/", views.access_edit, name="edit"),
    ]
    return [path("access/", include((urls, "governance_access"), namespace="governance_access"))]


class AccessMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("auth.change_user")


@hooks.register("register_settings_menu_item")
def register_access_menu_item():
    return AccessMenuItem(
        _("Access: roles and units"),
        reverse("governance_access:index"),
        icon_name="key",
        order=650,
    )


@hooks.register("construct_homepage_panels")
def add_my_access_panel(request, panels_list):
    panels_list.insert(0, panels.MyAccessPanel(request.user))
