"""The one access API: role (what) × scope (where) × owner grant (which object).

Policies (`ScopedPermissionPolicy`) are registered per model in each app's
``wagtail_hooks.py``; everything else asks through these names:

- `policy_for(Model)` — the model's scoped policy, raising where none is registered;
- `visible(user, qs)` / ``Model.objects.visible_to(user)`` — rows in scope, in SQL;
- `get_for_action_or_404(user, qs, action, pk=…)` — one row for an action, or 404;
- `may`, `may_everywhere`, `may_for_instance`, `require` — model-level checks;
- `governance.access.viewsets` — `ScopedModelViewSet` and `OperationView`.
"""

from .policy import (
    SCOPE_PERMISSION,
    SELF,
    ScopedPermissionPolicy,
    UserAccess,
    clear_user_access,
    get_user_access,
    granted_units,
    user_units,
)
from .shortcuts import (
    get_for_action_or_404,
    is_unit_scoped,
    may,
    may_everywhere,
    may_for_instance,
    may_for_units,
    policy_for,
    require,
    visible,
)

__all__ = [
    "SCOPE_PERMISSION",
    "SELF",
    "ScopedPermissionPolicy",
    "UserAccess",
    "clear_user_access",
    "get_for_action_or_404",
    "get_user_access",
    "granted_units",
    "is_unit_scoped",
    "may",
    "may_everywhere",
    "may_for_instance",
    "may_for_units",
    "policy_for",
    "require",
    "user_units",
    "visible",
]
