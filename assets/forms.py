"""The depreciation forms: the month to post, the reason of a correction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("reason for the correction"), max_length=200)
