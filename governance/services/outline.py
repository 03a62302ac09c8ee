"""Correcting a plan's outline after import: add an item, move it under another parent or
among its siblings, delete it while nothing is reported on it. Planning office only;
each call is atomic (the plan row locked), writes one history entry and refreshes the
stored roll-up.

Numbers: the importer keeps numbers as written (一、 （一） 1．…). After a change, a group
of siblings whose numbers all follow one style, counted from 1 in order, is renumbered
in that style (a moved item takes the style of its new siblings); a group numbered any
other way (gaps, mixed styles, no numbers) is left as written, and the service says so
in its result (``Outcome.renumbered``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import may_everywhere
from governance.importers.plan import format_number, number_style
from governance.models import AnnualTarget, Contribution, Plan, PlanItem, ProgressReport
from governance.services.plan import refresh_progress

ADD_ACTION = "shuxiang.outline.add"
MOVE_ACTION = "shuxiang.outline.move"
DELETE_ACTION = "shuxiang.outline.delete"


@dataclass
class Outcome:
    item: PlanItem | None
    renumbered: bool  # False: the numbers were left as written


def _require_planning_office(user, action: str) -> None:
    # The outline is the planning office's: a head may edit their items' fields, never
    # the tree (a global permission, not one for their units).
    if not may_everywhere(user, PlanItem, action):
        raise PermissionDenied


def _lock(plan: Plan) -> None:
    Plan.objects.select_for_update().filter(pk=plan.pk).first()


def _siblings(plan: Plan, parent: PlanItem | None) -> list[PlanItem]:
    rows = PlanItem.objects.filter(plan=plan)
    if parent is None:
        return list(rows.filter(depth=1).order_by("path"))
    return list(rows.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))


def _counted_style(siblings: list[PlanItem]) -> str | None:
    """The style the siblings' numbers follow when they count 1, 2, 3… in order in one
    style; None otherwise (or when there are no siblings)."""
    styles = [number_style(s.number) for s in siblings]
    if not styles or None in styles or len({style for style, _n in styles}) != 1:
        return None
    if [n for _style, n in styles] != list(range(1, len(styles) + 1)):
        return None
    return styles[0][0]


def _renumber(siblings: list[PlanItem], style: str | None) -> bool:
    """Number ``siblings`` 1, 2, 3… in ``style``; False (nothing changed) without one."""
    if style is None:
        return False
    changed = []
    for position, sibling in enumerate(siblings, start=1):
        number = format_number(style, position)
        if sibling.number != number:
            sibling.number = number
            changed.append(sibling)
    PlanItem.objects.bulk_update(changed, ["number"])
    return True


def _check_parent(plan: Plan, parent: PlanItem | None) -> None:
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError(_("“%(parent)s” is an item of another plan.") % {"parent": parent})


def _place(plan: Plan, parent: PlanItem | None, position: int | None, *, item=None, new=None):
    """Put ``item`` (moved) or ``new`` (added) at ``position`` (0-based; last when None)
    among ``parent``'s children (the plan's top level when None)."""
    siblings = [s for s in _siblings(plan, parent) if item is None or s.pk != item.pk]
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    if position < len(siblings):
        target, where = siblings[position], "left"
    elif siblings:
        target, where = siblings[-1], "right"
    else:
        target, where = parent, "last-child"
    if new is not None:
        if target is None:  # a plan with no items yet
            return PlanItem.add_root(instance=new)
        if where == "last-child":
            return target.add_child(instance=new)
        return target.add_sibling(where, instance=new)
    if target is None:  # the only top-level item, moved to the top level: stays
        return item
    item.move(target, where)
    return PlanItem.objects.get(pk=item.pk)


def add_item(
    plan: Plan,
    *,
    user,
    title: str,
    parent: PlanItem | None = None,
    position: int | None = None,
    number: str = "",
    kind: str = PlanItem.Kind.TASK,
    text: str = "",
) -> Outcome:
    """Add an item under ``parent`` (the top level when None) at ``position`` among its
    children (0-based; last when None). Among siblings numbered 1, 2, 3… it takes its
    place's number; otherwise it keeps ``number`` as given."""
    _require_planning_office(user, "add")
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the new item a title."))
    with transaction.atomic():
        _lock(plan)
        _check_parent(plan, parent)
        if parent is not None:
            parent.refresh_from_db()
        style = _counted_style(_siblings(plan, parent))
        new = PlanItem(
            plan=plan, title=title[:200], text=text or title, kind=kind, number=number.strip()[:20]
        )
        item = _place(plan, parent, position, new=new)
        renumbered = _renumber(_siblings(plan, parent), style)
        item.refresh_from_db()
        log(
            instance=item,
            action=ADD_ACTION,
            user=user,
            data={"title": str(item), "parent": str(parent) if parent else ""},
        )
        refresh_progress(plan)
    return Outcome(item, renumbered)


