"""Forms of staffing's custom views (the viewsets' forms live with the viewsets)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

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


# Fields of the staff row that have a dated history: the edit form changes them through
# the services (transfer, education, status), each with the date it took effect.
HISTORY_FIELDS = ("unit", "education", "degree", "major", "discipline")


class StaffForm(WagtailAdminModelForm):
    """HR's staff form: a change of unit or education asks when it took effect
    (``changed_on``), a change of status its ``status_date`` — never today's by default,
    as past structures and compliance count people by these dates."""

    changed_on = forms.DateField(
        label=gettext_lazy("Unit or education changed on"),
        required=False,
        help_text=gettext_lazy(
            "Needed when the unit or the education changes: the structure of a past date "
            "counts the person where they were and with the degree they had then."
        ),
    )

    def changed_history_fields(self) -> list[str]:
        if self.instance.pk is None:
            return []
        return [name for name in HISTORY_FIELDS if name in self.changed_data]

    def clean(self):
        cleaned = super().clean()
        if self.changed_history_fields() and not cleaned.get("changed_on"):
            self.add_error("changed_on", _("Give the date the unit or education changed."))
        status = cleaned.get("status")
        if (
            self.instance.pk is not None
            and "status" in self.changed_data
            and not cleaned.get("status_date")
        ):
            self.add_error(
                "status_date",
                _("Give the date the status became “%(status)s”.")
                % {"status": Staff.Status(status).label if status else "—"},
            )
        return cleaned
