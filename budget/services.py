"""Writes of the budget: a budget adjustment, and the target table's life — drafted by the
department (or finance), submitted, returned or approved (批复) by finance, and changed
after approval only by a new version (an adjustment) that supersedes it once approved.
Each is atomic, refused with a message naming the record, and leaves one history entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import may_everywhere, may_for_instance
from governance.models import IndicatorYear

from .models import (
    BudgetAdjustment,
    BudgetProject,
    FundResult,
    IndicatorResult,
    Monitoring,
    MonitoringLine,
    SelfEvaluation,
    TargetIndicator,
    TargetTable,
)
from .selectors import (
    evaluation_problems,
    execution_report,
    monitoring_problems,
    project_money,
    table_problems,
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


# -- the year-end self-evaluation -------------------------------------------------------------

START_EVALUATION_ACTION = "shuxiang.evaluation.start"
RECORD_EVALUATION_ACTION = "shuxiang.evaluation.record"
SUBMIT_EVALUATION_ACTION = "shuxiang.evaluation.submit"
CONFIRM_EVALUATION_ACTION = "shuxiang.evaluation.confirm"
CENTS = Decimal("0.01")
HUNDRED = Decimal(100)
Operator = TargetIndicator.Operator


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def execution_score(spent: Decimal, full_year: Decimal, points: Decimal) -> Decimal:
    """min(execution rate, 100 %) × the execution's points (nothing without a budget)."""
    if full_year <= 0:
        return ZERO
    return _cents(min(spent / full_year, Decimal(1)) * points)


def indicator_score(
    indicator: TargetIndicator, actual: Decimal | None, band: str
) -> Decimal | None:
    """The points an indicator earns, capped at its points: ≥ actual / target, ≤ target /
    actual, = the smaller of the two; a qualitative one its band's share. None until its
    actual (or band) is given."""
    points = indicator.points
    if indicator.operator == Operator.QUALITATIVE:
        if not band:
            return None
        return _cents(points * Decimal(settings.SHUXIANG_BUDGET_BAND_SHARES[band]) / HUNDRED)
    if actual is None:
        return None
    target = indicator.target_value
    if indicator.operator == Operator.GE:
        ratio = actual / target if target else Decimal(1)
    elif indicator.operator == Operator.LE:
        ratio = target / actual if actual else Decimal(1)
    else:  # =: any distance from the target costs points, on either side
        ratio = (
            Decimal(1)
            if actual == target
            else min((actual / target) if target else ZERO, (target / actual) if actual else ZERO)
        )
    return _cents(max(min(ratio, Decimal(1)), ZERO) * points)


def grade_of(total: Decimal) -> str:
    floors = settings.SHUXIANG_BUDGET_GRADES
    for grade in ("excellent", "good", "fair"):
        if total >= floors[grade]:
            return grade
    return "poor"


def _require_open_evaluation(evaluation: SelfEvaluation, user) -> SelfEvaluation:
    locked = (
        SelfEvaluation.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=evaluation.pk)
    )
    _require_department(user, locked.project)
    if locked.status != SelfEvaluation.Status.DRAFT:
        raise ValidationError(_("%(evaluation)s is no longer a draft.") % {"evaluation": locked})
    return locked


@transaction.atomic
def start_self_evaluation(
    project: BudgetProject, *, user, today: dt.date | None = None
) -> SelfEvaluation:
    """The project's self-evaluation once its year is over: the funds as the year ended
    (frozen), the execution score, a line for each approved indicator (the plan's figure
    filled in where an indicator reports a plan indicator that has one)."""
    _require_department(user, project)
    today = today or timezone.localdate()
    if today.year <= project.year:
        raise ValidationError(
            _("%(project)s: the self-evaluation is made once %(year)s is over.")
            % {"project": project, "year": project.year}
        )
    if SelfEvaluation.objects.filter(project=project).exists():
        raise ValidationError(_("%(project)s is already being evaluated.") % {"project": project})
    table = project.target_tables.filter(status=TargetTable.Status.APPROVED).first()
    if table is None:
        raise ValidationError(
            _("%(project)s has no approved targets to evaluate.") % {"project": project}
        )
    money = project_money(project)
    total = money.total
    points = Decimal(settings.SHUXIANG_BUDGET_EXECUTION_POINTS)
    evaluation = SelfEvaluation.objects.create(
        project=project,
        table=table,
        initial=total.initial,
        full_year=total.full_year,
        spent=total.spent,
        execution_points=points,
        execution_score=execution_score(total.spent, total.full_year, points),
    )
    FundResult.objects.bulk_create(
        FundResult(
            evaluation=evaluation,
            source=line.source,
            initial=line.initial,
            full_year=line.full_year,
            spent=line.spent,
        )
        for line in money.lines
    )
    indicators = list(table.indicators.all())
    plan_actuals = dict(
        IndicatorYear.objects.filter(
            indicator__in=[i.plan_indicator_id for i in indicators if i.plan_indicator_id],
            year=project.year,
            actual__isnull=False,
        ).values_list("indicator_id", "actual")
    )
    results = []
    for indicator in indicators:
        actual = plan_actuals.get(indicator.plan_indicator_id)
        results.append(
            IndicatorResult(
                evaluation=evaluation,
                indicator=indicator,
                actual_value=actual,
                score=indicator_score(indicator, actual, ""),
            )
        )
    IndicatorResult.objects.bulk_create(results)
    _total(evaluation)
    log(instance=evaluation, action=START_EVALUATION_ACTION, user=user)
    return evaluation


