"""The scoped viewset every managed model uses, and the operation view for state changes.

Wagtail's generic views check model-level permissions only: the index lists every row
and edit/delete/inspect/history/usage/copy load any primary key. `ScopedModelViewSet`
narrows every generated view to the rows the user's permission policy allows (404
for anything else), so a model registered with a `ScopedPermissionPolicy` cannot leak
through a URL. `OperationView` does the same for a state change (close, accept, post…):
GET shows a confirmation, POST calls the service; out of scope is 404.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.viewsets.model import ModelViewSet

from governance.columns import CleanColumn, clean_value, user_fields
from governance.fields import ShuxiangFilterSet
from governance.people import person_name, person_select_related
from reporting.exports import SafeSpreadsheetExportMixin

from .policy import SELF, ScopedPermissionPolicy
from .shortcuts import policy_for

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


class ScopedIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """Lists (and exports) only the rows the user may view, change or delete; the rows'
    related objects come from the viewset's ``list_select_related``. Fields show clean
    Chinese (是/否, —, people by name); unit and people filters are grouped pickers."""

    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()
    base_filterset_class = ShuxiangFilterSet

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:
            column_class = CleanColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def get_base_queryset(self):
        queryset = self.permission_policy.filter_queryset(
            self.request.user, super().get_base_queryset(), ANY_ACTION
        )
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        if people := user_fields(self.model, self.list_display):
            queryset = queryset.select_related(*person_select_related(*people))  # names
        # The lock as a column, so the edit/delete links cost no query per row.
        return self.permission_policy.annotate_locked(queryset)

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


class RecordedCreateView(ScopedCreateView):
    """A create view whose row is written by a service (``record(instance, user=…)``,
    which checks the rules and leaves the history entry) and never edited afterwards: it
    opens the new row's page, with no Edit button."""

    @staticmethod
    def record(instance, *, user):
        raise NotImplementedError

    def save_instance(self):
        return type(self).record(self.form.instance, user=self.request.user)

    def get_success_url(self):
        namespace = self.index_url_name.rsplit(":", 1)[0]  # the viewset's own
        return reverse(f"{namespace}:inspect", args=[self.object.pk])

    def get_success_buttons(self):
        return []


class ScopedEditView(ScopedObjectMixin, ScopedUnitFormMixin, generic.EditView):
    object_actions = ("change",)


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    object_actions = ("delete",)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    def get_field_display_value(self, field_name, field):
        return clean_value(super().get_field_display_value(field_name, field))

    def related(self, queryset, actions=("view",)):
        """A related list for the inspect page, narrowed by *its* model's policy (a
        partner unit opening an item must not see the lead unit's draft reports)."""
        return policy_for(queryset.model).filter_queryset(self.request.user, queryset, actions)


class ScopedCopyView(ScopedObjectMixin, ScopedUnitFormMixin, generic.CopyView):
    object_actions = ("view", "change")
    form_actions = ("add",)


class PersonLogEntryUserColumn(history.LogEntryUserColumn):
    """Who did it, by the person's name (staff record first), never the login."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if context["value"] is not None:
            context["display_name"] = person_name(context["value"])
        return context


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    @cached_property
    def columns(self):
        return [
            PersonLogEntryUserColumn(column.name, label=column.label, width=column.width)
            if isinstance(column, history.LogEntryUserColumn)
            else column
            for column in super().columns
        ]

    def _annotate_queryset(self, queryset):
        return super()._annotate_queryset(queryset).select_related(*person_select_related("user"))


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
    # Related rows the listing shows (``"item__lead_unit"``): one JOIN, not a query a row.
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()

    # Views a subclass switches off ("add", "delete"): no URL, no button, no link.
    disabled_views: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in self.disabled_views:
            view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            list_select_related=self.list_select_related,
            list_prefetch_related=self.list_prefetch_related,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [p for p in super().get_urlpatterns() if p.name not in self.disabled_views]

    def on_register(self):
        policy = policy_for(self.model)  # raises without a scoped policy
        if not isinstance(policy, ScopedPermissionPolicy):  # pragma: no cover - policy_for
            raise ImproperlyConfigured(f"{self.model._meta.label}: not a scoped policy")
        super().on_register()


class OperationView(BaseOperationView):
    """A state change on one row through a service: GET asks for confirmation, POST
    performs it. The row is fetched through the model's policy for ``action`` (404 when
    out of scope); a `ValidationError` from the service is shown, nothing changes.

    Subclasses set ``model``, ``action``, ``template_name``, ``success_url_name`` (or
    ``get_success_url``) and implement ``perform_operation`` (calling the service) and,
    for the confirmation page, ``get_context_data``.
    """

    action = "change"
    template_name = ""
    form_class = None  # optional: a form whose cleaned data the operation reads

    def get_base_object_queryset(self):
        return policy_for(self.model).filter_queryset(
            self.request.user, self.model._default_manager.all(), [self.action]
        )

    def get_object(self):
        obj = super().get_object()
        if not policy_for(self.model).user_has_permission_for_instance(
            self.request.user, self.action, obj
        ):
            raise Http404  # in scope but locked (closed, accepted, posted…)
        return obj

    def get_context_data(self, **kwargs):
        return {"object": self.object, **kwargs}

    def get(self, request, *args, **kwargs):
        if not self.template_name:
            raise Http404
        form = self.form_class() if self.form_class else None
        return TemplateResponse(request, self.template_name, self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.form = self.form_class(request.POST) if self.form_class else None
        if self.form is not None and not self.form.is_valid():
            messages.error(request, self.invalid_form_message())
            return redirect(self.get_failure_url())
        try:
            self.perform_operation()
        except ValidationError as error:
            messages.error(request, self.error_message(error))
            return redirect(self.get_failure_url())
        self.add_success_message()
        return redirect(self.get_success_url())

    def invalid_form_message(self) -> str:
        return _("The form could not be read: try again.")

    def error_message(self, error: ValidationError) -> str:
        return " ".join(error.messages)

    def get_failure_url(self):
        return self.get_success_url()
