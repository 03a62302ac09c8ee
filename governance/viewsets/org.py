"""Admin viewset of the org tree. A department head edits the units under their own
unit (never the unit they were granted) and never a unit's code, parent or active flag:
those shape the tree and the scopes, and belong to the roles that act for every unit."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views import generic

from governance.access import may_everywhere, visible
from governance.access.viewsets import ScopedEditView, ScopedIndexView, ScopedModelViewSet
from governance.columns import YesNoColumn
from governance.fields import UnitChoiceField
from governance.models import OrgUnit
from governance.services.org import create_unit, update_unit

# What only a role acting for every unit may set on an existing unit.
STRUCTURE_FIELDS = ("code", "parent", "active")


class OrgUnitForm(WagtailAdminModelForm):
    parent = UnitChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label=_("Parent unit"),
        help_text=_("Moving a unit moves the units under it too."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.manages_tree = may_everywhere(user, OrgUnit, "change")
        if not self.manages_tree:
            for name in STRUCTURE_FIELDS if self.instance.pk else ("active",):
                del self.fields[name]
            if self.instance.pk:
                return
        choices = visible(user, OrgUnit, ("add", "change"))
        current_parent = self.instance.get_parent() if self.instance.pk else None
        if self.instance.pk:
            # Not under itself or its own sub-units.
            choices = choices.exclude(path__startswith=self.instance.path)
        if current_parent is not None:
            choices = choices | OrgUnit.objects.filter(pk=current_parent.pk)
            self.fields["parent"].initial = current_parent.pk
        self.fields["parent"].queryset = choices.order_by("path")
        # Only a role that acts for every unit may make a new root.
        self.may_make_root = self.manages_tree

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None and not self.may_make_root:
            raise forms.ValidationError(_("Choose the unit this one belongs to."))
        return parent

    class Meta:
        model = OrgUnit
        fields = ["parent", "kind", "code", "name", "short_name", "active", "order"]


def _values(form) -> dict:
    """The unit's fields the form offered (a head's form lacks the structure fields)."""
    return {f: form.cleaned_data[f] for f in OrgUnitForm.Meta.fields if f in form.cleaned_data}


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = _values(self.form)
        parent = data.pop("parent", None)
        return create_unit(parent=parent, user=self.request.user, **data)


class OrgUnitEditView(ScopedEditView):
    def save_instance(self):
        data = _values(self.form)
        parent = data.pop("parent") if "parent" in data else self.object.get_parent()
        return update_unit(self.object, parent=parent, user=self.request.user, **data)


class TreeTitleColumn(TitleColumn):
    """The unit's name indented by its depth, so the listing reads as the tree."""

    def get_value(self, instance):
        return "\u3000\u3000" * (instance.depth - 1) + instance.name


class OrgUnitIndexView(ScopedIndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        return super()._get_title_column(field_name, TreeTitleColumn, **kwargs)


class OrgUnitViewSet(ScopedModelViewSet):
    model = OrgUnit
    icon = "group"
    menu_label = _("Org units")
    menu_order = 200
    add_to_admin_menu = True
    index_view_class = OrgUnitIndexView
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
    copy_view_enabled = False
    list_select_related = ("library",)
    list_display = [
        "name",
        "library",
        "short_name",
        "code",
        "kind",
        YesNoColumn("active", label=_("active")),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["label", "short_name", "code"]
    list_export = ["code", "name", "label", "short_name", "kind", "active", "depth", "order"]
    export_filename = "org-units"
    list_per_page = 100
    inspect_view_fields = [
        "name",
        "label",
        "short_name",
        "code",
        "kind",
        "ancestry",
        "active",
        "order",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("parent"),
            FieldPanel("kind"),
            FieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("short_name"),
            FieldPanel("active"),
            FieldPanel("order"),
        ],
        base_form_class=OrgUnitForm,
    )
