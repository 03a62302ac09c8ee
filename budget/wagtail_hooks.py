"""Every registration of budget: access policies (first), the viewsets and their menu,
the action URLs and the log actions."""

from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy, may
from governance.indicators import register_department_measure, register_provider

from .models import (
    BudgetAdjustment,
    BudgetProject,
    Expenditure,
    Monitoring,
    SelfEvaluation,
    TargetTable,
)

# A project belongs to its department: finance and the leadership everywhere, a head in
# their units. Its tables, adjustments and spending follow the project.
register_permission_policy(
    BudgetProject,
    ScopedPermissionPolicy(
        BudgetProject, unit_field="unit", codenames={"board": "view_board_summary"}
    ),
)
# A table under review or approved is locked (the department no longer edits it; a change
# after approval is a new version).
register_permission_policy(
    TargetTable,
    ScopedPermissionPolicy(
        TargetTable,
        unit_field="project__unit",
        locked_when=Q(status__in=["submitted", "approved", "superseded"]),
    ),
)
register_permission_policy(
    BudgetAdjustment, ScopedPermissionPolicy(BudgetAdjustment, unit_field="project__unit")
)
# A line imported from the ledger is the accounting system's: corrected by a line entered
# by hand, never edited.
register_permission_policy(
    Expenditure,
    ScopedPermissionPolicy(Expenditure, unit_field="project__unit", locked_when=Q(origin="ledger")),
)
# A monitoring or a self-evaluation sent to finance is locked (finance reviews it).
for _model, _done in ((SelfEvaluation, "confirmed"), (Monitoring, "reviewed")):
    register_permission_policy(
        _model,
        ScopedPermissionPolicy(
            _model, unit_field="project__unit", locked_when=Q(status__in=["submitted", _done])
        ),
    )

from . import views  # noqa: E402
from .importers import LEDGER_ACTION  # noqa: E402
from .selectors import department_execution, spent_on_linked_projects  # noqa: E402
from .services import (  # noqa: E402
    ADJUST_BUDGET_ACTION,
    ADJUST_TARGETS_ACTION,
    APPROVE_TARGETS_ACTION,
    CONFIRM_EVALUATION_ACTION,
    DRAFT_TARGETS_ACTION,
    EXPLAIN_ACTION,
    RECORD_EVALUATION_ACTION,
    RECORD_MONITORING_ACTION,
    RETURN_TARGETS_ACTION,
    REVIEW_MONITORING_ACTION,
    START_EVALUATION_ACTION,
    START_MONITORING_ACTION,
    SUBMIT_EVALUATION_ACTION,
    SUBMIT_MONITORING_ACTION,
    SUBMIT_TARGETS_ACTION,
)
from .viewsets import BudgetViewSetGroup  # noqa: E402

# Feeds: the departments' execution to their yearly evaluation, the spending on the
# projects that serve a plan indicator to that indicator (e.g. 藏量购置费).
register_department_measure(
    "budget.execution_rate", gettext_lazy("Budget execution"), department_execution
)
register_provider(
    "budget.spent", gettext_lazy("Budget (spending on the projects serving it)"),
    spent_on_linked_projects,
)  # fmt: skip

LOG_ACTIONS = {
    ADJUST_BUDGET_ACTION: gettext_lazy("Budget adjusted"),
    DRAFT_TARGETS_ACTION: gettext_lazy("Target table drafted"),
    SUBMIT_TARGETS_ACTION: gettext_lazy("Target table submitted"),
    RETURN_TARGETS_ACTION: gettext_lazy("Target table returned"),
    APPROVE_TARGETS_ACTION: gettext_lazy("Target table approved"),
    ADJUST_TARGETS_ACTION: gettext_lazy("Target table adjustment drafted"),
    LEDGER_ACTION: gettext_lazy("Ledger imported"),
    EXPLAIN_ACTION: gettext_lazy("Reason for the low execution given"),
    START_EVALUATION_ACTION: gettext_lazy("Self-evaluation started"),
    RECORD_EVALUATION_ACTION: gettext_lazy("Self-evaluation scored"),
    SUBMIT_EVALUATION_ACTION: gettext_lazy("Self-evaluation submitted"),
    CONFIRM_EVALUATION_ACTION: gettext_lazy("Self-evaluation confirmed"),
    START_MONITORING_ACTION: gettext_lazy("Monitoring started"),
    RECORD_MONITORING_ACTION: gettext_lazy("Monitoring filled in"),
    SUBMIT_MONITORING_ACTION: gettext_lazy("Monitoring submitted"),
    REVIEW_MONITORING_ACTION: gettext_lazy("Monitoring reviewed"),
}


