"""Writes of the budget: a budget adjustment, and the target table's life — drafted by the
department (or finance), submitted, returned or approved (批复) by finance, and changed
after approval only by a new version (an adjustment) that supersedes it once approved.
Each is atomic, refused with a message naming the record, and leaves one history entry.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import may_everywhere, may_for_instance

from .models import (
    LEVEL1_OF,
    BudgetAdjustment,
    BudgetProject,
    Level1,
    TargetIndicator,
    TargetTable,
)

ADJUST_BUDGET_ACTION = "shuxiang.budget.adjust"
DRAFT_TARGETS_ACTION = "shuxiang.targets.draft"
SUBMIT_TARGETS_ACTION = "shuxiang.targets.submit"
RETURN_TARGETS_ACTION = "shuxiang.targets.return"
APPROVE_TARGETS_ACTION = "shuxiang.targets.approve"
ADJUST_TARGETS_ACTION = "shuxiang.targets.adjust"
EXPLAIN_ACTION = "shuxiang.budget.explain"

Status = TargetTable.Status
ZERO = Decimal(0)


def require_finance(user, model=BudgetProject, action: str = "change") -> None:
    if not may_everywhere(user, model, action):
        raise PermissionDenied(_("Only finance does this."))


def _require_department(user, project: BudgetProject) -> None:
    """Finance, or a head acting for the project's department."""
    probe = TargetTable(project=project)
    if not may_for_instance(user, probe, "change"):
        raise PermissionDenied(_("Only the project's department or finance prepares its targets."))


def _locked_table(table: TargetTable) -> TargetTable:
    return (
        TargetTable.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=table.pk)
    )


# -- the budget -------------------------------------------------------------------------------


@transaction.atomic
def adjust_budget(
    project: BudgetProject,
    *,
    user,
    source: str,
    amount: Decimal,
    reference: str,
    date: dt.date,
    note: str = "",
) -> BudgetAdjustment:
    """Add to or reduce a project's budget of one funding source; the source's full-year
    budget never falls below zero."""
    require_finance(user, BudgetAdjustment, "add")
    locked = BudgetProject.objects.select_for_update().get(pk=project.pk)
    if not reference.strip():
        raise ValidationError(_("Give the document that approved the adjustment."))
    if not amount:
        raise ValidationError(_("An adjustment changes the budget."))
    if date.year != locked.year:
        raise ValidationError(
            _("%(project)s is the budget of %(year)s: the adjustment's date must fall in it.")
            % {"project": locked, "year": locked.year}
        )
    initial = locked.funds.filter(source=source).aggregate(total=Sum("initial"))["total"] or ZERO
    adjusted = locked.adjustments.filter(source=source).aggregate(total=Sum("amount"))["total"]
    if initial + (adjusted or ZERO) + amount < 0:
        raise ValidationError(
            _("%(project)s: the adjustment would leave this funding source below zero.")
            % {"project": locked}
        )
    row = BudgetAdjustment.objects.create(
        project=locked,
        source=source,
        amount=amount,
        reference=reference.strip(),
        date=date,
        note=note.strip(),
        recorded_by=user,
    )
    log(
        instance=locked,
        action=ADJUST_BUDGET_ACTION,
        user=user,
        data={"source": source, "amount": str(amount), "reference": row.reference},
    )
    return row


@transaction.atomic
def explain_execution(project: BudgetProject, *, user, reason: str) -> BudgetProject:
    """The department's (or finance's) reason why the project spent below the warning rate
    at the year's end."""
    _require_department(user, project)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the low execution."))
    BudgetProject.objects.filter(pk=project.pk).update(execution_reason=reason.strip())
    project.execution_reason = reason.strip()
    log(
        instance=project,
        action=EXPLAIN_ACTION,
        user=user,
        data={"reason": project.execution_reason},
    )
    return project


# -- the target table -------------------------------------------------------------------------


def table_problems(table: TargetTable, indicators=None) -> list[str]:
    """What keeps the table from being submitted or approved, in the user's words: every
    indicator complete, the points adding up (indicators and each first-level class, as
    the settings give them), at least one indicator."""
    indicators = list(table.indicators.all() if indicators is None else indicators)
    problems = []
    if not table.annual_goal.strip():
        problems.append(_("Write the annual goal."))
    if not indicators:
        problems.append(_("Add the indicators."))
        return problems
    by_level1: dict[str, Decimal] = defaultdict(Decimal)
    for row in indicators:
        label = row.get_level2_display()
        if not row.name.strip():
            problems.append(
                _("%(level2)s: name the third-level indicator under it.") % {"level2": label}
            )
        if row.operator == TargetIndicator.Operator.QUALITATIVE:
            if not row.target_text.strip():
                problems.append(
                    _("%(name)s: a qualitative indicator needs its target in words.")
                    % {"name": row.name or label}
                )
        elif row.target_value is None:
            problems.append(_("%(name)s: give the target value.") % {"name": row.name or label})
        by_level1[LEVEL1_OF[row.level2]] += row.points or ZERO
    total = sum(by_level1.values(), ZERO)
    wanted = Decimal(settings.SHUXIANG_BUDGET_INDICATOR_POINTS)
    if total != wanted:
        problems.append(
            _("The indicators' points add up to %(total)s; they must add up to %(wanted)s.")
            % {"total": _points(total), "wanted": _points(wanted)}
        )
    for level1, points in settings.SHUXIANG_BUDGET_LEVEL1_POINTS.items():
        have = by_level1.get(level1, ZERO)
        if have != Decimal(points):
            problems.append(
                _("%(level1)s carry %(have)s points; they must carry %(wanted)s.")
                % {
                    "level1": Level1(level1).label,
                    "have": _points(have),
                    "wanted": _points(Decimal(points)),
                }
            )
    return problems


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _refuse_problems(table: TargetTable) -> None:
    problems = table_problems(table)
    if problems:
        raise ValidationError([f"{table}：{p}" for p in problems])


