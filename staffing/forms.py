"""Forms of staffing's custom views (the viewsets' forms live with the viewsets)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.access import may_everywhere
from governance.fields import UnitChoiceField
from governance.forms import AsOfDateField
from governance.models import OrgUnit

from .models import Staff
from .selectors.structure import structure_units


class StructureForm(forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=OrgUnit.objects.none())
    as_of = AsOfDateField()

    def __init__(self, data=None, *, user):
        super().__init__(data)
        field = self.fields["unit"]
        field.required = False
        field.queryset = structure_units(user).order_by("path")
        scoped = not may_everywhere(user, Staff, "view")
        field.empty_label = _("All my units") if scoped else _("Whole system")
        self.fields["as_of"].initial = timezone.localdate()
        self.scoped = scoped

    def choice(self) -> tuple[OrgUnit | None, dt.date]:
        """The unit and date asked for; a bad value falls back to the default (and the
        form shows its error)."""
        cleaned = {}
        if self.is_bound:
            self.is_valid()
            cleaned = self.cleaned_data  # the valid fields, even when another one is not
        return cleaned.get("unit"), cleaned.get("as_of") or timezone.localdate()
