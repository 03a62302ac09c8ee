"""The one access policy: role (what) × scope (where) × owner grant (which object).

- A **role** is a Django group with model permissions; its `Role.scope` says whether
  its permissions hold for every unit (global) or only within the user's scope.
- A **scope** is the guardian object permission ``act_for_unit`` on an ``OrgUnit``
  (given to the user or to one of their groups), inherited by the unit's descendants.
- An **owner grant** is a guardian permission on one object (``change_<model>`` on
  that object); it needs no role.

Every figure the policy needs for a user is read once per request (a handful of
queries, whatever the number of rows) and memoised on the user object; querysets are
filtered in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet
from guardian.models import UserObjectPermission
from guardian.utils import get_user_obj_perms_model
from wagtail.permission_policies import ModelPermissionPolicy

from ..models import OrgUnit, OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, Role

SCOPE_PERMISSION = "act_for_unit"
SELF = "self"  # unit_field of a policy whose model is OrgUnit itself
LOCKABLE = frozenset({"change", "delete"})  # what a lock refuses; viewing stays
LOCK_ANNOTATION = "shuxiang_locked"
_CACHE_ATTR = "_shuxiang_access"


@dataclass
class UserAccess:
    """What one user may do, read once per request."""

    is_superuser: bool = False
    global_perms: frozenset[str] = frozenset()  # "app_label.codename"
    scoped_perms: frozenset[str] = frozenset()
    unit_paths: tuple[str, ...] = ()  # treebeard paths of the units granted (top-most only)
    _unit_ids: frozenset[int] | None = None
    _owner_grants: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)

    def units_q(self, prefix: str = "") -> Q:
        """Q matching the units in scope (the granted ones and their descendants)."""
        if not self.unit_paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{prefix}path__startswith": p}) for p in self.unit_paths))

    @property
    def unit_ids(self) -> frozenset[int]:
        if self._unit_ids is None:
            if self.unit_paths:
                ids = OrgUnit.objects.filter(self.units_q()).values_list("pk", flat=True)
                self._unit_ids = frozenset(ids)
            else:
                self._unit_ids = frozenset()
        return self._unit_ids

    def owner_grants(self, user, model: type[Model]) -> frozenset[tuple[str, str]]:
        """(codename, object pk as text) pairs granted to the user on rows of ``model``."""
        key = model._meta.label_lower
        if key not in self._owner_grants:
            table = get_user_obj_perms_model(model)
            if table.objects.is_generic():
                # All of the user's generic grants in one query, whatever the model:
                # menus ask about every model on every page.
                if "generic:loaded" not in self._owner_grants:
                    found: dict[str, set] = {}
                    for app, name, codename, pk in table.objects.filter(user=user).values_list(
                        "content_type__app_label",
                        "content_type__model",
                        "permission__codename",
                        "object_pk",
                    ):
                        found.setdefault(f"{app}.{name}", set()).add((codename, pk))
                    for label, pairs in found.items():
                        self._owner_grants[f"generic:{label}"] = frozenset(pairs)
                    self._owner_grants["generic:loaded"] = frozenset()
                rows = self._owner_grants.get(f"generic:{key}", frozenset())
            else:
                rows = table.objects.filter(user=user).values_list(
                    "permission__codename", "content_object_id"
                )
            self._owner_grants[key] = frozenset((c, str(pk)) for c, pk in rows)
        return self._owner_grants[key]


def _collapse(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths that lie under another path of the set (their subtree is already in)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def get_user_access(user) -> UserAccess:
    """The user's access, memoised on the user object (one request's lifetime)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not (user.is_authenticated and user.is_active):
        access = UserAccess()
    elif user.is_superuser:
        access = UserAccess(is_superuser=True)
    else:
        global_perms, scoped_perms = set(), set()
        group_rows = Permission.objects.filter(group__user=user).values_list(
            "content_type__app_label", "codename", "group__role__scope"
        )
        for app_label, codename, scope in group_rows:
            target = global_perms if scope == Role.Scope.GLOBAL else scoped_perms
            target.add(f"{app_label}.{codename}")
        # Permissions given to the user directly count as scoped.
        for app_label, codename in user.user_permissions.values_list(
            "content_type__app_label", "codename"
        ):
            scoped_perms.add(f"{app_label}.{codename}")
        paths = OrgUnit.objects.filter(
            Q(
                pk__in=OrgUnitUserObjectPermission.objects.filter(
                    user=user, permission__codename=SCOPE_PERMISSION
                ).values("content_object")
            )
            | Q(
                pk__in=OrgUnitGroupObjectPermission.objects.filter(
                    group__user=user, permission__codename=SCOPE_PERMISSION
                ).values("content_object")
            )
        ).values_list("path", flat=True)
        access = UserAccess(
            global_perms=frozenset(global_perms),
            scoped_perms=frozenset(scoped_perms - global_perms),
            unit_paths=_collapse(paths),
        )
    setattr(user, _CACHE_ATTR, access)
    return access