@transaction.atomic
def draft_targets(project: BudgetProject, *, user) -> TargetTable:
    """The project's first target table, to fill in (the one in preparation if there is
    one already)."""
    _require_department(user, project)
    locked = BudgetProject.objects.select_for_update().get(pk=project.pk)
    existing = locked.target_tables.order_by("-version").first()
    if existing is not None:
        if existing.status in (Status.DRAFT, Status.SUBMITTED):
            return existing
        raise ValidationError(
            _("%(project)s has approved targets: change them by an adjustment.")
            % {"project": locked}
        )
    table = TargetTable.objects.create(project=locked, version=1)
    log(instance=table, action=DRAFT_TARGETS_ACTION, user=user)
    return table


@transaction.atomic
def submit_targets(table: TargetTable, *, user) -> TargetTable:
    """The department sends the table to finance; refused while anything is missing."""
    locked = _locked_table(table)
    _require_department(user, locked.project)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("%(table)s is not a draft.") % {"table": locked})
    _refuse_problems(locked)
    locked.status, locked.submitted_at = Status.SUBMITTED, timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    log(instance=locked, action=SUBMIT_TARGETS_ACTION, user=user)
    return locked


@transaction.atomic
def return_targets(table: TargetTable, *, user, comment: str) -> TargetTable:
    """Finance sends a submitted table back to the department with what to change."""
    require_finance(user, TargetTable)
    locked = _locked_table(table)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("%(table)s is not waiting for approval.") % {"table": locked})
    if not comment.strip():
        raise ValidationError(_("Say what the department must change."))
    locked.status, locked.review_comment = Status.DRAFT, comment.strip()
    locked.save(update_fields=["status", "review_comment"])
    log(instance=locked, action=RETURN_TARGETS_ACTION, user=user, data={"comment": comment})
    return locked


@transaction.atomic
def approve_targets(table: TargetTable, *, user, reference: str) -> TargetTable:
    """Finance approves (批复) a submitted table: it is locked, and the version it adjusts
    is superseded (kept, readable)."""
    require_finance(user, TargetTable)
    locked = _locked_table(table)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("%(table)s is not waiting for approval.") % {"table": locked})
    _refuse_problems(locked)
    TargetTable.objects.filter(project=locked.project_id, status=Status.APPROVED).update(
        status=Status.SUPERSEDED
    )
    locked.status, locked.approved_at, locked.approved_by = Status.APPROVED, timezone.now(), user
    locked.approval_reference = reference.strip()
    locked.review_comment = ""
    locked.save(
        update_fields=[
            "status",
            "approved_at",
            "approved_by",
            "approval_reference",
            "review_comment",
        ]
    )
    log(
        instance=locked,
        action=APPROVE_TARGETS_ACTION,
        user=user,
        data={"version": locked.version, "reference": locked.approval_reference},
    )
    return locked


@transaction.atomic
def adjust_targets(project: BudgetProject, *, user, reason: str) -> TargetTable:
    """A new version of the approved table to change (调整): a copy of its goals and
    indicators with the reason; the approved version stays in force until this one is."""
    _require_department(user, project)
    locked = BudgetProject.objects.select_for_update().get(pk=project.pk)
    approved = locked.target_tables.filter(status=Status.APPROVED).first()
    if approved is None:
        raise ValidationError(
            _("%(project)s has no approved targets to adjust.") % {"project": locked}
        )
    if locked.target_tables.filter(status__in=[Status.DRAFT, Status.SUBMITTED]).exists():
        raise ValidationError(
            _("%(project)s already has a table in preparation.") % {"project": locked}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for changing the approved targets."))
    version = locked.target_tables.aggregate(v=Max("version"))["v"] + 1
    table = TargetTable.objects.create(
        project=locked,
        version=version,
        overall_goal=approved.overall_goal,
        annual_goal=approved.annual_goal,
        reason=reason.strip(),
    )
    TargetIndicator.objects.bulk_create(
        TargetIndicator(
            table=table,
            sort_order=row.sort_order,
            level2=row.level2,
            name=row.name,
            operator=row.operator,
            target_value=row.target_value,
            target_text=row.target_text,
            measure_unit=row.measure_unit,
            points=row.points,
            plan_indicator_id=row.plan_indicator_id,
        )
        for row in approved.indicators.all()
    )
    log(
        instance=table,
        action=ADJUST_TARGETS_ACTION,
        user=user,
        data={"version": version, "reason": table.reason},
    )
    return table
