"""Applying a plan adjustment: only with an adopted board resolution on the plan. The plan
as it stood is kept as a version (the first time, version 1 as approved), the changes are
made, and the plan as it becomes is the next version. An evaluation stores the plan's
figures at its date."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import require

from ..models import (
    AdjustmentLine,
    Indicator,
    IndicatorYear,
    PlanAdjustment,
    PlanEvaluation,
    PlanItem,
    PlanVersion,
    Resolution,
)
from ..selectors.dashboard import public_summary
from .outline import add_item
from .progress import refresh_progress

APPLY_ACTION = "shuxiang.plan.adjust"
EVALUATE_ACTION = "shuxiang.plan.evaluate"


def outline_of(plan) -> list[dict]:
    """Each item of ``plan`` as it stands, in outline order (what a version stores)."""
    rows = PlanItem.objects.filter(plan=plan).select_related("lead_unit").order_by("path")
    return [
        {"id": i.pk, "depth": i.depth, "number": i.number, "title": i.title, "kind": i.kind,
         "status": i.status, "start_year": i.start_year, "end_year": i.end_year,
         "lead_unit": str(i.lead_unit) if i.lead_unit_id else ""}
        for i in rows
    ]  # fmt: skip


def targets_of(plan) -> list[dict]:
    """Each indicator of ``plan`` with its final and yearly targets."""
    indicators = Indicator.objects.filter(plan=plan).prefetch_related("years").order_by("code")
    return [
        {"id": i.pk, "code": i.code, "name": i.name, "unit": i.measure_unit,
         "final": str(i.final_target),
         "years": {str(y.year): str(y.target) for y in i.years.all() if y.target is not None}}
        for i in indicators
    ]  # fmt: skip


def _version(plan, *, number: int, adjustment=None, effective_on=None) -> PlanVersion:
    return PlanVersion.objects.create(
        plan=plan, number=number, adjustment=adjustment, effective_on=effective_on,
        outline=outline_of(plan), targets=targets_of(plan),
    )  # fmt: skip


def _apply_line(line: AdjustmentLine, plan, user) -> None:
    kind = AdjustmentLine.Kind
    if (
        line.item_id
        and line.item.plan_id != plan.pk
        or (line.indicator_id and line.indicator.plan_id != plan.pk)
    ):
        raise ValidationError(_("A change names an item or indicator of another plan."))
    if line.kind == kind.ADD:
        new = add_item(plan, user=user, title=line.title, parent=line.item).item
        start = min(max(timezone.localdate().year, plan.start_year), plan.end_year)
        PlanItem.objects.filter(pk=new.pk).update(
            lead_unit=line.lead_unit, start_year=start, end_year=plan.end_year
        )
        line.was = ""
    elif line.kind == kind.WITHDRAW:
        line.was = line.item.get_status_display()
        PlanItem.objects.filter(pk=line.item_id).update(status=PlanItem.Status.SUSPENDED)
    elif line.kind == kind.END_YEAR:
        year = int(line.value)
        if line.item.start_year and year < line.item.start_year:
            raise ValidationError(
                _("“%(item)s” starts in %(year)s: it cannot end before.")
                % {"item": line.item, "year": line.item.start_year}
            )
        line.was = str(line.item.end_year or "")
        PlanItem.objects.filter(pk=line.item_id).update(end_year=year)
    else:  # a target
        if line.year is None:
            line.was = str(line.indicator.final_target)
            Indicator.objects.filter(pk=line.indicator_id).update(final_target=line.value)
        else:
            row, _new = IndicatorYear.objects.get_or_create(
                indicator=line.indicator, year=line.year
            )
            line.was = "" if row.target is None else str(row.target)
            IndicatorYear.objects.filter(pk=row.pk).update(target=line.value)
    line.save(update_fields=["was"])


@transaction.atomic
def apply_adjustment(adjustment: PlanAdjustment, resolution: Resolution, *, user):
    """Put ``adjustment`` in force with ``resolution`` (adopted, on the plan, not used by
    another adjustment). Without one nothing changes."""
    require(user, PlanAdjustment, "change", everywhere=True)
    adjustment = PlanAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.state != PlanAdjustment.State.DRAFT:
        raise ValidationError(_("This adjustment is already in force."))
    if not resolution.adopted or resolution.type != Resolution.Type.PLAN:
        raise ValidationError(
            _("An adjustment takes effect only with a resolution on the plan the board adopted.")
        )
    if PlanAdjustment.objects.filter(resolution=resolution).exists():
        raise ValidationError(_("That resolution already put another adjustment in force."))
    lines = list(adjustment.lines.select_related("item", "indicator", "lead_unit"))
    if not lines:
        raise ValidationError(_("The adjustment has no change."))
    plan = adjustment.plan
    if not plan.versions.exists():  # the plan as approved
        _version(plan, number=1, effective_on=plan.approval_date)
    for line in lines:
        _apply_line(line, plan, user)
    refresh_progress(plan)
    number = plan.versions.aggregate(last=Max("number"))["last"] + 1
    adjustment.state = PlanAdjustment.State.IN_FORCE
    adjustment.resolution = resolution
    adjustment.applied_on = timezone.localdate()
    adjustment.applied_by = user
    adjustment.save(update_fields=["state", "resolution", "applied_on", "applied_by"])
    version = _version(
        plan, number=number, adjustment=adjustment, effective_on=resolution.meeting.date
    )
    log(
        instance=adjustment,
        action=APPLY_ACTION,
        user=user,
        data={"resolution": resolution.number, "version": version.number},
    )
    return version


def _stored(value):
    """``value`` as JSON keeps it: decimals and dates as text, the rest as it is."""
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_stored(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@transaction.atomic
def evaluate(evaluation: PlanEvaluation, *, user) -> PlanEvaluation:
    """Store ``evaluation`` with the plan's figures at its date (overall and per-area
    progress, tasks completed, each indicator's latest actual against its target), frozen:
    later reports and corrections never change them."""
    require(user, PlanEvaluation, "add", everywhere=True)
    evaluation.full_clean(exclude=["figures"])
    evaluation.figures = _stored(public_summary(evaluation.plan, as_of=evaluation.as_of))
    evaluation.created_by = user
    evaluation.save()
    log(instance=evaluation, action=EVALUATE_ACTION, user=user,
        data={"as_of": evaluation.as_of.isoformat()})  # fmt: skip
    return evaluation
