"""Admin registration: the org-unit policy and viewset, the access screens, the dashboard panel."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from .access import SELF, ScopedPermissionPolicy
from .models import (
    AnnualTarget,
    Contribution,
    Indicator,
    IndicatorYear,
    OrgUnit,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)

# Policies first: a viewset that registers before its policy would get Wagtail's fallback.
register_permission_policy(OrgUnit, ScopedPermissionPolicy(OrgUnit, unit_field=SELF))
# The plan: items belong to their lead unit (partners may view them); reports and targets
# to their item's lead unit; contributions to the partner unit; the rest is global.
register_permission_policy(
    PlanItem,
    ScopedPermissionPolicy(PlanItem, unit_field="lead_unit", view_unit_fields=("partner_units",)),
)
for _model, _unit_field in (
    (ProgressReport, "item__lead_unit"),
    (AnnualTarget, "item__lead_unit"),
    (Contribution, "unit"),
    (Plan, None),
    (Period, None),
    (Indicator, None),
    (IndicatorYear, None),
):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=_unit_field))

from . import panels, plan_views, views  # noqa: E402
from .plan_viewsets import PlanViewSetGroup  # noqa: E402
from .viewsets import OrgUnitViewSet  # noqa: E402


@hooks.register("register_admin_viewset")
def register_org_units():
    return OrgUnitViewSet("governance_orgunit", url_prefix="org-units")


@hooks.register("register_admin_viewset")
def register_plan():
    return PlanViewSetGroup()


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


@hooks.register("register_admin_urls")
def register_plan_urls():
    return [
        path("plan/dashboard/", plan_views.dashboard, name="plan_dashboard"),
        path("plan/import/", plan_views.plan_import, name="plan_import"),
        path("plan/review/", plan_views.review_queue, name="plan_review_queue"),
        path("plan/review/<int:report_pk>/", plan_views.review, name="plan_review"),
        path("plan/items/<int:item_pk>/report/", plan_views.report_item, name="plan_report_item"),
        path("plan/items/<int:item_pk>/contribute/", plan_views.contribute, name="plan_contribute"),
        path(
            "plan/periods/<int:period_pk>/close/",
            plan_views.close_period_view,
            name="plan_close_period",
        ),
        path(
            "plan/plans/<int:plan_pk>/tracking.xlsx",
            plan_views.tracking_xlsx,
            name="plan_tracking_xlsx",
        ),
        path(
            "plan/plans/<int:plan_pk>/assignment.xlsx",
            plan_views.assignment_xlsx,
            name="plan_assignment_xlsx",
        ),
        path(
            "plan/plans/<int:plan_pk>/assignment/",
            plan_views.assignment_import,
            name="plan_assignment_import",
        ),
        path(
            "plan/plans/<int:plan_pk>/progress.pdf",
            plan_views.progress_pdf,
            name="plan_progress_pdf",
        ),
    ]


class PolicyMenuItem(MenuItem):
    """Shown when the user has ``action`` on ``model`` through the access policy."""

    def __init__(self, *args, model, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.model, self.action = model, action

    def is_shown(self, request):
        from wagtail.permissions import policy_registry

        return policy_registry.get_by_type(self.model).user_has_permission(
            request.user, self.action
        )


@hooks.register("register_admin_menu_item")
def register_plan_dashboard_menu_item():
    return PolicyMenuItem(
        _("Plan dashboard"),
        reverse("plan_dashboard"),
        icon_name="view",
        order=90,
        model=PlanItem,
        action="view",
    )


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return PolicyMenuItem(
        _("Review queue"),
        reverse("plan_review_queue"),
        icon_name="tick-inverse",
        order=95,
        model=ProgressReport,
        action="review",
    )


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


@hooks.register("construct_reports_menu")
def hide_site_history_from_scoped_roles(request, menu_items):
    if not views._sees_whole_history(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("construct_homepage_panels")
def add_my_access_panel(request, panels_list):
    panels_list.insert(0, panels.MyAccessPanel(request.user))
