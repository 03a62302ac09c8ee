"""Admin viewsets: the scoped base every managed model uses, and the org tree.

Wagtail's generic views check model-level permissions only: the index lists every row
and edit/delete/inspect/history/usage/copy load any primary key. `ScopedModelViewSet`
narrows every generated view to the rows the user's permission policy allows (404
for anything else), so a model registered with a `ScopedPermissionPolicy` cannot leak
through a URL.
"""

from django import forms
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from .access import SELF, ScopedPermissionPolicy
from .models import OrgUnit
from .services import create_unit, update_unit

ANY_ACTION = ("view", "change", "delete")


class ScopedObjectMixin:
    """Loads the view's object only if the user may do one of ``object_actions`` on it."""

    object_actions: tuple[str, ...] = ANY_ACTION

    def dispatch(self, request, *args, **kwargs):
        # Wagtail answers a missing model permission with a redirect to the dashboard;
        # for a URL that names one row we answer 404 whatever the reason, so the reply
        # never tells whether the row exists.
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, self.object_actions, obj
        ):
            # 404, not 403: an out-of-scope user learns nothing about the row.
            raise Http404
        return obj


class ScopedUnitFormMixin:
    """Offers only the units the user may act for in the form's ``unit_field``, so a
    scoped user cannot file a row under someone else's unit (the choice fails validation)."""

    form_actions: tuple[str, ...] = ("change",)

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        unit_field = getattr(self.permission_policy, "unit_field", None)
        if not unit_field or unit_field == SELF:
            return form
        units = self.permission_policy.units_for(self.request.user, self.form_actions)
        hop, _sep, rest = unit_field.partition("__")
        if hop in form.fields:
            field = form.fields[hop]
            if rest:
                # e.g. "item__lead_unit": offer only the items of those units.
                field.queryset = field.queryset.filter(**{f"{rest}__in": units})
            else:
                field.queryset = units.order_by("path")
        return form


class ScopedIndexView(generic.IndexView):
    """Lists (and exports) only the rows the user may view, change or delete."""

    def get_base_queryset(self):
        return self.permission_policy.filter_queryset(
            self.request.user, super().get_base_queryset(), ANY_ACTION
        )

    def _may(self, action, instance):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, action, instance
        )

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self._may("change", instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self._may("delete", instance) else None

    def get_copy_url(self, instance):
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, ("view", "change"), instance
        ):
            return None
        return super().get_copy_url(instance)


class ScopedCreateView(ScopedUnitFormMixin, generic.CreateView):
    form_actions = ("add",)


class ScopedEditView(ScopedObjectMixin, ScopedUnitFormMixin, generic.EditView):
    object_actions = ("change",)


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    object_actions = ("delete",)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedCopyView(ScopedObjectMixin, ScopedUnitFormMixin, generic.CopyView):
    object_actions = ("view", "change")
    form_actions = ("add",)


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedModelViewSet(ModelViewSet):
    """Base for every managed model; its policy must be a `ScopedPermissionPolicy`."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    copy_view_class = ScopedCopyView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    # Reordering moves rows the user may not see; subclasses that need it must scope it.
    sort_order_field = None
    # Chinese is not tokenised by the search backends: use icontains.
    search_backend_name = None
    inspect_view_enabled = True

    # Views a subclass switches off ("add", "delete"): no URL, no button, no link.
    disabled_views: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in self.disabled_views:
            view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in self.disabled_views]

    def on_register(self):
        policy = policy_registry.get_by_type(self.model, fallback=False)
        if not isinstance(policy, ScopedPermissionPolicy):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: register a ScopedPermissionPolicy for "
                f"{self.model._meta.label} at the top of wagtail_hooks.py"
            )
        super().on_register()


# -- the org tree ------------------------------------------------------------------------


class OrgUnitForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label=_("Parent unit"),
        help_text=_("Moving a unit moves the units under it too."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = policy_registry.get_by_type(OrgUnit)
        user = self.for_user
        choices = policy.filter_queryset(user, OrgUnit.objects.all(), ("add", "change"))
        current_parent = self.instance.get_parent() if self.instance.pk else None
        if self.instance.pk:
            # Not under itself or its own sub-units.
            choices = choices.exclude(path__startswith=self.instance.path)
        if current_parent is not None:
            choices = choices | OrgUnit.objects.filter(pk=current_parent.pk)
            self.fields["parent"].initial = current_parent.pk
        self.fields["parent"].queryset = choices.order_by("path")
        self.fields["parent"].label_from_instance = lambda u: "\u3000" * (u.depth - 1) + u.name
        # Only a role that acts for every unit may make a new root.
        self.may_make_root = policy.user_has_any_permission(user, ("change",)) and (
            policy.filter_queryset(user, OrgUnit.objects.all(), ("change",)).count()
            == OrgUnit.objects.count()
        )

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None and not self.may_make_root:
            raise forms.ValidationError(_("Choose the unit this one belongs to."))
        return parent

    class Meta:
        model = OrgUnit
        fields = ["parent", "kind", "code", "name", "short_name", "active", "order"]


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = {f: self.form.cleaned_data[f] for f in OrgUnitForm.Meta.fields if f != "parent"}
        return create_unit(parent=self.form.cleaned_data["parent"], user=self.request.user, **data)


class OrgUnitEditView(ScopedEditView):
    def save_instance(self):
        data = {f: self.form.cleaned_data[f] for f in OrgUnitForm.Meta.fields if f != "parent"}
        return update_unit(
            self.object, parent=self.form.cleaned_data["parent"], user=self.request.user, **data
        )


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
    list_display = [
        "name",
        "short_name",
        "code",
        "kind",
        BooleanColumn("active", label=_("active")),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "code"]
    list_export = ["code", "name", "short_name", "kind", "active", "depth", "order"]
    export_filename = "org-units"
    list_per_page = 100
    inspect_view_fields = ["name", "short_name", "code", "kind", "ancestry", "active", "order"]
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
