"""Admin views that correct a plan's outline after import: add an item, move it under
another parent or among its siblings, delete it. Planning office only (a global
permission: a head, who may edit their own items, gets 403); items out of reach are
404. The work is done by `governance.services.outline`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem

from governance.access import get_for_action_or_404, may_everywhere, require, visible
from governance.access.viewsets import OperationView
from governance.models import Plan, PlanItem
from governance.services.outline import (
    add_item,
    delete_item,
    item_position,
    move_item,
    reorder_item,
    reported_on,
)


class _ParentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * (obj.depth - 1) + str(obj)


class PlaceForm(forms.Form):
    parent = _ParentField(
        queryset=PlanItem.objects.none(),
        required=False,
        label=gettext_lazy("Under"),
        empty_label=gettext_lazy("(the top level of the plan)"),
    )
    position = forms.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("Place among its siblings"),
        help_text=gettext_lazy("1 is the first; leave empty to put it last."),
    )

    def __init__(self, *args, plan: Plan, user, exclude: PlanItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = visible(user, PlanItem.objects.filter(plan=plan)).order_by("path")
        if exclude is not None:
            parents = parents.exclude(path__startswith=exclude.path)
        self.fields["parent"].queryset = parents

    def place(self) -> tuple[PlanItem | None, int | None]:
        position = self.cleaned_data.get("position")
        return self.cleaned_data.get("parent"), (position - 1 if position else None)


class AddItemForm(PlaceForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    number = forms.CharField(
        label=gettext_lazy("Number"),
        max_length=20,
        required=False,
        help_text=gettext_lazy(
            "Among siblings numbered 1, 2, 3… the item is numbered by its place; "
            "otherwise this number is kept."
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=PlanItem.Kind.choices, initial=PlanItem.Kind.TASK
    )
    field_order = ["title", "number", "kind", "parent", "position"]


def _listing_url(plan_id: int) -> str:
    return reverse("governance_planitem:index") + f"?plan={plan_id}"


def _say_numbers(request, renumbered: bool) -> None:
    if renumbered:
        messages.success(request, _("The numbers of its siblings were brought in order."))
    else:
        messages.warning(
            request,
            _(
                "The numbers were left as written (the siblings are not numbered 1, 2, 3… "
                "in one style): check them."
            ),
        )


def outline_add(request, plan_pk: int):
    """Add an item to a plan's outline."""
    require(request.user, PlanItem, "add", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = request.GET["parent"]
    form = AddItemForm(request.POST or None, plan=plan, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        parent, position = form.place()
        try:
            outcome = add_item(
                plan,
                user=request.user,
                title=form.cleaned_data["title"],
                number=form.cleaned_data["number"],
                kind=form.cleaned_data["kind"],
                parent=parent,
                position=position,
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("“%(item)s” added.") % {"item": outcome.item})
            _say_numbers(request, outcome.renumbered)
            return redirect(_listing_url(plan.pk))
    return TemplateResponse(
        request,
        "governance/plan/outline_form.html",
        {"form": form, "plan": plan, "title": _("Add an item"), "item": None},
    )


def outline_move(request, item_pk: int):
    """Move an item (with its sub-items) under another parent or to another place."""
    require(request.user, PlanItem, "change", everywhere=True)
    item = get_for_action_or_404(
        request.user, PlanItem.objects.select_related("plan"), "change", pk=item_pk
    )
    initial = {"parent": item.get_parent(), "position": item_position(item) + 1}
    form = PlaceForm(
        request.POST or None, plan=item.plan, user=request.user, exclude=item, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        parent, position = form.place()
        try:
            outcome = move_item(item, user=request.user, parent=parent, position=position)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("“%(item)s” moved.") % {"item": outcome.item})
            _say_numbers(request, outcome.renumbered)
            return redirect(_listing_url(item.plan_id))
    return TemplateResponse(
        request,
        "governance/plan/outline_form.html",
        {"form": form, "plan": item.plan, "title": _("Move an item"), "item": item},
    )


class _OutlineOperation(OperationView):
    model = PlanItem
    pk_url_kwarg = "item_pk"

    def dispatch(self, request, *args, **kwargs):
        require(request.user, PlanItem, self.action, everywhere=True)
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return _listing_url(self.object.plan_id)


class ReorderItemView(_OutlineOperation):
    """One place up or down among its siblings (POST only)."""

    action = "change"

    def perform_operation(self):
        step = -1 if self.kwargs["direction"] == "up" else 1
        position = max(0, item_position(self.object) + step)
        self.outcome = reorder_item(self.object, user=self.request.user, position=position)

    def get_success_message(self):
        return _("“%(item)s” moved.") % {"item": self.outcome.item}

    def add_success_message(self):
        super().add_success_message()
        _say_numbers(self.request, self.outcome.renumbered)


class DeleteItemView(_OutlineOperation):
    """Confirm, then delete an item and its sub-items (refused while reported on)."""

    action = "delete"
    template_name = "governance/plan/outline_delete.html"

    def get_context_data(self, **kwargs):
        return {
            "item": self.object,
            "descendants": self.object.get_descendants(),
            "recorded": reported_on(self.object),
            **kwargs,
        }

    def perform_operation(self):
        self.title = str(self.object)
        self.outcome = delete_item(self.object, user=self.request.user)

    def get_success_message(self):
        return _("“%(item)s” deleted.") % {"item": self.title}

    def add_success_message(self):
        super().add_success_message()
        _say_numbers(self.request, self.outcome.renumbered)


def outline_buttons(user, item: PlanItem) -> list[MenuItem]:
    """The outline actions for an item's row in the listing, in its "more" menu
    (planning office only)."""
    buttons = []
    if may_everywhere(user, PlanItem, "add"):
        buttons.append(
            MenuItem(
                _("Add a sub-item"),
                url=reverse("plan_outline_add", args=[item.plan_id]) + f"?parent={item.pk}",
                icon_name="plus",
                priority=20,
            )
        )
    if may_everywhere(user, PlanItem, "change"):
        buttons.append(
            MenuItem(
                _("Move or reorder"),
                url=reverse("plan_outline_move", args=[item.pk]),
                icon_name="order",
                priority=21,
            )
        )
    if may_everywhere(user, PlanItem, "delete"):
        buttons.append(
            MenuItem(
                _("Delete from the outline"),
                url=reverse("plan_outline_delete", args=[item.pk]),
                icon_name="bin",
                priority=22,
            )
        )
    return buttons