def clear_user_access(user) -> None:
    """Forget the memoised access (after changing the user's roles or scope)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def user_units(user) -> QuerySet[OrgUnit]:
    """The units the user acts for, with the units under them; every unit for a global role."""
    access = get_user_access(user)
    if access.is_superuser:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(access.units_q())


def granted_units(user) -> QuerySet[OrgUnit]:
    """The units granted to the user themselves (not their descendants)."""
    return OrgUnit.objects.filter(path__in=get_user_access(user).unit_paths)


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Role + scope + owner grant, for one model; the policy every viewset uses.

    ``unit_field`` is the path to the ``OrgUnit`` that places a row in the tree
    (``"lead_unit"``, ``"item__lead_unit"``; ``SELF`` when the model *is* ``OrgUnit``;
    ``None`` for a model outside the tree, which only global roles and owner grants
    reach). ``view_unit_fields`` are further unit paths (many-to-many allowed) that let a
    scoped user *view* a row, e.g. the partner units of a plan item. ``owner_grants``
    turns on per-object guardian permissions for this model. ``self_field`` is the path to
    the user a row is about (``"user"``, ``"staff__user"``): that user may *view* it
    without any role (their own staff record, their own training). ``below_granted``
    (org tree only) lists actions a scoped role may do on the units *under* its granted
    units but not on the granted units themselves. ``codenames`` maps an action to a
    permission codename that does not follow ``<action>_<model>`` (``{"view_personal":
    "view_staff_personal"}``). ``view_via_grant`` is the path to another object whose
    owner grant to *view* it lets the grantee view this row too (``"cycle"``: an
    appraisal committee's member, granted the cycle, sees its appraisals). ``locked_when`` is a
    ``Q`` matching finalized rows (an accepted report, a closed period): nobody, not even
    a superuser, may change or delete them through any view; they stay visible.
    """

    def __init__(
        self,
        model,
        *,
        unit_field: str | None,
        view_unit_fields: tuple[str, ...] = (),
        self_field: str | None = None,
        owner_grants: bool = True,
        locked_when: Q | None = None,
        below_granted: Iterable[str] = (),
        codenames: dict[str, str] | None = None,
        view_via_grant: str | None = None,
    ):
        super().__init__(model)
        self.unit_field = unit_field
        self.view_unit_fields = view_unit_fields
        self.self_field = self_field
        self.owner_grants = owner_grants
        self.locked_when = locked_when
        if below_granted and unit_field != SELF:
            raise ValueError("below_granted applies to the org tree itself (unit_field=SELF)")
        self.below_granted = frozenset(below_granted)
        self.codenames = codenames or {}
        self.view_via_grant = view_via_grant

    # -- the lock ------------------------------------------------------------------------
    def is_locked(self, instance) -> bool:
        """Whether ``instance`` is finalized (free when the listing annotated it)."""
        if self.locked_when is None or instance.pk is None:
            return False
        annotated = getattr(instance, LOCK_ANNOTATION, None)
        if annotated is not None:
            return bool(annotated)
        return self.model._default_manager.filter(self.locked_when, pk=instance.pk).exists()

    def annotate_locked(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` with the lock as a column, so per-row checks cost no query."""
        if self.locked_when is None:
            return queryset
        return queryset.annotate(
            **{LOCK_ANNOTATION: ExpressionWrapper(self.locked_when, output_field=BooleanField())}
        )

    def _unlocked_actions(self, actions, instance) -> list[str]:
        actions = list(actions)
        if any(a in LOCKABLE for a in actions) and self.is_locked(instance):
            return [a for a in actions if a not in LOCKABLE]
        return actions

    # -- helpers -------------------------------------------------------------------------
    def _get_permission_codename(self, action: str) -> str:
        return self.codenames.get(action) or super()._get_permission_codename(action)

    def _get_permission_name(self, action: str) -> str:
        return f"{self.app_label}.{self._get_permission_codename(action)}"

    def _perm(self, action: str) -> str:
        return self._get_permission_name(action)

    def _codename(self, action: str) -> str:
        return self._get_permission_codename(action)

    def _scope_q(self, access: UserAccess, actions: Iterable[str]) -> Q:
        if self.unit_field is None:
            return Q(pk__in=[])
        if self.unit_field == SELF:
            condition = access.units_q()
            if not set(actions) - self.below_granted:
                # Only the units under the granted ones (a head edits their sub-units,
                # not the unit that defines their scope).
                condition &= ~Q(path__in=access.unit_paths)
        else:
            # The rows' unit among the units in scope (a subquery), rather than a join to
            # the unit for its path: the rows' own unit index answers it, also when it is
            # ORed with ``self_field`` (20 % off a head's compliance list on SQLite).
            units = OrgUnit.objects.filter(access.units_q()).values("pk")
            condition = Q(**{f"{self.unit_field}__in": units})
        if self.view_unit_fields and "view" in actions:
            for path in self.view_unit_fields:
                # A subquery, not a join: a many-to-many join would repeat rows.
                rows = self.model._default_manager.filter(access.units_q(prefix=f"{path}__"))
                condition |= Q(pk__in=rows.values("pk"))
        return condition

    def _owner_pks(self, user, access: UserAccess, actions: Iterable[str]) -> list[str]:
        if not self.owner_grants or not user.is_authenticated:
            return []
        codenames = {self._codename(a) for a in actions}
        return [
            pk for codename, pk in access.owner_grants(user, self.model) if codename in codenames
        ]

    def _via_pks(self, user, access: UserAccess, actions: Iterable[str]) -> list[str]:
        """The pks of the objects (through ``view_via_grant``) the user was granted to
        view, when viewing is among ``actions``."""
        if not self.view_via_grant or "view" not in actions or not user.is_authenticated:
            return []
        model = self._via_model()
        codename = f"view_{model._meta.model_name}"
        return [pk for c, pk in access.owner_grants(user, model) if c == codename]

    def _via_model(self) -> type[Model]:
        model = self.model
        for hop in self.view_via_grant.split("__"):
            model = model._meta.get_field(hop).related_model
        return model

    def _via_id_of(self, instance) -> str | None:
        *hops, last = self.view_via_grant.split("__")
        for hop in hops:
            instance = getattr(instance, hop, None)
            if instance is None:
                return None
        value = getattr(instance, f"{last}_id", None)
        return None if value is None else str(value)

    def _unit_id_of(self, instance) -> int | None:
        """The id of the unit that places ``instance``; follows ``a__b`` paths through
        foreign keys (select_related them in listings to keep this free)."""
        if self.unit_field is None:
            return None
        if self.unit_field == SELF:
            return instance.pk
        *hops, last = self.unit_field.split("__")
        for hop in hops:
            instance = getattr(instance, hop, None)
            if instance is None:
                return None
        return getattr(instance, f"{last}_id", None)

    def _in_view_units(self, instance, access: UserAccess) -> bool:
        if not self.view_unit_fields or instance.pk is None:
            return False
        condition = reduce(
            or_, (Q(**{f"{path}__in": access.unit_ids}) for path in self.view_unit_fields)
        )
        return self.model._default_manager.filter(condition, pk=instance.pk).exists()

    # -- model level ---------------------------------------------------------------------
    def user_has_permission(self, user, action):
        return self.user_has_any_permission(user, [action])

    def _everywhere(self, access: UserAccess, actions: Iterable[str]) -> bool:
        """A superuser, or a global role holding one of ``actions``."""
        return access.is_superuser or bool({self._perm(a) for a in actions} & access.global_perms)

    def user_has_any_permission(self, user, actions):
        access = get_user_access(user)
        if self._everywhere(access, actions):
            return True
        perms = {self._perm(a) for a in actions}
        if perms & access.scoped_perms and access.unit_paths and self.unit_field is not None:
            return True
        if self._self_view(user, actions) and self._has_own_rows(user, access):
            return True
        return bool(self._owner_pks(user, access, actions) or self._via_pks(user, access, actions))

    def _has_own_rows(self, user, access: UserAccess) -> bool:
        """Whether any row is about the user (so a menu for their own record makes sense);
        one query per model and request."""
        # Ask the model that holds the user link ("staff__user" → Staff): one query per
        # request for all the models hanging off it.
        model = self.model
        *hops, last = self.self_field.split("__")
        for hop in hops:
            model = model._meta.get_field(hop).related_model
        key = f"self:{model._meta.label_lower}"
        if key not in access._owner_grants:
            found = model._default_manager.filter(**{last: user.pk}).exists()
            access._owner_grants[key] = frozenset({("self", "")}) if found else frozenset()
        return bool(access._owner_grants[key])

    def _self_view(self, user, actions) -> bool:
        return bool(self.self_field and "view" in actions and user.is_active)

    def user_has_unit_scope(self, user, action: str) -> bool:
        """True when the user may do ``action`` on rows of whole units — every unit (a
        global role) or the units of their scope — not only on rows about themselves or
        granted to them one by one."""
        access = get_user_access(user)
        if self._everywhere(access, [action]):
            return True
        scoped = self._perm(action) in access.scoped_perms
        return scoped and bool(access.unit_paths) and bool(self.unit_field)

    def user_has_global_permission(self, user, action: str) -> bool:
        """True when the user may do ``action`` on every row (superuser or global role)."""
        return self._everywhere(get_user_access(user), [action])

    # -- instance level ------------------------------------------------------------------
    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = self._unlocked_actions(actions, instance)
        if not actions:
            return False
        access = get_user_access(user)
        if self._everywhere(access, actions):
            return True
        scoped = [a for a in actions if self._perm(a) in access.scoped_perms]
        if scoped:
            if self._unit_id_of(instance) in access.unit_ids and not (
                self.unit_field == SELF
                and not set(scoped) - self.below_granted
                and instance.path in access.unit_paths
            ):
                return True
            if "view" in actions and self._perm("view") in access.scoped_perms:
                if self._in_view_units(instance, access):
                    return True
        if self._self_view(user, actions) and self._about(instance) == user.pk:
            return True
        via = self._via_pks(user, access, actions)
        if via and self._via_id_of(instance) in via:
            return True
        return str(instance.pk) in self._owner_pks(user, access, actions)

    def _about(self, instance) -> int | None:
        """The id of the user ``instance`` is about (through ``self_field``)."""
        *hops, last = self.self_field.split("__")
        for hop in hops:
            instance = getattr(instance, hop, None)
            if instance is None:
                return None
        return getattr(instance, f"{last}_id", None)

    def units_for(self, user, actions: Iterable[str]) -> QuerySet[OrgUnit]:
        """The units in which the user may do any of ``actions`` on this model's rows
        (what a form offers for ``unit_field``)."""
        access = get_user_access(user)
        if self._everywhere(access, actions):
            return OrgUnit.objects.all()
        perms = {self._perm(a) for a in actions}
        if perms & access.scoped_perms and self.unit_field is not None:
            return OrgUnit.objects.filter(access.units_q())
        return OrgUnit.objects.none()

    def instances_user_has_any_permission_for(self, user, actions):
        return self.filter_queryset(user, self.model._default_manager.all(), actions)

    def filter_queryset(self, user, queryset: QuerySet, actions: Iterable[str]) -> QuerySet:
        """``queryset`` narrowed, in SQL, to the rows the user may do any of ``actions`` on
        (locked rows only for the actions a lock leaves: viewing)."""
        actions = list(actions)
        if self.locked_when is None:
            condition = self._condition(user, actions)
            return queryset if condition is None else queryset.filter(condition)
        free = [a for a in actions if a not in LOCKABLE]
        lockable = [a for a in actions if a in LOCKABLE]
        free_q = self._condition(user, free) if free else Q(pk__in=[])
        if free_q is None:
            return queryset
        lock_q = self._condition(user, lockable) if lockable else Q(pk__in=[])
        unlocked = ~self.locked_when if lock_q is None else (lock_q & ~self.locked_when)
        return queryset.filter(free_q | unlocked)

    def _condition(self, user, actions: list[str]) -> Q | None:
        """The rows the user may do any of ``actions`` on; None for every row."""
        access = get_user_access(user)
        if self._everywhere(access, actions):
            return None
        condition = Q(pk__in=[])
        scoped_actions = [a for a in actions if self._perm(a) in access.scoped_perms]
        if scoped_actions and access.unit_paths:
            condition |= self._scope_q(access, scoped_actions)
        owner_pks = self._owner_pks(user, access, actions)
        if owner_pks:
            condition |= Q(pk__in=owner_pks)
        if self._self_view(user, actions):
            condition |= Q(**{self.self_field: user.pk})
        via = self._via_pks(user, access, actions)
        if via:
            condition |= Q(**{f"{self.view_via_grant}__in": via})
        return condition

    # -- users ---------------------------------------------------------------------------
    def users_with_any_permission_for_instance(self, actions, instance):
        """Superusers, global roles, scoped roles acting for an ancestor, owner grantees."""
        User = get_user_model()  # noqa: N806
        perms = Permission.objects.filter(
            content_type=self._content_type, codename__in=self._get_permission_codenames(actions)
        )
        global_q = Q(groups__permissions__in=perms, groups__role__scope=Role.Scope.GLOBAL)
        scoped = Q(groups__permissions__in=perms) | Q(user_permissions__in=perms)
        condition = Q(is_superuser=True) | global_q
        unit_id = self._unit_id_of(instance)
        if unit_id is not None:
            unit = OrgUnit.objects.get(pk=unit_id)
            ancestors = OrgUnit.objects.filter(
                path__in=[unit.path[: i * unit.steplen] for i in range(1, unit.depth + 1)]
            )
            scope_users = OrgUnitUserObjectPermission.objects.filter(
                content_object__in=ancestors, permission__codename=SCOPE_PERMISSION
            ).values("user")
            scope_groups = OrgUnitGroupObjectPermission.objects.filter(
                content_object__in=ancestors, permission__codename=SCOPE_PERMISSION
            ).values("group")
            condition |= scoped & (Q(pk__in=scope_users) | Q(groups__in=scope_groups))
        if self.owner_grants:
            grantees = UserObjectPermission.objects.filter(
                content_type=self._content_type,
                object_pk=str(instance.pk),
                permission__in=perms,
            ).values("user")
            condition |= Q(pk__in=grantees)
        via = self._via_id_of(instance) if self.view_via_grant and "view" in actions else None
        if via is not None:
            model = self._via_model()
            condition |= Q(
                pk__in=UserObjectPermission.objects.filter(
                    content_type=ContentType.objects.get_for_model(model),
                    object_pk=via,
                    permission__codename=f"view_{model._meta.model_name}",
                ).values("user")
            )
        return User.objects.filter(condition, is_active=True).distinct()
