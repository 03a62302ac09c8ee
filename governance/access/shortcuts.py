"""The access API for code outside the generic viewsets: custom views, menus, panels,
selectors. Every check goes through the model's registered scoped policy."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.hooks import search_for_hooks
from wagtail.permissions import policy_registry

from .policy import ScopedPermissionPolicy, get_user_access


def policy_for(model: type[Model] | Model) -> ScopedPermissionPolicy:
    """The model's scoped policy; raises where none is registered, so no model silently
    falls back to Wagtail's unscoped policy (which lets every row through)."""
    if not isinstance(model, type):
        model = type(model)
    search_for_hooks()  # policies register in wagtail_hooks.py (a command may not have loaded it)
    policy = policy_registry.get_by_type(model, fallback=False)
    if not isinstance(policy, ScopedPermissionPolicy):
        raise ImproperlyConfigured(
            f"{model._meta.label} has no ScopedPermissionPolicy: register one with "
            "register_permission_policy() at the top of its app's wagtail_hooks.py"
        )
    return policy


def _queryset(model_or_queryset) -> QuerySet:
    if isinstance(model_or_queryset, QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def visible(user, model_or_queryset, actions: Iterable[str] = ("view",)) -> QuerySet:
    """The rows the user may do any of ``actions`` on, filtered in SQL."""
    queryset = _queryset(model_or_queryset)
    return policy_for(queryset.model).filter_queryset(user, queryset, list(actions))


def get_for_action_or_404(user, model_or_queryset, actions: str | Iterable[str], **lookup):
    """One row the user may do ``actions`` on (any of them); 404 when it does not exist,
    is out of scope or is locked against the action — the reply never tells which."""
    actions = [actions] if isinstance(actions, str) else list(actions)
    queryset = _queryset(model_or_queryset)
    policy = policy_for(queryset.model)
    obj = get_object_or_404(policy.filter_queryset(user, queryset, actions), **lookup)
    if not policy.user_has_any_permission_for_instance(user, actions, obj):
        raise Http404
    return obj


def may(user, model: type[Model], action: str) -> bool:
    """Whether the user may do ``action`` on some row of ``model`` (menus, buttons)."""
    return policy_for(model).user_has_permission(user, action)


def may_everywhere(user, model: type[Model], action: str) -> bool:
    """Whether the user may do ``action`` on every row (a global role or a superuser)."""
    return policy_for(model).user_has_global_permission(user, action)


def may_for_units(user, model: type[Model], action: str) -> bool:
    """Whether the user may do ``action`` on the rows of whole units (HR, a head), not
    only on rows about themselves (every member of staff may view their own record)."""
    return policy_for(model).user_has_unit_scope(user, action)


def may_for_instance(user, instance: Model, *actions: str) -> bool:
    """Whether the user may do any of ``actions`` on ``instance`` (saved or not yet: a
    new report for an item is checked as ``ProgressReport(item=item)``)."""
    return policy_for(instance).user_has_any_permission_for_instance(user, actions, instance)


def is_unit_scoped(user) -> bool:
    """Whether any of the user's roles is limited to units (a head, staff): such a user
    may not read lists that Wagtail does not scope (the site history)."""
    access = get_user_access(user)
    return not access.is_superuser and bool(access.scoped_perms)


def require(user, model: type[Model], action: str, *, everywhere: bool = False) -> None:
    """Refuse (403) a page about no single row — a dashboard, a queue, an import — to a
    user without ``action`` on ``model`` (on every row with ``everywhere``)."""
    allowed = may_everywhere(user, model, action) if everywhere else may(user, model, action)
    if not allowed:
        raise PermissionDenied
