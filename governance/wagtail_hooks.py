"""Every registration of governance: access policies (first), viewsets, admin URLs,
menus, home-page panels, log actions and indicator providers."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from .access import SELF, ScopedPermissionPolicy, may, may_everywhere, visible
from .fields import register_form_fields
from .indicators import register_provider
from .models import (
    AnnualTarget,
    BoardMeeting,
    BoardPaper,
    Contribution,
    ContributionEvidence,
    DocumentJob,
    Evidence,
    Indicator,
    IndicatorYear,
    OrgUnit,
    Period,
    Plan,
    PlanAdjustment,
    PlanEvaluation,
    PlanItem,
    PlanVersion,
    ProgressReport,
    Resolution,
    Trustee,
    WorkdayOverride,
)

# Unit pickers grouped by library and people by name, in every admin model form.
register_form_fields()

# Wagtail's own release notes and editor guide (English, about its page editor) are not
# for library staff: out of the help menu (the home-page banner is off in settings).
WAGTAIL_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def hide_wagtail_help(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]


# Policies first: a viewset that registers before its policy would get Wagtail's fallback.
# A head edits the units under their own unit, not the unit that defines their scope.
register_permission_policy(
    OrgUnit, ScopedPermissionPolicy(OrgUnit, unit_field=SELF, below_granted=("change", "delete"))
)
# Users are managed by the roles that act everywhere (administrators).
register_permission_policy(
    get_user_model(), ScopedPermissionPolicy(get_user_model(), unit_field=None, owner_grants=False)
)
# The plan: items belong to their lead unit (partners may view them); reports and targets
# to their item's lead unit; contributions to the partner unit; the rest is global.
# Accepted reports and everything of a closed period are locked.
# A task's responsible person sees it, its reports and their evidence (self_field) and
# reports on it through the owner grant ``report_planitem`` (services.plan.grant_reporting).
CLOSED = Q(period__closed_at__isnull=False)
register_permission_policy(
    PlanItem,
    ScopedPermissionPolicy(
        PlanItem,
        unit_field="lead_unit",
        view_unit_fields=("partner_units",),
        self_field="responsible",
    ),
)
register_permission_policy(
    ProgressReport,
    ScopedPermissionPolicy(
        ProgressReport,
        unit_field="item__lead_unit",
        self_field="item__responsible",
        locked_when=Q(status=ProgressReport.Status.ACCEPTED) | CLOSED,
    ),
)
# Evidence files go with their report: whoever may see the item's reports; locked with it.
register_permission_policy(
    Evidence,
    ScopedPermissionPolicy(
        Evidence,
        unit_field="report__item__lead_unit",
        self_field="report__item__responsible",
        locked_when=Q(report__status=ProgressReport.Status.ACCEPTED)
        | Q(report__period__closed_at__isnull=False),
    ),
)
# A partner's evidence goes with its contribution (same permissions); the lead unit sees it.
register_permission_policy(
    ContributionEvidence,
    ScopedPermissionPolicy(
        ContributionEvidence,
        unit_field="contribution__unit",
        view_unit_fields=("contribution__item__lead_unit",),
        self_field="contribution__item__responsible",
        codenames={a: f"{a}_contribution" for a in ("add", "change", "delete", "view")},
        locked_when=Q(contribution__period__closed_at__isnull=False),
    ),
)
# A partner's contribution is read by the item's lead unit and responsible person.
register_permission_policy(
    Contribution,
    ScopedPermissionPolicy(
        Contribution,
        unit_field="unit",
        view_unit_fields=("item__lead_unit",),
        self_field="item__responsible",
        locked_when=CLOSED,
    ),
)
register_permission_policy(
    Period,
    ScopedPermissionPolicy(Period, unit_field=None, locked_when=Q(closed_at__isnull=False)),
)
for _model, _unit_field in (
    (AnnualTarget, "item__lead_unit"),
    (Plan, None),
    (Indicator, None),
    (IndicatorYear, None),
    (WorkdayOverride, None),  # the working-day calendar's corrections
    (PlanVersion, None),
    (PlanEvaluation, None),
):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=_unit_field))
# The board is global: its secretary keeps it, trustees read it (papers included). A held
# meeting is locked (its attendance stands); a resolution is never edited.
register_permission_policy(Trustee, ScopedPermissionPolicy(Trustee, unit_field=None))
register_permission_policy(
    BoardMeeting,
    ScopedPermissionPolicy(
        BoardMeeting, unit_field=None, locked_when=Q(state=BoardMeeting.State.HELD)
    ),
)
register_permission_policy(BoardPaper, ScopedPermissionPolicy(BoardPaper, unit_field=None))
register_permission_policy(Resolution, ScopedPermissionPolicy(Resolution, unit_field=None))
# An adjustment in force is locked: its changes are in the plan and its versions.
register_permission_policy(
    PlanAdjustment,
    ScopedPermissionPolicy(
        PlanAdjustment, unit_field=None, locked_when=Q(state=PlanAdjustment.State.IN_FORCE)
    ),
)
# A document prepared in the background is its requester's alone (no role grants it).
register_permission_policy(
    DocumentJob,
    ScopedPermissionPolicy(
        DocumentJob, unit_field=None, self_field="requested_by", owner_grants=False
    ),
)

from .documents import PROGRESS_DOCUMENT, TRACKING_DOCUMENT  # noqa: E402
from .selectors.plan import plan_progress_at_year_end  # noqa: E402
from .services.board import ATTENDANCE_ACTION, PUBLISH_ACTION, RESOLUTION_ACTION  # noqa: E402
from .services.documents import register_long_document  # noqa: E402
from .services.revisions import APPLY_ACTION, EVALUATE_ACTION  # noqa: E402
from .views import access as access_views  # noqa: E402
from .views import board as board_views  # noqa: E402
from .views import documents as document_views  # noqa: E402
from .views import lockouts as lockout_views  # noqa: E402
from .views import outline as outline_views  # noqa: E402
from .views import panels  # noqa: E402
from .views import plan as plan_views  # noqa: E402
from .views import plan_import as plan_import_views  # noqa: E402
from .viewsets.board import BoardViewSetGroup  # noqa: E402
from .viewsets.calendar import workday_overrides  # noqa: E402
from .viewsets.org import OrgUnitViewSet  # noqa: E402
from .viewsets.plan import PlanViewSetGroup  # noqa: E402

register_provider("governance.plan_progress", _("Plan progress reports"), plan_progress_at_year_end)


@hooks.register("register_admin_viewset")
def register_org_units():
    return OrgUnitViewSet("governance_orgunit", url_prefix="org-units")


@hooks.register("register_admin_viewset")
def register_plan():
    return PlanViewSetGroup()


@hooks.register("register_admin_viewset")
def register_working_day_corrections():
    return workday_overrides


@hooks.register("register_admin_viewset")
def register_board():
    return BoardViewSetGroup()


@hooks.register("register_admin_urls")
def register_board_urls():
    return [
        path("board/meetings/<int:pk>/attendance/", board_views.meeting_attendance,
             name="board_meeting_attendance"),
        path("board/meetings/<int:pk>/papers/", board_views.meeting_paper,
             name="board_meeting_paper"),
        path("board/resolutions/<int:pk>/publish/", board_views.resolution_publish,
             name="board_resolution_publish"),
        path("plan/adjustments/<int:pk>/apply/", board_views.adjustment_apply,
             name="plan_adjustment_apply"),
        path("plan/evaluations/<int:pk>/pdf/", board_views.evaluation_pdf,
             name="plan_evaluation_pdf"),
    ]  # fmt: skip


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

    @actions.register_action("shuxiang.period.remind")
    class RemindPeriod(LogFormatter):
        label = _("Send reminders")

        def format_message(self, log_entry):
            return _("Reminded %(count)s people to report") % {
                "count": log_entry.data.get("count", 0)
            }

    actions.register_action(
        "shuxiang.plan.assign", _("Assign items"), _("Items assigned from a spreadsheet")
    )
    actions.register_action(
        "shuxiang.indicator.import", _("Import indicators"), _("Indicators imported from a table")
    )

    @actions.register_action("shuxiang.indicator.actual")
    class RecordActual(LogFormatter):
        label = _("Record actual")

        def format_message(self, log_entry):
            return _("Actual for %(year)s set to %(value)s (%(source)s)") % log_entry.data

    actions.register_action(
        "shuxiang.access.grant_scope", _("Grant unit"), _("Allowed to act for a unit")
    )
    actions.register_action(
        "shuxiang.login.unlock", _("Unlock sign-in"), _("Sign-in unlocked after failed attempts")
    )
    actions.register_action(ATTENDANCE_ACTION, _("Record attendance"), _("Attendance recorded"))
    actions.register_action(RESOLUTION_ACTION, _("Record resolution"), _("Resolution recorded"))
    actions.register_action(PUBLISH_ACTION, _("Publish resolution"), _("Resolution published"))
    actions.register_action(APPLY_ACTION, _("Adjust the plan"), _("Plan adjustment in force"))
    actions.register_action(EVALUATE_ACTION, _("Evaluate the plan"), _("Plan evaluated"))


@hooks.register("register_admin_urls")
def register_access_urls():
    urls = [
        path("", access_views.access_index, name="index"),
        path("<int:user_id>/", access_views.access_edit, name="edit"),
    ]
    return [path("access/", include((urls, "governance_access"), namespace="governance_access"))]


@hooks.register("register_admin_urls")
def register_plan_urls():
    return [
        path("plan/dashboard/", plan_views.dashboard, name="plan_dashboard"),
        path("plan/import/", plan_import_views.plan_import, name="plan_import"),
        path("plan/review/", plan_views.review_queue, name="plan_review_queue"),
        path("plan/review/accept/", plan_views.accept_selected, name="plan_accept_selected"),
        path(
            "plan/periods/<int:period_pk>/remind/",
            plan_views.RemindPeriodView.as_view(),
            name="plan_remind_period",
        ),
        path(
            "plan/review/<int:report_pk>/",
            plan_views.ReviewReportView.as_view(),
            name="plan_review",
        ),
        path("plan/items/<int:item_pk>/report/", plan_views.report_item, name="plan_report_item"),
        path("plan/items/<int:item_pk>/contribute/", plan_views.contribute, name="plan_contribute"),
        path(
            "plan/periods/<int:period_pk>/close/",
            plan_views.ClosePeriodView.as_view(),
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
    """Shown when the user has ``action`` on ``model`` through the access policy (on every
    row with ``everywhere``: a ledger-wide page such as an import). Every app's menu
    items use it."""

    def __init__(self, *args, model, action, everywhere: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.model, self.action, self.everywhere = model, action, everywhere

    def is_shown(self, request):
        if self.everywhere:
            return may_everywhere(request.user, self.model, self.action)
        return may(request.user, self.model, self.action)


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
        return may_everywhere(request.user, get_user_model(), "change")


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
    if not access_views.sees_whole_history(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


# -- home page and search --------------------------------------------------------------


@hooks.register("construct_homepage_panels")
def add_plan_panels(request, panels_list):
    """Our panels for the user's roles; Wagtail's page panels only for those who edit pages."""
    if not panels.edits_pages(request.user):
        panels_list[:] = [p for p in panels_list if not isinstance(p, panels.PAGE_PANELS)]
    panels_list.extend(panels.panels_for(request.user))


@hooks.register("register_admin_search_area")
def register_plan_item_search_area():
    return panels.PolicySearchArea(
        _("Plan items"),
        reverse("governance_planitem:index"),
        name="plan-items",
        icon_name="tasks",
        order=10,
        model=PlanItem,
    )


# -- sign-in lockouts (django-axes) ---------------------------------------------------------


@hooks.register("register_admin_urls")
def register_lockout_urls():
    urls = [
        path("", lockout_views.LockoutIndexView.as_view(), name="index"),
        path("unlock/", lockout_views.unlock, name="unlock"),
    ]
    return [path("lockouts/", include((urls, "shuxiang_lockouts"), namespace="shuxiang_lockouts"))]


class LockoutMenuItem(MenuItem):
    def is_shown(self, request):
        return lockout_views.may_unlock(request.user)


@hooks.register("register_settings_menu_item")
def register_lockout_menu_item():
    return LockoutMenuItem(
        _("Sign-in lockouts"), reverse("shuxiang_lockouts:index"), icon_name="lock", order=660
    )


# -- the outline editor (views/outline.py, services/outline.py) ----------------------------


@hooks.register("register_admin_urls")
def register_outline_urls():
    return [
        path("plan/<int:plan_pk>/outline/add/", outline_views.outline_add, name="plan_outline_add"),
        path(
            "plan/items/<int:item_pk>/outline/move/",
            outline_views.outline_move,
            name="plan_outline_move",
        ),
        *(
            path(
                f"plan/items/<int:item_pk>/outline/{direction}/",
                outline_views.ReorderItemView.as_view(),
                {"direction": direction},
                name=f"plan_outline_{direction}",
            )
            for direction in ("up", "down")
        ),
        path(
            "plan/items/<int:item_pk>/outline/delete/",
            outline_views.DeleteItemView.as_view(),
            name="plan_outline_delete",
        ),
    ]


@hooks.register("register_log_actions")
def register_outline_log_actions(actions):
    actions.register_action("shuxiang.outline.add", _("Add to outline"), _("Added to the outline"))
    actions.register_action(
        "shuxiang.outline.move", _("Move in outline"), _("Moved in the outline")
    )
    actions.register_action(
        "shuxiang.outline.delete", _("Delete from outline"), _("Deleted from the outline")
    )


# -- 我的文档: long documents prepared in the background (services/documents.py) ---------


register_long_document(TRACKING_DOCUMENT, plan_views.tracking_document)
register_long_document(PROGRESS_DOCUMENT, plan_views.progress_document)


@hooks.register("register_admin_urls")
def register_document_urls():
    return [
        path("documents/", document_views.document_index, name="shuxiang_documents"),
        path("documents/<int:pk>/", document_views.document_detail, name="shuxiang_document"),
        path(
            "documents/<int:pk>/download/",
            document_views.document_download,
            name="shuxiang_document_download",
        ),
    ]


class DocumentsMenuItem(MenuItem):
    """Shown to those who have asked for a long document (one query per page)."""

    def is_shown(self, request):
        return visible(request.user, DocumentJob).filter(requested_by=request.user).exists()


@hooks.register("register_admin_menu_item")
def register_documents_menu_item():
    return DocumentsMenuItem(
        _("My documents"), reverse("shuxiang_documents"), icon_name="doc-full", order=980
    )


@hooks.register("register_log_actions")
def register_document_log_actions(actions):
    actions.register_action(
        "shuxiang.document.request", _("Ask for a document"), _("Document requested")
    )
