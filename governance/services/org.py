"""Operations on the org tree and on who may act where; each writes one audit entry."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from wagtail.log_actions import log

from governance.access import SCOPE_PERMISSION, clear_user_access
from governance.models import OrgUnit, OrgUnitUserObjectPermission
from governance.models.org import LABEL_ALONE, LABEL_SEPARATOR

UNIT_FIELDS = ("kind", "code", "name", "short_name", "active", "order")


def refresh_labels(units: QuerySet[OrgUnit] | None = None) -> None:
    """Set each unit's library (its nearest ancestor-or-self of kind library) and label
    ("临川区图书馆 · 借阅部") in two UPDATE statements, however many units there are.

    ``units``: the units to refresh (all by default); after a rename, move or change of
    kind, pass the unit's subtree, whose labels may all have changed."""
    units = OrgUnit.objects.all() if units is None else units
    nearest_library = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY)
        # A unit's ancestors-or-self are the units whose path starts its own path.
        .filter(path=Substr(OuterRef("path"), 1, Length("path")))
        .order_by("-depth")
        .values("pk")[:1]
    )
    units.update(library=Subquery(nearest_library))
    library_name = OrgUnit.objects.filter(pk=OuterRef("library_id")).values("name")[:1]
    units.update(
        label=Case(
            When(
                Q(library__isnull=True) | Q(kind__in=LABEL_ALONE) | Q(library=F("pk")),
                then=F("name"),
            ),
            default=Concat(Subquery(library_name), Value(LABEL_SEPARATOR), F("name")),
            output_field=CharField(),
        )
    )


def _refresh_subtree(unit: OrgUnit) -> None:
    refresh_labels(OrgUnit.objects.filter(path__startswith=unit.path))
    fresh = OrgUnit.objects.values("library_id", "label").get(pk=unit.pk)
    unit.library_id, unit.label = fresh["library_id"], fresh["label"]


@transaction.atomic
def create_unit(*, parent: OrgUnit | None, user=None, **values) -> OrgUnit:
    """Add a unit under ``parent`` (a root when ``None``)."""
    unit = OrgUnit(**values)
    unit.full_clean(exclude=["path", "depth", "numchild", "library", "label"])
    unit = parent.add_child(instance=unit) if parent else OrgUnit.add_root(instance=unit)
    _refresh_subtree(unit)
    log(instance=unit, action="wagtail.create", user=user)
    return unit


@transaction.atomic
def update_unit(unit: OrgUnit, *, parent: OrgUnit | None, user=None, **values) -> OrgUnit:
    """Rename/edit a unit and, if ``parent`` changed, move it with its subtree.

    The history keeps the old and new name and parent (Wagtail log entries).
    """
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    old_name, old_parent = unit.name, unit.get_parent()
    for name, value in values.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth", "numchild", "library", "label"])
    unit.save()
    _refresh_subtree(unit)  # a new name or kind changes the labels beneath
    log(instance=unit, action="wagtail.edit", user=user)
    if old_name != unit.name:
        log(
            instance=unit,
            action="shuxiang.unit.rename",
            user=user,
            data={"old": old_name, "new": unit.name},
        )
    if (parent and parent.pk) != (old_parent and old_parent.pk):
        if parent is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
            raise ValidationError(
                {"parent": _("A unit cannot be moved under itself or one of its sub-units.")}
            )
        if parent is None:
            unit.move(OrgUnit.get_first_root_node(), pos="sorted-sibling")
        else:
            unit.move(parent, pos="sorted-child")
        unit.refresh_from_db()
        _refresh_subtree(unit)  # now under another library, perhaps
        log(
            instance=unit,
            action="shuxiang.unit.move",
            user=user,
            data={
                "old": str(old_parent) if old_parent else "",
                "new": str(parent) if parent else "",
            },
        )
    return unit


@transaction.atomic
def set_user_access(user, *, groups: list[Group], units: list[OrgUnit], by=None) -> None:
    """Give ``user`` exactly these roles and these scope units; groups that are not roles
    (Wagtail's Editors, hand-made ones) are kept."""
    others = list(user.groups.filter(role__isnull=True))
    user.groups.set([*groups, *others])
    current = set(
        OrgUnitUserObjectPermission.objects.filter(
            user=user, permission__codename=SCOPE_PERMISSION
        ).values_list("content_object_id", flat=True)
    )
    wanted = {unit.pk for unit in units}
    for unit in units:
        if unit.pk not in current:
            assign_perm(f"governance.{SCOPE_PERMISSION}", user, unit)
    for unit in OrgUnit.objects.filter(pk__in=current - wanted):
        remove_perm(f"governance.{SCOPE_PERMISSION}", user, unit)
    clear_user_access(user)
    log(
        instance=user,
        action="shuxiang.access.set",
        user=by,
        data={
            "roles": sorted(g.name for g in groups),
            "units": sorted(str(u) for u in units),
        },
    )


def grant_scope(user, unit: OrgUnit, *, by=None) -> None:
    """Let ``user`` act for ``unit`` and everything under it."""
    assign_perm(f"governance.{SCOPE_PERMISSION}", user, unit)
    clear_user_access(user)
    log(instance=user, action="shuxiang.access.grant_scope", user=by, data={"unit": str(unit)})
