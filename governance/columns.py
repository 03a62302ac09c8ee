"""Clean Chinese in every listing and inspect page: 是/否 for booleans, — for nothing,
people by name, amounts with separators. ``ScopedIndexView`` and ``ScopedInspectView``
apply it to every field a viewset names; a hand-made column can be a ``CleanColumn`` too."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column

from .people import EMPTY, person_name


def clean_value(value):
    """What a screen shows for ``value``: 是/否, —, a person's name, an amount with its
    thousands separated (36,000,000.00), or ``value`` itself."""
    if value is None or value == "" or value == "-":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal) and abs(value) >= 1000:
        return f"{value:,}"
    if isinstance(value, get_user_model()):
        return person_name(value)
    return value


class CleanColumn(Column):
    """A field's column that never shows True/False/None or a login name."""

    empty_value_display = EMPTY

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        raw = context["raw_value"]
        cleaned = clean_value(raw)
        if cleaned is not raw:  # else keep Wagtail's (unlocalised numbers)
            context["value"] = cleaned
        return context


class YesNoColumn(CleanColumn):
    """A boolean as 是/否 (Wagtail's BooleanColumn shows an icon titled "True")."""


def user_fields(model, field_names) -> list[str]:
    """The names in ``field_names`` that are foreign keys from ``model`` to users."""
    user_model = get_user_model()
    found = []
    for name in field_names:
        if not isinstance(name, str):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a method or property, not a field
            continue
        if getattr(field, "related_model", None) is user_model and field.many_to_one:
            found.append(name)
    return found
