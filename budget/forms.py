"""The budget's small action forms: a reason, an approval reference, an adjustment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MONEY, Band, FundingSource


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


class ResultForm(forms.Form):
    """One indicator's line of the self-evaluation: the actual (a value, or a band for a
    qualitative indicator), what was achieved, and the reason for a deviation."""

    actual_value = forms.DecimalField(
        label=_("actual value"), max_digits=14, decimal_places=2, required=False
    )
    band = forms.ChoiceField(
        label=_("achievement"), choices=[("", "—"), *Band.choices], required=False
    )
    actual_text = forms.CharField(label=_("what was achieved"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("reason for the deviation and what will be done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class EvaluationForm(forms.Form):
    goal_result = forms.CharField(
        label=_("what the year achieved"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MonitoringLineForm(forms.Form):
    cumulative = forms.DecimalField(
        label=_("done so far"), max_digits=14, decimal_places=2, required=False
    )
    expected = forms.DecimalField(
        label=_("expected for the year"), max_digits=14, decimal_places=2, required=False
    )
    text = forms.CharField(label=_("progress in words"), max_length=200, required=False)
    deviation_reason = forms.CharField(
        label=_("reason for the deviation"), widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )  # fmt: skip
    correction = forms.CharField(
        label=_("corrective measures"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    adjust_target = forms.BooleanField(label=_("the target needs adjusting"), required=False)


class MonitoringForm(forms.Form):
    progress = forms.CharField(
        label=_("progress towards the annual goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
