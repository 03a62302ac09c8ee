"""The appraisal's forms: opening a cycle, a self-summary, a head's scores and proposal,
HR's correction of who takes part, the publicity's start, an appeal."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.fields import PersonChoiceField, PersonMultipleChoiceField
from governance.models import OrgUnit

from .models import Appeal, Appraisal, AppraisalCycle, CommitteeMember, Grade

SCORE_FIELD = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5}


class OpenCycleForm(forms.Form):
    library = forms.ModelChoiceField(
        label=_("Library"), queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AppraisalCycle.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4, required=False)
    term_from = forms.IntegerField(
        label=_("Term from"), min_value=2000, max_value=2100, required=False
    )
    quota_basis = forms.ChoiceField(
        label=_("Excellent quota"), choices=AppraisalCycle.QuotaBasis.choices
    )
    approval_reference = forms.CharField(label=_("Approval reference"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SummaryForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = [
            "summary_morality",
            "summary_competence",
            "summary_diligence",
            "summary_achievement",
            "summary_integrity",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class ScoreForm(forms.Form):
    morality = forms.DecimalField(label=_("morality (德)"), **SCORE_FIELD)
    competence = forms.DecimalField(label=_("competence (能)"), **SCORE_FIELD)
    diligence = forms.DecimalField(label=_("diligence (勤)"), **SCORE_FIELD)
    achievement = forms.DecimalField(label=_("achievement (绩)"), **SCORE_FIELD)
    integrity = forms.DecimalField(label=_("integrity (廉)"), **SCORE_FIELD)
    votes_excellent = forms.IntegerField(label=_("votes: excellent"), min_value=0, initial=0)
    votes_competent = forms.IntegerField(label=_("votes: competent"), min_value=0, initial=0)
    votes_basic = forms.IntegerField(label=_("votes: basically competent"), min_value=0, initial=0)
    votes_incompetent = forms.IntegerField(label=_("votes: incompetent"), min_value=0, initial=0)
    comment = forms.CharField(
        label=_("appraisal comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    proposed_grade = forms.ChoiceField(
        label=_("proposed grade"),
        choices=[("", "—"), *[(g, label) for g, label in Grade.choices if g != Grade.UNGRADED]],
        required=False,
    )


class ParticipationForm(forms.Form):
    participation = forms.ChoiceField(
        label=_("participation"), choices=Appraisal.Participation.choices
    )
    reason = forms.CharField(label=_("Reason for the correction"))


class PublicityForm(forms.Form):
    start = forms.DateField(
        label=_("Publicity from"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Appeal.Kind.choices)
    reasons = forms.CharField(label=_("reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class CommitteeForm(forms.Form):
    """The committee by role (Art.16); a person sits once, in the first role given."""

    chair = PersonChoiceField(label=_("Chair (the library's head)"), queryset=None)
    leader = PersonMultipleChoiceField(label=_("Library leaders"), queryset=None, required=False)
    hr = PersonMultipleChoiceField(label=_("Human resources"), queryset=None, required=False)
    discipline = PersonMultipleChoiceField(
        label=_("Discipline inspection"), queryset=None, required=False
    )
    staff_rep = PersonMultipleChoiceField(
        label=_("Staff representatives"), queryset=None, required=False
    )

    def __init__(self, *args, cycle: AppraisalCycle, **kwargs):
        seats = {
            role: [m.user_id for m in cycle.committee.all() if m.role == role]
            for role in CommitteeMember.Role.values
        }
        kwargs.setdefault("initial", {**seats, "chair": (seats["chair"] or [None])[0]})
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        for field in self.fields.values():
            field.queryset = people

    def members(self) -> list[tuple[object, str]]:
        data = self.cleaned_data
        return [(data["chair"], CommitteeMember.Role.CHAIR)] + [
            (person, role) for role in CommitteeMember.Role.values if role != "chair"
            for person in data[role]
        ]  # fmt: skip


class OtherItemsForm(forms.Form):
    evaluation = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    score = forms.DecimalField(label=_("Score"), **SCORE_FIELD)
    note = forms.CharField(label=_("What was scored"), max_length=200)


class ObjectionForm(forms.Form):
    """An objection received during the publicity, against one of the proposed 优秀."""

    appraisal = forms.ModelChoiceField(label=_("About"), queryset=Appraisal.objects.none())
    received_on = forms.DateField(
        label=_("received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label=_("objection"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cycle: AppraisalCycle, **kwargs):
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["appraisal"]
        field.queryset = (
            cycle.appraisals.filter(proposed_grade=Grade.EXCELLENT)
            .select_related("staff", "unit")
            .order_by("unit__path", "staff__staff_number")
        )
        field.label_from_instance = lambda a: f"{a.staff.name}（{a.unit.name}）"


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 3}))
    grade = forms.ChoiceField(
        label=_("Founded: propose instead"),
        choices=[("", _("Not founded: the proposal stands"))]
        + [(g, label) for g, label in Grade.choices if g not in (Grade.EXCELLENT, Grade.UNGRADED)],
        required=False,
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Appeal.Outcome.choices)
    new_grade = forms.ChoiceField(
        label=_("new grade"), choices=[("", "—"), *Grade.choices], required=False
    )
    decided_on = forms.DateField(
        label=_("decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decision = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Appeal.Outcome.CHANGED and not data.get("new_grade"):
            self.add_error("new_grade", _("Give the new grade of a changed result."))
        return data


class SettleForm(forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices)
    reason = forms.CharField(label=_("The case's outcome"))