def _total(evaluation: SelfEvaluation) -> None:
    """The total and the grade once every indicator is scored (else neither)."""
    scores = list(evaluation.indicators.values_list("score", flat=True))
    if scores and all(score is not None for score in scores):
        evaluation.total = evaluation.execution_score + sum(scores, ZERO)
        evaluation.grade = grade_of(evaluation.total)
    else:
        evaluation.total, evaluation.grade = None, ""
    evaluation.save(update_fields=["total", "grade"])


@transaction.atomic
def record_results(
    evaluation: SelfEvaluation, *, user, goal_result: str, results: dict[int, dict]
) -> SelfEvaluation:
    """The department's actuals (and bands, and reasons) by indicator result id; each is
    scored by its rule, then the total and the grade."""
    locked = _require_open_evaluation(evaluation, user)
    rows = {row.pk: row for row in locked.indicators.select_related("indicator")}
    changed = []
    for pk, values in results.items():
        row = rows.get(pk)
        if row is None:
            continue
        row.actual_value = values.get("actual_value")
        row.band = values.get("band") or ""
        row.actual_text = (values.get("actual_text") or "").strip()
        row.reason = (values.get("reason") or "").strip()
        row.score = indicator_score(row.indicator, row.actual_value, row.band)
        changed.append(row)
    IndicatorResult.objects.bulk_update(
        changed, ["actual_value", "band", "actual_text", "reason", "score"]
    )
    locked.goal_result = goal_result.strip()
    locked.save(update_fields=["goal_result"])
    _total(locked)
    log(instance=locked, action=RECORD_EVALUATION_ACTION, user=user)
    return locked


@transaction.atomic
def submit_evaluation(evaluation: SelfEvaluation, *, user) -> SelfEvaluation:
    locked = _require_open_evaluation(evaluation, user)
    problems = evaluation_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.status = SelfEvaluation.Status.SUBMITTED
    locked.save(update_fields=["status"])
    log(instance=locked, action=SUBMIT_EVALUATION_ACTION, user=user)
    return locked


@transaction.atomic
def confirm_evaluation(evaluation: SelfEvaluation, *, user) -> SelfEvaluation:
    """Finance confirms a submitted evaluation: it is locked."""
    require_finance(user, SelfEvaluation)
    locked = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status != SelfEvaluation.Status.SUBMITTED:
        raise ValidationError(
            _("%(evaluation)s is not waiting for confirmation.") % {"evaluation": locked}
        )
    locked.status = SelfEvaluation.Status.CONFIRMED
    locked.confirmed_at, locked.confirmed_by = timezone.now(), user
    locked.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    log(instance=locked, action=CONFIRM_EVALUATION_ACTION, user=user)
    return locked


# -- in-year monitoring ------------------------------------------------------------------------

START_MONITORING_ACTION = "shuxiang.monitoring.start"
RECORD_MONITORING_ACTION = "shuxiang.monitoring.record"
SUBMIT_MONITORING_ACTION = "shuxiang.monitoring.submit"
REVIEW_MONITORING_ACTION = "shuxiang.monitoring.review"


def _spending(monitoring: Monitoring) -> None:
    """The monitoring's spending figures, from the ledger as it stands."""
    report = execution_report(
        BudgetProject.objects.filter(pk=monitoring.project_id),
        year=monitoring.project.year,
        month=monitoring.month,
    )
    row = report.projects[0]
    monitoring.budget, monitoring.spent, monitoring.expected = row.budget, row.spent, row.expected