def move_item(
    item: PlanItem, *, user, parent: PlanItem | None = None, position: int | None = None
) -> Outcome:
    """Move ``item`` (with its sub-items) under ``parent`` (the plan's top level when
    None) at ``position`` among its children (0-based; last when None). Reordering
    among siblings is a move under the same parent (`reorder_item`)."""
    _require_planning_office(user, "change")
    with transaction.atomic():
        _lock(item.plan)
        item.refresh_from_db()
        plan = item.plan
        _check_parent(plan, parent)
        if parent is not None:
            parent.refresh_from_db()
            if parent.path.startswith(item.path):
                raise ValidationError(
                    _("“%(item)s” cannot be moved under itself or one of its sub-items.")
                    % {"item": item}
                )
        old_parent = item.get_parent()
        old_label = str(old_parent) if old_parent else ""
        same_parent = (old_parent and old_parent.pk) == (parent and parent.pk)
        old_style = _counted_style(_siblings(plan, old_parent))
        new_style = (
            old_style
            if same_parent
            else _counted_style([s for s in _siblings(plan, parent) if s.pk != item.pk])
        )
        item = _place(plan, parent, position, item=item)
        renumbered = _renumber(_siblings(plan, parent), new_style)
        if not same_parent:
            if old_parent is not None:
                old_parent.refresh_from_db()
            renumbered = _renumber(_siblings(plan, old_parent), old_style) and renumbered
        item.refresh_from_db()
        log(
            instance=item,
            action=MOVE_ACTION,
            user=user,
            data={
                "title": str(item),
                "old": old_label,
                "new": str(parent) if parent else "",
                "position": item_position(item) + 1,
            },
        )
        refresh_progress(plan)
    return Outcome(item, renumbered)


def reorder_item(item: PlanItem, *, user, position: int) -> Outcome:
    """Move ``item`` to ``position`` (0-based) among its siblings."""
    return move_item(item, user=user, parent=item.get_parent(), position=position)


def item_position(item: PlanItem) -> int:
    """The item's place among its siblings (0-based)."""
    return [s.pk for s in _siblings(item.plan, item.get_parent())].index(item.pk)


def reported_on(item: PlanItem) -> dict[str, int]:
    """What is recorded on the item and its sub-items: reports, partners' notes, targets."""
    subtree = {"item__plan_id": item.plan_id, "item__path__startswith": item.path}
    return {
        "reports": ProgressReport.objects.filter(**subtree).count(),
        "contributions": Contribution.objects.filter(**subtree).count(),
        "targets": AnnualTarget.objects.filter(**subtree).count(),
    }


def delete_item(item: PlanItem, *, user) -> Outcome:
    """Delete ``item`` and its sub-items; refused while anything is recorded on them."""
    _require_planning_office(user, "delete")
    with transaction.atomic():
        _lock(item.plan)
        item.refresh_from_db()
        recorded = reported_on(item)
        if any(recorded.values()):
            raise ValidationError(
                _(
                    "“%(item)s” cannot be deleted: %(reports)s progress reports, "
                    "%(contributions)s partner notes and %(targets)s annual targets are "
                    "recorded on it or its sub-items. Suspend the item or move it instead."
                )
                % {"item": item, **recorded}
            )
        plan, parent = item.plan, item.get_parent()
        style = _counted_style(_siblings(plan, parent))
        count = PlanItem.objects.filter(plan=plan, path__startswith=item.path).count()
        log(
            instance=item,
            action=DELETE_ACTION,
            user=user,
            data={"title": str(item), "items": count},
        )
        item.delete()
        if parent is not None:
            parent.refresh_from_db()
        renumbered = _renumber(_siblings(plan, parent), style)
        refresh_progress(plan)
    return Outcome(None, renumbered)