@hooks.register("register_log_actions")
def register_budget_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)


@hooks.register("register_admin_viewset")
def register_budget_viewsets():
    return BudgetViewSetGroup()


class LedgerImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, Expenditure, "add")


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, BudgetProject, "view")


@hooks.register(BudgetViewSetGroup.submenu_hook)
def register_budget_dashboard_menu_item():
    return DashboardMenuItem(
        gettext_lazy("Budget execution"),
        reverse("budget_dashboard"),
        name="budget-dashboard",
        icon_name="view",
        order=0,
    )


class BoardSummaryMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, BudgetProject, "board")


@hooks.register(BudgetViewSetGroup.submenu_hook)
def register_board_summary_menu_item():
    return BoardSummaryMenuItem(
        gettext_lazy("Budget summary for the board"),
        reverse("budget_board_summary"),
        name="budget-board-summary",
        icon_name="doc-full-inverse",
        order=11,
    )


@hooks.register(BudgetViewSetGroup.submenu_hook)
def register_ledger_import_menu_item():
    return LedgerImportMenuItem(
        gettext_lazy("Import the ledger"),
        reverse("budget_ledger_import"),
        name="budget-ledger-import",
        icon_name="upload",
        order=10,
    )


@hooks.register("register_admin_urls")
def register_budget_urls():
    return [
        path("budget/", views.dashboard, name="budget_dashboard"),
        path("budget/board/", views.board_summary, name="budget_board_summary"),
        path(
            "budget/self-evaluations/<int:pk>/form.pdf",
            views.evaluation_pdf,
            name="budget_evaluation_pdf",
        ),
        path(
            "budget/self-evaluations/<int:pk>/submit/",
            views.submit_evaluation,
            name="budget_submit_evaluation",
        ),
        path(
            "budget/self-evaluations/<int:pk>/confirm/",
            views.confirm_evaluation,
            name="budget_confirm_evaluation",
        ),
        path("budget/evaluations.xlsx", views.evaluations_xlsx, name="budget_evaluations_xlsx"),
        path(
            "budget/monitoring/<int:pk>/form.pdf",
            views.monitoring_pdf,
            name="budget_monitoring_pdf",
        ),
        path(
            "budget/monitoring/<int:pk>/submit/",
            views.submit_monitoring,
            name="budget_submit_monitoring",
        ),
        path(
            "budget/monitoring/<int:pk>/review/",
            views.review_monitoring,
            name="budget_review_monitoring",
        ),
        path("budget/ledger/import/", views.ledger_import, name="budget_ledger_import"),
        *(
            path(f"budget/projects/<int:pk>/{name}/", view, name=f"budget_{name.replace('-', '_')}")
            for name, view in (
                ("draft-targets", views.draft_targets),
                ("adjust-targets", views.adjust_targets),
                ("adjust-budget", views.adjust_budget),
                ("explain", views.explain_execution),
                ("evaluate", views.start_evaluation),
                ("monitor", views.start_monitoring),
            )
        ),
        *(
            path(f"budget/targets/<int:pk>/{name}/", view, name=f"budget_{name}_targets")
            for name, view in (
                ("submit", views.submit_targets),
                ("return", views.return_targets),
                ("approve", views.approve_targets),
            )
        ),
    ]
