"""Form fields for choosing units and people, used by every form and listing filter.

- ``UnitChoiceField`` / ``UnitMultipleChoiceField``: units by their label
  ("临川区图书馆 · 借阅部"), grouped by library (``<optgroup>``), with a search box
  (code, short name and name match). The queryset is the caller's: a scoped form keeps
  offering exactly the units it offered before.
- ``PersonChoiceField``: users by their person's name, the 工号 added where names repeat.
- ``register_form_fields()``: makes Wagtail's admin model forms use them for every foreign
  key / many-to-many to ``OrgUnit`` and every foreign key to the user model (lead unit,
  partner units, Staff.unit, Contribution.unit, responsible person …).
- ``ShuxiangFilterSet``: the same fields in the listings' filters.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import register_form_field_override

from reporting.widgets import SearchableSelect, SearchableSelectMultiple

from .models import OrgUnit
from .people import person_labels, person_record_related


def unit_search_text(unit: OrgUnit) -> str:
    return " ".join(filter(None, [unit.code, unit.short_name]))


class UnitChoiceIterator(ModelChoiceIterator):
    """The units in tree order, grouped under their library; units above any library
    (the system) come first, ungrouped. One query (the library joined)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        null_label = getattr(self.field, "null_label", None)  # django-filter's "none" choice
        if null_label is not None:
            yield (self.field.null_value, null_label)
        loose, groups = [], {}
        for unit in self.queryset.select_related("library"):
            choice = self.choice(unit)
            if unit.library_id is None:
                loose.append(choice)
            else:
                groups.setdefault(unit.library_id, (unit.library.name, []))[1].append(choice)
        yield from loose
        yield from groups.values()


class UnitFieldMixin:
    iterator = UnitChoiceIterator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", self.widget_class(attrs={"data-unit-picker": ""}))
        super().__init__(*args, **kwargs)
        self.widget.search_text = unit_search_text

    def label_from_instance(self, obj):
        return str(obj)


class UnitChoiceField(UnitFieldMixin, forms.ModelChoiceField):
    widget_class = SearchableSelect


class UnitMultipleChoiceField(UnitFieldMixin, forms.ModelMultipleChoiceField):
    widget_class = SearchableSelectMultiple


class PersonChoiceIterator(ModelChoiceIterator):
    """People by name (工号 added where two share one), sorted by name, in one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        users = list(self.queryset.select_related(*person_record_related()))
        labels = person_labels(users)
        for user in sorted(users, key=lambda u: labels[u.pk]):
            yield (self.choice(user)[0], labels[user.pk])


class PersonChoiceField(forms.ModelChoiceField):
    iterator = PersonChoiceIterator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", SearchableSelect)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return person_labels([obj])[obj.pk]


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several people by name (a committee, a distribution list)."""

    iterator = PersonChoiceIterator

    def label_from_instance(self, obj):
        return person_labels([obj])[obj.pk]


def _many_to_many_override(db_field):
    if db_field.related_model is OrgUnit:
        return {"form_class": UnitMultipleChoiceField}
    return {}


def register_form_fields() -> None:
    """Unit and person pickers for every admin model form (Wagtail's field overrides)."""
    register_form_field_override(
        models.ForeignKey, to=OrgUnit, override={"form_class": UnitChoiceField}
    )
    register_form_field_override(
        models.ForeignKey, to=get_user_model(), override={"form_class": PersonChoiceField}
    )
    register_form_field_override(models.ManyToManyField, override=_many_to_many_override)


# Listing filters ---------------------------------------------------------------------


class UnitFilterField(UnitFieldMixin, django_filters.fields.ModelChoiceField):
    widget_class = SearchableSelect


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))  # as Wagtail's other filters say
        super().__init__(*args, **kwargs)


class UnitMultipleFilterField(UnitFieldMixin, django_filters.fields.ModelMultipleChoiceField):
    widget_class = SearchableSelectMultiple


class UnitMultipleFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = UnitMultipleFilterField


class PersonFilterField(django_filters.fields.ModelChoiceField):
    iterator = PersonChoiceIterator

    def label_from_instance(self, obj):
        return person_labels([obj])[obj.pk]


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)


class ShuxiangFilterSet(WagtailFilterSet):
    """Wagtail's filter set, with units grouped by library and people by name."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        related = getattr(field, "related_model", None)
        if related is OrgUnit and filter_class is django_filters.ModelChoiceFilter:
            filter_class = UnitFilter
        elif related is OrgUnit and filter_class is django_filters.ModelMultipleChoiceFilter:
            filter_class = UnitMultipleFilter
        elif related is get_user_model() and filter_class is django_filters.ModelChoiceFilter:
            filter_class = PersonFilter
        return filter_class, params
