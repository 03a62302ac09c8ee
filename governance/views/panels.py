"""Home-page panels of governance (registered in wagtail_hooks.py): who the user is, a
department head's reports due and returned, the planning office's queue, leadership's
overview, a member of staff's tasks, the board for trustees, and the administrator's
notice. Each panel reads through a selector (`governance.selectors`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.search import SearchArea
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.models import Page
from wagtail.permissions import policy_registry

from governance.access import (
    get_user_access,
    granted_units,
    may,
    may_everywhere,
    may_for_units,
)
from governance.models import BoardPaper, PlanItem, ProgressReport, Role
from governance.roles import ROLE_LABELS
from governance.selectors import home
from governance.selectors.board import board_home


class MyAccessPanel(Component):
    """Who the user is here: their roles and the units they act for."""

    name = "my_access"
    order = 90  # below what there is to do today
    template_name = "governance/panels/my_access.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        roles = Role.objects.filter(Q(group__user=self.user)).order_by("order")
        access = get_user_access(self.user)
        return {
            "roles": [
                {"label": ROLE_LABELS.get(r.key, r.group.name), "is_global": r.scope == "global"}
                for r in roles
            ],
            "units": list(granted_units(self.user)),
            "all_units": access.is_superuser or any(r.scope == "global" for r in roles),
            "is_superuser": access.is_superuser,
            "title": _("My role and units"),
        }


class HomePanel(Component):
    """A panel computed from one selector call for the user."""

    order = 100

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"title": self.title, "panel_id": self.name, **self.get_data()}

    def get_data(self) -> dict:
        raise NotImplementedError


class HeadPanel(HomePanel):
    """A department head's day: items due this period, returned reports with the comment."""

    name = "head_todo"
    order = 20
    title = _("To do this period")
    template_name = "governance/panels/head_todo.html"

    def get_data(self):
        data = home.head_home(self.user)
        return {
            "home": data,
            "items_url": reverse("governance_planitem:index")
            + (f"?plan={data.plan.pk}" if data.plan else ""),
            "dashboard_url": reverse("plan_dashboard"),
        }


class PlanningPanel(HomePanel):
    """The planning office's day: the review queue, overdue and at-risk items."""

    name = "planning_todo"
    order = 20
    title = _("Plan: waiting for you")
    template_name = "governance/panels/planning.html"

    def get_data(self):
        return {
            "home": home.planning_home(self.user),
            "review_url": reverse("plan_review_queue"),
            "dashboard_url": reverse("plan_dashboard"),
        }


class OverviewPanel(HomePanel):
    """Leadership's view of the plan in a few figures."""

    name = "plan_overview"
    order = 30
    title = _("The plan at a glance")
    template_name = "governance/panels/overview.html"

    def get_data(self):
        return {
            "overview": home.leadership_overview(self.user),
            "dashboard_url": reverse("plan_dashboard"),
        }


class MyTasksPanel(HomePanel):
    """A member of staff's tasks: items they are responsible for, items their unit leads."""

    name = "my_tasks"
    order = 40
    title = _("My tasks")
    template_name = "governance/panels/my_tasks.html"

    def get_data(self):
        return {"tasks": home.my_tasks(self.user)}


class BoardPanel(HomePanel):
    """The board for a trustee or its secretary: composition, meetings to come, decisions."""

    name = "board"
    order = 25
    title = _("Board of trustees")
    template_name = "governance/panels/board.html"

    def get_data(self):
        return {
            **board_home(self.user),
            "trustees_url": reverse("governance_trustee:index"),
            "meetings_url": reverse("governance_boardmeeting:index"),
        }


class NoticePanel(Component):
    """A plain notice with a link: what a role should do first."""

    order = 15
    template_name = "governance/panels/notice.html"

    def __init__(self, key, title, text, link=None):
        self.name = f"notice_{key}"
        self.title, self.text, self.link = title, text, link

    def get_context_data(self, parent_context=None):
        return {
            "panel_id": self.name,
            "title": self.title,
            "text": self.text,
            "link": self.link,
        }


def administrator_notice() -> NoticePanel:
    return NoticePanel(
        "administrator",
        _("Users, roles and units"),
        _("Give each person their roles and the units they act for."),
        link=(reverse("governance_access:index"), _("Access: roles and units")),
    )


def panels_for(user) -> list[Component]:
    """The plan panels and notices for the user's roles (decided by what they may do)."""
    keys = home.role_keys(user)
    found: list[Component] = [MyAccessPanel(user)]
    reviews = may_everywhere(user, ProgressReport, "review")
    if reviews:
        found.append(PlanningPanel(user))
    elif may_everywhere(user, PlanItem, "view"):
        found.append(OverviewPanel(user))
    # A head reports for their units; the planning office and superusers are not asked.
    if not may_everywhere(user, ProgressReport, "add") and may_for_units(
        user, ProgressReport, "add"
    ):
        found.append(HeadPanel(user))
    if "staff" in keys:
        found.append(MyTasksPanel(user))
    if may_everywhere(user, BoardPaper, "view"):
        found.append(BoardPanel(user))
    if "administrator" in keys and may_everywhere(user, get_user_model(), "change"):
        found.append(administrator_notice())
    return found


# Wagtail's own panels are about pages: shown to those who edit the website only.
PAGE_PANELS = (
    WorkflowObjectsToModeratePanel,
    UserObjectsInWorkflowModerationPanel,
    RecentEditsPanel,
    LockedPagesPanel,
)


def edits_pages(user) -> bool:
    """Whether the user has any permission on the website's pages (Wagtail's page
    permissions, which our access policies do not cover)."""
    return policy_registry.get_by_type(Page).user_has_any_permission(
        user, ["add", "change", "publish"]
    )


class PolicySearchArea(SearchArea):
    """A search area (the sidebar's search box and the home page's) shown to users who may
    view some rows of ``model`` through its access policy."""

    def __init__(self, *args, model, action="view", **kwargs):
        super().__init__(*args, **kwargs)
        self.model, self.action = model, action

    def is_shown(self, request):
        if self.action == "units":
            return may_for_units(request.user, self.model, "view")
        return may(request.user, self.model, self.action)
