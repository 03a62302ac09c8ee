"""Org units (library system → libraries → departments) and the roles' scope records."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .base import VisibleToMixin

# "临川区图书馆 · 借阅部": the library's name, this separator, the unit's name.
LABEL_SEPARATOR = " · "


class OrgUnitQuerySet(VisibleToMixin, MP_NodeQuerySet):
    pass


class OrgUnitManager(MP_NodeManager.from_queryset(OrgUnitQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep ours (and path order).
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")


class OrgUnit(MP_Node):
    """One node of the organisation tree; the scope of department heads and staff."""

    class Kind(models.TextChoices):
        SYSTEM = "system", _("Library system")
        LIBRARY = "library", _("Library")
        DEPARTMENT = "department", _("Department")
        BRANCH = "branch", _("Branch")
        SERVICE_POINT = "service_point", _("Service point")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short stable identifier, e.g. FZ-LIB-OFFICE."),
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Position among the units under the same parent.")
    )
    # Denormalised so that every listing, sheet and PDF names the unit with its library in
    # the same query that reads the unit; kept right by governance.services.org.
    library = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("library"),
        help_text=_("The library this unit belongs to (itself for a library)."),
    )
    label = models.CharField(
        _("name with library"),
        max_length=250,
        blank=True,
        editable=False,
        help_text=_("The unit's name with its library's, e.g. 临川区图书馆 · 借阅部."),
    )

    node_order_by = ["order", "code"]

    objects = OrgUnitManager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        permissions = [("act_for_unit", _("Can act for this unit and the units under it"))]

    def __str__(self) -> str:
        return self.label or self.name

    def full_label(self, library: OrgUnit | None) -> str:
        """The label this unit has under ``library`` (its nearest library, or none)."""
        if library is None or library.pk == self.pk or self.kind in LABEL_ALONE:
            return self.name
        return f"{library.name}{LABEL_SEPARATOR}{self.name}"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestry(self) -> str:
        """The units above this one, from the top: "体系 › 图书馆 › 部门"."""
        return " › ".join(unit.name for unit in self.get_ancestors()) or "—"

    ancestry.short_description = _("Belongs to")

    def get_active_display(self) -> str:
        return _("Active") if self.active else _("Inactive")


# Kinds named by their own name alone: the system and the libraries themselves.
LABEL_ALONE = (OrgUnit.Kind.SYSTEM, OrgUnit.Kind.LIBRARY)


class OrgUnitUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: a user's scope over a unit (indexed join, no varchar pk)."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("user scope")
        verbose_name_plural = _("user scopes")


class OrgUnitGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-FK guardian table: a group's scope over a unit."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group scope")
        verbose_name_plural = _("group scopes")


class Role(models.Model):
    """What a Django group means here: its key and whether it acts for every unit."""

    class Scope(models.TextChoices):
        GLOBAL = "global", _("All units")
        UNIT = "unit", _("Granted units and the units under them")

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="role", verbose_name=_("group")
    )
    key = models.SlugField(_("key"), max_length=40, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.group.name