@transaction.atomic
def start_monitoring(project: BudgetProject, *, user, month: int | None = None) -> Monitoring:
    """The project's monitoring to the end of ``month`` (the setting by default): its
    spending filled in, a line per approved indicator, the plan's figure taken where the
    indicator reports a plan indicator whose year has one."""
    _require_department(user, project)
    month = month or settings.SHUXIANG_BUDGET_MONITORING_MONTH
    table = project.target_tables.filter(status=TargetTable.Status.APPROVED).first()
    if table is None:
        raise ValidationError(
            _("%(project)s has no approved targets to monitor.") % {"project": project}
        )
    if Monitoring.objects.filter(project=project, month=month).exists():
        raise ValidationError(
            _("%(project)s is already monitored to %(month)s月.")
            % {"project": project, "month": month}
        )
    monitoring = Monitoring(project=project, month=month, table=table)
    _spending(monitoring)
    monitoring.save()
    indicators = list(table.indicators.all())
    plan_actuals = dict(
        IndicatorYear.objects.filter(
            indicator__in=[i.plan_indicator_id for i in indicators if i.plan_indicator_id],
            year=project.year,
            actual__isnull=False,
        ).values_list("indicator_id", "actual")
    )
    MonitoringLine.objects.bulk_create(
        MonitoringLine(
            monitoring=monitoring,
            indicator=indicator,
            cumulative=plan_actuals.get(indicator.plan_indicator_id),
            from_plan=indicator.plan_indicator_id in plan_actuals,
        )
        for indicator in indicators
    )
    log(instance=monitoring, action=START_MONITORING_ACTION, user=user, data={"month": month})
    return monitoring


def _open_monitoring(monitoring: Monitoring, user) -> Monitoring:
    locked = (
        Monitoring.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=monitoring.pk)
    )
    _require_department(user, locked.project)
    if locked.status != Monitoring.Status.DRAFT:
        raise ValidationError(_("%(monitoring)s is no longer a draft.") % {"monitoring": locked})
    return locked


@transaction.atomic
def record_monitoring(
    monitoring: Monitoring, *, user, progress: str, lines: dict[int, dict]
) -> Monitoring:
    """The department's figures by line id; the spending is read again from the ledger."""
    locked = _open_monitoring(monitoring, user)
    rows = {row.pk: row for row in locked.lines.all()}
    fields = ["cumulative", "expected", "text", "deviation_reason", "correction", "adjust_target"]
    changed = []
    for pk, values in lines.items():
        row = rows.get(pk)
        if row is None:
            continue
        for name in fields:
            value = values.get(name)
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        row.adjust_target = bool(row.adjust_target)
        changed.append(row)
    MonitoringLine.objects.bulk_update(changed, fields)
    locked.progress = progress.strip()
    _spending(locked)
    locked.save(update_fields=["progress", "budget", "spent", "expected"])
    log(instance=locked, action=RECORD_MONITORING_ACTION, user=user)
    return locked


@transaction.atomic
def submit_monitoring(monitoring: Monitoring, *, user) -> Monitoring:
    """Sent to finance with the spending as the ledger has it now (frozen from here)."""
    locked = _open_monitoring(monitoring, user)
    problems = monitoring_problems(locked)
    if problems:
        raise ValidationError(problems)
    _spending(locked)
    locked.status = Monitoring.Status.SUBMITTED
    locked.save(update_fields=["status", "budget", "spent", "expected"])
    log(instance=locked, action=SUBMIT_MONITORING_ACTION, user=user)
    return locked


@transaction.atomic
def review_monitoring(monitoring: Monitoring, *, user, comment: str) -> Monitoring:
    """Finance's review of a submitted monitoring: its comment, and the form is locked."""
    require_finance(user, Monitoring)
    locked = Monitoring.objects.select_for_update().get(pk=monitoring.pk)
    if locked.status != Monitoring.Status.SUBMITTED:
        raise ValidationError(
            _("%(monitoring)s is not waiting for review.") % {"monitoring": locked}
        )
    locked.status, locked.review_comment = Monitoring.Status.REVIEWED, comment.strip()
    locked.reviewed_at, locked.reviewed_by = timezone.now(), user
    locked.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by"])
    log(instance=locked, action=REVIEW_MONITORING_ACTION, user=user)
    return locked
