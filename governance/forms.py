"""Forms of governance's custom views: the access screen, the plan's workflows (import,
report, contribute, review, as-of date), and the board's (attendance, a paper, a
resolution)."""

import datetime as dt
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from reporting.forms import UploadForm
from reporting.uploads import check_content

from .fields import UnitMultipleChoiceField
from .models import (
    EVIDENCE_EXTENSIONS,
    BoardMeeting,
    OrgUnit,
    Period,
    Plan,
    ProgressReport,
    Resolution,
)


class UserAccessForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.filter(role__isnull=False).order_by("role__order"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    units = UnitMultipleChoiceField(
        label=_("Acts for units"),
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        help_text=_(
            "Department heads and staff act for these units and every unit under them. "
            "Roles marked as global act for all units regardless."
        ),
    )


EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


def started_open_periods(plan: Plan):
    """The open periods that have begun: no reporting on a quarter still to come."""
    today = timezone.localdate()
    return Period.objects.filter(plan=plan, closed_at__isnull=True).filter(
        Q(year__lt=today.year) | Q(year=today.year, quarter__lte=(today.month + 2) // 3)
    )


class PlanImportForm(UploadForm):
    suffixes = (".docx", ".txt")
    start_year = forms.IntegerField(
        label=_("First year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Only needed when the document does not say (e.g. 十四五 → 2021)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = getattr(settings, "SHUXIANG_PLAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
        self.fields["file"].label = _("Plan document")
        self.fields["file"].help_text = _(
            "The approved plan as a Word document (.docx) or plain text (.txt)."
        )

    def wrong_type_message(self):
        return _("Choose a .docx or .txt file; save a .doc or .pdf as .docx first.")


EVIDENCE_MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files at once (each checked: type and size), or none."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Evidence files"))
        kwargs.setdefault(
            "help_text",
            _(
                "Optional: photos, PDFs or documents (%(types)s), up to 20 MB each; "
                "choose several at once if needed."
            )
            % {"types": ", ".join(EVIDENCE_EXTENSIONS)},
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if len(uploads) > EVIDENCE_MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s files at a time.") % {"count": EVIDENCE_MAX_FILES}
            )
        files = [super(EvidenceFilesField, self).clean(u, initial) for u in uploads]
        for upload in files:
            if Path(upload.name).suffix.lower().lstrip(".") not in EVIDENCE_EXTENSIONS:
                raise forms.ValidationError(
                    _("“%(name)s”: this type of file is not accepted; use one of: %(types)s.")
                    % {"name": upload.name, "types": ", ".join(EVIDENCE_EXTENSIONS)}
                )
            if upload.size > EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than 20 MB.") % {"name": upload.name}
                )
        return files


class ReportForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.none())
    percent = forms.DecimalField(
        label=_("Progress (%)"), min_value=0, max_value=100, decimal_places=2
    )
    health = forms.ChoiceField(label=_("Health"), choices=ProgressReport.Health.choices)
    narrative = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}))
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = EvidenceFilesField()

    def __init__(self, *args, plan: Plan, evidence: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = started_open_periods(plan)
        if not evidence:
            del self.fields["evidence"]  # the user may not attach files


class ContributionForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.none())
    text = forms.CharField(label=_("Our contribution"), widget=forms.Textarea(attrs={"rows": 5}))
    evidence = EvidenceFilesField()

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = started_open_periods(plan)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)


class AsOfDateField(forms.DateField):
    """The date a dashboard or structure is shown as of: a plausible date, or an error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("As of"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(dt.date(1950, 1, 1)),
            MaxValueValidator(dt.date(2100, 12, 31)),
        ]


class AsOfForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.all(), required=False)
    as_of = AsOfDateField()

    def as_of_date(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]
        return timezone.localdate()


class VersionForm(forms.Form):
    """The dashboard's choice of the plan's version: the plan as it stands (empty), or a
    stored version by its number and the date it came into force. The view reads the
    number itself (an unknown one is a 404); this form only draws the select."""

    version = forms.ChoiceField(label=capfirst(_("plan version")), required=False)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [
            ("", _("Current version")),
            *((v.number, self.label_of(v)) for v in versions),
        ]

    @staticmethod
    def label_of(version) -> str:
        if version.effective_on is None:
            return _("Version %(number)s") % {"number": version.number}
        return _("Version %(number)s (in force from %(date)s)") % {
            "number": version.number,
            "date": version.effective_on.isoformat(),
        }


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form with the password field labelled (translated)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


# -- the board ---------------------------------------------------------------------------

BOARD_PAPER_MAX_BYTES = 20 * 1024 * 1024


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("trustees present"), queryset=None, widget=forms.CheckboxSelectMultiple,
        required=False,
    )  # fmt: skip

    def __init__(self, *args, trustees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = trustees


class BoardPaperForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("file"),
        help_text=_("PDF, documents or images (%(types)s), up to 20 MB.")
        % {"types": ", ".join(EVIDENCE_EXTENSIONS)},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in EVIDENCE_EXTENSIONS:
            raise forms.ValidationError(
                _("This type of file is not accepted; use one of: %(types)s.")
                % {"types": ", ".join(EVIDENCE_EXTENSIONS)}
            )
        if upload.size > BOARD_PAPER_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        check_content(upload, max_unpacked=BOARD_PAPER_MAX_BYTES * 5)
        return upload


class ResolutionForm(forms.ModelForm):
    """A resolution of a meeting held (its rules: ``Resolution.clean``)."""

    class Meta:
        model = Resolution
        fields = ["meeting", "number", "type", "title", "text", "party_review", "votes_for",
                  "votes_against", "abstentions"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = BoardMeeting.objects.filter(
            state=BoardMeeting.State.HELD
        ).order_by("-date")
