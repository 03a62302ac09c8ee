"""The asset ledger's forms: the month to post, a correction's reason, a move of a card,
a file for a card; a stock-take, a count, an item found not on the books, a settlement;
a disposal and its decision."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.fields import (
    PersonChoiceField,
    PersonMultipleChoiceField,
    UnitChoiceField,
    UnitMultipleChoiceField,
)
from governance.models import OrgUnit
from reporting.forms import TableUploadForm
from reporting.uploads import check_content

from .models import (
    ASSET_FILE_EXTENSIONS,
    AssetCategory,
    AssetFile,
    Disposal,
    StockTakeLine,
    latest_posted_month,
    month_index,
    month_of,
)


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)


class LedgerImportForm(TableUploadForm):
    """The ledger's file and the month its depreciation is charged to (the old system's
    last month closed): the runs here continue from the month after."""

    charged_through = forms.RegexField(
        label=_("depreciation charged to (month)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Give a month as YYYY-MM.")},
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("The last month the old system charged: by default the latest month "
                    "posted here, or last month."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = latest_posted_month()
        if latest is None:
            latest = month_index(timezone.localdate()) - 1
        year, month = month_of(latest)
        self.fields["charged_through"].initial = f"{year}-{month:02d}"

    def clean_charged_through(self) -> int:
        year, month = (int(part) for part in self.cleaned_data["charged_through"].split("-"))
        return year * 12 + month - 1


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("reason for the correction"), max_length=200)


class MoveForm(forms.Form):
    """Issue (a person), return (nothing) or transfer (a unit, optionally a person)."""

    person = PersonChoiceField(label=_("person"), queryset=None, required=False)
    unit = UnitChoiceField(label=_("receiving unit"), queryset=None, required=False)
    location = forms.CharField(label=_("new location"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["unit"].queryset = OrgUnit.objects.filter(active=True)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class AssetFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AssetFile.Kind.choices)
    file = forms.FileField(label=_("file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in ASSET_FILE_EXTENSIONS:
            raise forms.ValidationError(
                _("This type of file is not accepted; use one of: %(types)s.")
                % {"types": ", ".join(ASSET_FILE_EXTENSIONS)}
            )
        if upload.size > settings.SHUXIANG_ASSET_FILE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(settings.SHUXIANG_ASSET_FILE_MAX_BYTES)}
            )
        check_content(upload, max_unpacked=settings.SHUXIANG_ASSET_FILE_MAX_BYTES * 5)
        return upload


class StockTakeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    units = UnitMultipleChoiceField(label=_("units counted"), queryset=None)
    location = forms.CharField(
        label=_("location"), max_length=200, required=False,
        help_text=_("Optional: only the cards whose location starts with this."),
    )  # fmt: skip
    ends_on = forms.DateField(label=_("counting ends on"), widget=forms.DateInput({"type": "date"}))
    counters = PersonMultipleChoiceField(label=_("counters"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = OrgUnit.objects.filter(active=True)
        self.fields["counters"].queryset = get_user_model().objects.filter(is_active=True)


class CountForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("here", "here"), ("elsewhere", "elsewhere")])
    damaged = forms.BooleanField(label=_("damaged"), required=False)
    found_location = forms.CharField(label=_("where found"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class SurplusForm(forms.Form):
    description = forms.CharField(label=_("what was found"), max_length=200)
    category = forms.ModelChoiceField(label=_("category"), queryset=AssetCategory.objects.all())
    unit = UnitChoiceField(label=_("unit"), queryset=None)
    found_location = forms.CharField(label=_("where found"), max_length=200)
    value_source = forms.ChoiceField(
        label=_("valued by"), choices=StockTakeLine.ValueSource.choices,
        help_text=_("In this order: a voucher, an appraisal, the replacement cost; only "
                    "when none is known, the nominal ¥1."),
    )  # fmt: skip
    value = forms.DecimalField(
        label=_("value (yuan)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(active=True)


class SettleForm(forms.Form):
    approval_ref = forms.CharField(label=_("approval reference"), max_length=100)


class DisposalForm(forms.ModelForm):
    numbers = forms.CharField(
        label=_("asset numbers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line (or separated by commas)."),
    )

    class Meta:
        model = Disposal
        fields = ["kind", "grounds", "reason", "decision_ref", "appraisal_ref", "proceeds"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def numbers_list(self) -> list[str]:
        return re.split(r"[\s,，、;；]+", self.cleaned_data["numbers"])


class DecideForm(forms.Form):
    reference = forms.CharField(label=_("approval reference or reason"), max_length=100)
