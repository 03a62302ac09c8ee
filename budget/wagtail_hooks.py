"""Every registration of budget: access policies (first), the viewsets and their menu,
the action URLs and the log actions."""

from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy

from .models import BudgetAdjustment, BudgetProject, Expenditure, TargetTable

# A project belongs to its department: finance and the leadership everywhere, a head in
# their units. Its tables, adjustments and spending follow the project.
register_permission_policy(BudgetProject, ScopedPermissionPolicy(BudgetProject, unit_field="unit"))
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

from . import views  # noqa: E402
from .services import (  # noqa: E402
    ADJUST_BUDGET_ACTION,
    ADJUST_TARGETS_ACTION,
    APPROVE_TARGETS_ACTION,
    DRAFT_TARGETS_ACTION,
    RETURN_TARGETS_ACTION,
    SUBMIT_TARGETS_ACTION,
)
from .viewsets import BudgetViewSetGroup  # noqa: E402

LOG_ACTIONS = {
    ADJUST_BUDGET_ACTION: gettext_lazy("Budget adjusted"),
    DRAFT_TARGETS_ACTION: gettext_lazy("Target table drafted"),
    SUBMIT_TARGETS_ACTION: gettext_lazy("Target table submitted"),
    RETURN_TARGETS_ACTION: gettext_lazy("Target table returned"),
    APPROVE_TARGETS_ACTION: gettext_lazy("Target table approved"),
    ADJUST_TARGETS_ACTION: gettext_lazy("Target table adjustment drafted"),
}


@hooks.register("register_log_actions")
def register_budget_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)


@hooks.register("register_admin_viewset")
def register_budget_viewsets():
    return BudgetViewSetGroup()


@hooks.register("register_admin_urls")
def register_budget_urls():
    return [
        *(
            path(f"budget/projects/<int:pk>/{name}/", view, name=f"budget_{name.replace('-', '_')}")
            for name, view in (
                ("draft-targets", views.draft_targets),
                ("adjust-targets", views.adjust_targets),
                ("adjust-budget", views.adjust_budget),
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
