"""Home-page panels of governance (registered in wagtail_hooks.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from governance.access import get_user_access, granted_units
from governance.models import Role
from governance.roles import ROLE_LABELS


class MyAccessPanel(Component):
    """Who the user is here: their roles and the units they act for."""

    name = "my_access"
    order = 10
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
