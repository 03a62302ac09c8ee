"""Forms for the access screens (the viewsets' forms live with the viewsets)."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit


class TreeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * (obj.depth - 1) + obj.name


class UserAccessForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.filter(role__isnull=False).order_by("role__order"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    units = TreeMultipleChoiceField(
        label=_("Acts for units"),
        queryset=OrgUnit.objects.order_by("path"),
        widget=forms.SelectMultiple(attrs={"size": 16}),
        required=False,
        help_text=_(
            "Department heads and staff act for these units and every unit under them. "
            "Roles marked as global act for all units regardless."
        ),
    )
