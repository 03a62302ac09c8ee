"""The budget's small action forms: a reason, an approval reference, an adjustment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MONEY, FundingSource


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("approval reference"), max_length=100, required=False)


class BudgetAdjustmentForm(forms.Form):
    source = forms.ChoiceField(label=_("funding source"), choices=FundingSource.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        help_text=_("Positive to add, negative to reduce."),
        **MONEY,
    )
    reference = forms.CharField(label=_("approval reference"), max_length=100)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
