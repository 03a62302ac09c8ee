"""Reads of the budget: a project's money by funding source (initial budget, adjustments,
full-year budget, spent, execution rate), and what its page and its target table's page
show and offer to the reader. A flat number of queries whatever the project's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import may_everywhere, may_for_instance
from governance.models import OrgUnit

from .models import (
    LEVEL1_OF,
    BudgetAdjustment,
    BudgetProject,
    Expenditure,
    FundingSource,
    Level1,
    Level2,
    MonthlyPlan,
    ProjectFund,
    SelfEvaluation,
    TargetIndicator,
    TargetTable,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


def cents(value) -> Decimal:
    """A sum of money from the database to the cent (SQLite sums decimals as floats)."""
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (two places), None when there is no whole."""
    if not whole:
        return None
    return (HUNDRED * part / whole).quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass
class FundLine:
    source: str
    label: str
    initial: Decimal = ZERO
    adjusted: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def full_year(self) -> Decimal:
        return self.initial + self.adjusted

    @property
    def rate(self) -> Decimal | None:
        return rate(self.spent, self.full_year)


@dataclass
class ProjectMoney:
    """A project's money by funding source, and in all (年度资金总额)."""

    lines: list[FundLine] = field(default_factory=list)

    @property
    def total(self) -> FundLine:
        return FundLine(
            "",
            "",
            initial=sum((line.initial for line in self.lines), ZERO),
            adjusted=sum((line.adjusted for line in self.lines), ZERO),
            spent=sum((line.spent for line in self.lines), ZERO),
        )


def project_money(project: BudgetProject) -> ProjectMoney:
    """Three queries: the initial budgets, the adjustments and the spending by source."""
    lines = {source: FundLine(source, label) for source, label in FundingSource.choices}
    for source, amount in project.funds.values_list("source", "initial"):
        lines[source].initial += amount
    adjusted = BudgetAdjustment.objects.filter(project=project).values("source")
    for row in adjusted.annotate(total=Sum("amount")).order_by():
        lines[row["source"]].adjusted = cents(row["total"])
    spent = Expenditure.objects.filter(project=project).values("source")
    for row in spent.annotate(total=Sum("amount")).order_by():
        lines[row["source"]].spent = cents(row["total"])
    used = [line for line in lines.values() if line.initial or line.adjusted or line.spent]
    return ProjectMoney(used)


def project_page(project: BudgetProject, user) -> dict:
    """What the project's page shows its reader and what it lets them do."""
    tables = list(project.target_tables.order_by("-version"))
    open_table = next((t for t in tables if t.status in ("draft", "submitted")), None)
    approved = next((t for t in tables if t.status == TargetTable.Status.APPROVED), None)
    prepares = may_for_instance(user, TargetTable(project=project), "change")
    today = timezone.localdate()
    month = default_month(project.year, today)
    report = execution_report(
        BudgetProject.objects.filter(pk=project.pk), year=project.year, month=month
    )
    row = report.projects[0] if report.projects else None
    evaluation = SelfEvaluation.objects.filter(project=project).first()
    monitorings = list(project.monitorings.order_by("month"))
    monitoring_month = settings.SHUXIANG_BUDGET_MONITORING_MONTH
    return {
        "monitorings": monitorings,
        "may_monitor": prepares
        and approved is not None
        and all(m.month != monitoring_month for m in monitorings),
        "monitoring_month": monitoring_month,
        "evaluation": evaluation,
        "may_evaluate": prepares
        and evaluation is None
        and approved is not None
        and today.year > project.year,
        "execution": row,
        "execution_month": month,
        "asks_reason": bool(report.below_warning) and prepares,
        "warning_rate": settings.SHUXIANG_BUDGET_WARNING_RATE,
        "money": project_money(project),
        "adjustments": list(
            project.adjustments.select_related("recorded_by").order_by("date", "pk")
        ),
        "monthly_plan": list(project.monthly_plan.order_by("month")),
        "plan_items": list(project.plan_items.order_by("path")),
        "plan_indicators": list(project.plan_indicators.order_by("code")),
        "tables": tables,
        "open_table": open_table,
        "approved_table": approved,
        "may_draft": prepares and not tables,
        "may_adjust_targets": prepares and approved is not None and open_table is None,
        "may_adjust_budget": may_everywhere(user, BudgetAdjustment, "add"),
        "funding_sources": FundingSource.choices,
    }


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


@dataclass
class IndicatorGroup:
    level1: str
    label: str
    rows: list = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((row.points or ZERO for row in self.rows), ZERO)


def indicator_tree(indicators) -> list[IndicatorGroup]:
    """The indicators under their first-level classes in the form's order (产出, 效益,
    满意度), each class's rows in the order of the second level, then as entered."""
    order = {value: n for n, value in enumerate(Level2.values)}
    groups = {value: IndicatorGroup(value, label) for value, label in Level1.choices}
    for row in sorted(indicators, key=lambda r: (order[r.level2], r.sort_order or 0, r.pk)):
        groups[LEVEL1_OF[row.level2]].rows.append(row)
    return [group for group in groups.values() if group.rows]


def table_page(table: TargetTable, user) -> dict:
    """What the target table's page shows and offers: the tree, the problems left, and the
    steps the reader may take now (a department submits, finance returns or approves)."""
    indicators = list(table.indicators.select_related("plan_indicator"))
    indicator_points = sum((row.points or ZERO for row in indicators), ZERO)
    finance = may_everywhere(user, TargetTable, "change")
    prepares = may_for_instance(user, TargetTable(project=table.project), "change")
    Status = TargetTable.Status
    return {
        "tree": indicator_tree(indicators),
        "problems": table_problems(table, indicators) if not table.is_locked else [],
        "execution_points": settings.SHUXIANG_BUDGET_EXECUTION_POINTS,
        "total_points": indicator_points + settings.SHUXIANG_BUDGET_EXECUTION_POINTS,
        "may_edit": prepares and table.status == Status.DRAFT,
        "may_submit": prepares and table.status == Status.DRAFT,
        "may_review": finance and table.status == Status.SUBMITTED,
        "versions": list(TargetTable.objects.filter(project=table.project_id).order_by("-version")),
    }


# -- execution against the calendar ----------------------------------------------------------


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, 12, 31) if month == 12 else dt.date(year, month + 1, 1) - dt.timedelta(1)


def default_month(year: int, today: dt.date) -> int:
    """The last month ended: December for a past year, last month for this one (January
    counts itself, so that a dashboard opened in January shows something)."""
    if year < today.year:
        return 12
    return max(1, today.month - 1)


@dataclass
class Execution:
    """Budget, spending and the time schedule (序时进度) of a set of projects to the end
    of ``month``; ``schedule`` is in percent, weighted by budget over projects."""

    key: object
    label: str
    budget: Decimal = ZERO
    spent: Decimal = ZERO
    expected: Decimal = ZERO  # the spending the schedule expects by the month (yuan)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.spent, self.budget)

    @property
    def schedule(self) -> Decimal | None:
        return rate(self.expected, self.budget)

    @property
    def gap(self) -> Decimal | None:
        """Execution rate minus the time schedule, in points (negative: behind)."""
        if self.rate is None or self.schedule is None:
            return None
        return self.rate - self.schedule

    def add(self, budget: Decimal, spent: Decimal, expected: Decimal) -> None:
        self.budget += budget
        self.spent += spent
        self.expected += expected


@dataclass
class ProjectExecution(Execution):
    project: BudgetProject | None = None

    def lagging(self, threshold: Decimal) -> bool:
        return self.gap is not None and self.gap < -threshold


@dataclass
class ExecutionReport:
    year: int
    month: int
    projects: list[ProjectExecution]
    units: list[Execution]
    sources: list[Execution]
    total: Execution
    months: list[tuple[int, Decimal | None, Decimal | None]]  # month, rate, schedule
    threshold: Decimal

    @property
    def lagging(self) -> list[ProjectExecution]:
        rows = [row for row in self.projects if row.lagging(self.threshold)]
        return sorted(rows, key=lambda row: row.gap)

    @property
    def year_end(self) -> bool:
        return self.month == 12

    @property
    def below_warning(self) -> list[ProjectExecution]:
        """At the year's end, the projects spent below the warning rate (their reason is
        asked for)."""
        floor = Decimal(settings.SHUXIANG_BUDGET_WARNING_RATE)
        return [r for r in self.projects if self.year_end and r.rate is not None and r.rate < floor]


def _schedule_share(plan: dict[int, Decimal], month: int) -> Decimal:
    """The share of the year's spending due by the end of ``month``: the project's own
    monthly plan when it has one, else elapsed months / 12."""
    planned = sum(plan.values(), ZERO)
    if planned:
        return sum((v for m, v in plan.items() if m <= month), ZERO) / planned
    return Decimal(month) / 12


def execution_report(projects, *, year: int, month: int) -> ExecutionReport:
    """Execution against the calendar of ``projects`` (a queryset already narrowed to what
    the reader may see) in ``year`` to the end of ``month``, by project, department and
    funding source, with the months' cumulative rates for the chart. Five queries
    whatever the number of projects and lines."""
    end = month_end(year, month)
    rows = {
        p.pk: ProjectExecution(p.pk, p.name, project=p)
        for p in projects.filter(year=year).select_related("unit", "unit__library")
    }
    ids = projects.filter(year=year).values("pk")
    budgets: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for pk, source, amount in ProjectFund.objects.filter(project__in=ids).values_list(
        "project_id", "source", "initial"
    ):
        budgets[pk, source] += amount
    adjusted = (
        BudgetAdjustment.objects.filter(project__in=ids, date__lte=end)
        .values("project_id", "source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in adjusted:
        budgets[row["project_id"], row["source"]] += cents(row["total"])
    plans: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for pk, m, amount in MonthlyPlan.objects.filter(project__in=ids).values_list(
        "project_id", "month", "amount"
    ):
        plans[pk][m] = amount
    spent_by: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    monthly: dict[tuple[int, int], Decimal] = defaultdict(Decimal)  # (project, month)
    lines = (
        Expenditure.objects.filter(project__in=ids, date__gte=dt.date(year, 1, 1), date__lte=end)
        .annotate(month=ExtractMonth("date"))
        .values("project_id", "source", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in lines:
        total = cents(row["total"])
        spent_by[row["project_id"], row["source"]] += total
        monthly[row["project_id"], row["month"]] += total
    units: dict[int, Execution] = {}
    unit_paths: dict[int, str] = {}
    sources = {value: Execution(value, label) for value, label in FundingSource.choices}
    total = Execution(None, "")
    project_budget: dict[int, Decimal] = defaultdict(Decimal)
    for pk, source in set(budgets) | set(spent_by):
        if pk not in rows:
            continue
        budget = budgets.get((pk, source), ZERO)
        spent = spent_by.get((pk, source), ZERO)
        expected = budget * _schedule_share(plans.get(pk, {}), month)
        row = rows[pk]
        unit = row.project.unit
        unit_paths[unit.pk] = unit.path
        for part in (
            row,
            units.setdefault(unit.pk, Execution(unit.pk, str(unit))),
            sources[source],
            total,
        ):
            part.add(budget, spent, expected)
        project_budget[pk] += budget
    chart = []
    for m in range(1, month + 1):
        spent = sum((v for (pk, mm), v in monthly.items() if mm <= m and pk in rows), ZERO)
        expected = sum(
            (b * _schedule_share(plans.get(pk, {}), m) for pk, b in project_budget.items()),
            ZERO,
        )
        chart.append((m, rate(spent, total.budget), rate(expected, total.budget)))
    return ExecutionReport(
        year=year,
        month=month,
        projects=sorted(rows.values(), key=lambda r: (r.project.unit.path, r.project.code)),
        units=sorted(units.values(), key=lambda u: unit_paths[u.key]),
        sources=[s for s in sources.values() if s.budget or s.spent],
        total=total,
        months=chart,
        threshold=Decimal(settings.SHUXIANG_BUDGET_LAG_POINTS),
    )


# -- the self-evaluation ----------------------------------------------------------------------


def evaluation_problems(evaluation: SelfEvaluation) -> list[str]:
    """What keeps the evaluation from going to finance: an indicator without its actual
    (or band), a lost point without its reason, no word on what the year achieved."""
    problems = []
    if not evaluation.goal_result.strip():
        problems.append(_("Say what the year achieved against the annual goal."))
    for row in evaluation.indicators.select_related("indicator"):
        name = row.indicator.name
        if row.score is None:
            problems.append(_("%(name)s: give the actual.") % {"name": name})
        elif row.score < row.indicator.points and not row.reason.strip():
            problems.append(
                _("%(name)s lost points: give the reason and what will be done.") % {"name": name}
            )
    return problems


def in_form_order(lines) -> list:
    """An evaluation's or a monitoring's lines in the official form's order (by second
    level, then as entered), each with ``level1_label`` on the first line of its class."""
    order = {value: n for n, value in enumerate(Level2.values)}
    rows = sorted(
        lines, key=lambda r: (order[r.indicator.level2], r.indicator.sort_order or 0, r.pk)
    )
    labels = dict(Level1.choices)
    previous = None
    for row in rows:
        level1 = LEVEL1_OF[row.indicator.level2]
        row.level1_label = labels[level1] if level1 != previous else ""
        previous = level1
    return rows


def evaluation_page(evaluation, user) -> dict:
    """What the self-evaluation's page and PDF show: the funds block, the goals, the
    indicator lines in the form's order with their first-level class, the total and grade,
    what is still missing, and what the reader may do. Four queries."""
    Status = evaluation.Status
    rows = in_form_order(evaluation.indicators.select_related("indicator"))
    funds = list(evaluation.funds.all())
    may_change = may_for_instance(user, evaluation, "change")
    return {
        "evaluation": evaluation,
        "project": evaluation.project,
        "table": evaluation.table,
        "funds": funds,
        "execution_rate": rate(evaluation.spent, evaluation.full_year),
        "rows": rows,
        "problems": evaluation_problems(evaluation) if evaluation.status == Status.DRAFT else [],
        "may_edit": may_change and evaluation.status == Status.DRAFT,
        "may_confirm": may_everywhere(user, type(evaluation), "change")
        and evaluation.status == Status.SUBMITTED,
        "indicator_points": sum((row.indicator.points for row in rows), ZERO),
    }


# -- in-year monitoring ------------------------------------------------------------------------


def monitoring_problems(monitoring) -> list[str]:
    """What keeps a monitoring from going to finance: a line without what was done and
    what the year is expected to reach, a deviation without its reason and correction."""
    problems = []
    for line in monitoring.lines.select_related("indicator"):
        name = line.indicator.name
        qualitative = line.indicator.operator == TargetIndicator.Operator.QUALITATIVE
        if qualitative and not line.text.strip():
            problems.append(_("%(name)s: say how it is going.") % {"name": name})
        elif not qualitative and (line.cumulative is None or line.expected is None):
            problems.append(
                _("%(name)s: give what is done and what the year is expected to reach.")
                % {"name": name}
            )
        elif line.deviates and not (line.deviation_reason.strip() and line.correction.strip()):
            problems.append(
                _("%(name)s is expected to miss its target: give the reason and the correction.")
                % {"name": name}
            )
    return problems


def monitoring_page(monitoring, user) -> dict:
    """What the monitoring's page and PDF show and what the reader may do (four queries)."""
    Status = monitoring.Status
    lines = in_form_order(monitoring.lines.select_related("indicator", "indicator__plan_indicator"))
    execution = Execution(
        None, "", budget=monitoring.budget, spent=monitoring.spent, expected=monitoring.expected
    )
    return {
        "monitoring": monitoring,
        "project": monitoring.project,
        "table": monitoring.table,
        "execution": execution,
        "lines": lines,
        "problems": monitoring_problems(monitoring) if monitoring.status == Status.DRAFT else [],
        "may_edit": may_for_instance(user, monitoring, "change")
        and monitoring.status == Status.DRAFT,
        "may_review": may_everywhere(user, type(monitoring), "change")
        and monitoring.status == Status.SUBMITTED,
    }


# -- feeds ---------------------------------------------------------------------------------------


def department_execution(departments, year: int) -> dict[int, Decimal]:
    """Each department's year-end execution rate (its projects and its units' below it,
    capped at 100), for the departments' yearly evaluation; five queries."""
    if not departments:
        return {}
    paths = Q()
    for department in departments:
        paths |= Q(unit__path__startswith=department.path)
    report = execution_report(BudgetProject.objects.filter(paths), year=year, month=12)
    totals: dict[int, Execution] = {}
    by_path = sorted(departments, key=lambda d: -len(d.path))  # the deepest first
    for row in report.projects:
        path = row.project.unit.path
        owner = next((d for d in by_path if path.startswith(d.path)), None)
        if owner is not None:
            totals.setdefault(owner.pk, Execution(owner.pk, "")).add(
                row.budget, row.spent, row.expected
            )
    return {pk: min(HUNDRED, total.rate) for pk, total in totals.items() if total.rate is not None}


def spent_on_linked_projects(indicator, year: int) -> Decimal | None:
    """The plan indicator provider ``budget.spent``: the year's spending on the projects
    that serve ``indicator`` (万元 when the indicator is counted in 万元, else yuan);
    None before any such project has a budget that year."""
    projects = BudgetProject.objects.filter(plan_indicators=indicator, year=year)
    if not projects.exists():
        return None
    spent = Expenditure.objects.filter(project__in=projects).aggregate(total=Sum("amount"))
    total = cents(spent["total"] or ZERO)
    if "万元" in (indicator.measure_unit or ""):
        total = total / Decimal(10000)
    return total.quantize(CENTS, rounding=ROUND_HALF_UP)


# -- the public disclosures -------------------------------------------------------------------


def public_tables(kind: str, year: int) -> dict:
    """The departmental budget (``kind`` "budget": the year's adopted budget) or final
    accounts ("final_accounts": the budget as adjusted, spent and execution rate to 31
    December) of ``year``, by funding source and by department: totals only, no project's
    lines or payees. What the website discloses. Five queries at most."""
    if kind == "final_accounts":
        report = execution_report(BudgetProject.objects.all(), year=year, month=12)
        return {
            "kind": kind,
            "year": year,
            "spending": True,
            "sources": [(s.label, s.budget, s.spent, s.rate) for s in report.sources],
            "units": [(u.label, u.budget, u.spent, u.rate) for u in report.units],
            "total": (report.total.budget, report.total.spent, report.total.rate),
        }
    funds = ProjectFund.objects.filter(project__year=year)
    sources = dict(FundingSource.choices)
    order = list(sources)
    by_source = sorted(
        funds.values("source").annotate(total=Sum("initial")).order_by(),
        key=lambda row: order.index(row["source"]),
    )
    by_unit = (
        funds.values("project__unit")
        .annotate(total=Sum("initial"))
        .order_by("project__unit__path")
        .values_list("project__unit", "total")
    )
    units = OrgUnit.objects.select_related("library").in_bulk([pk for pk, _total in by_unit])
    total = sum((cents(row["total"]) for row in by_source), ZERO)
    return {
        "kind": kind,
        "year": year,
        "spending": False,
        "sources": [(sources[r["source"]], cents(r["total"]), None, None) for r in by_source],
        "units": [(str(units[pk]), cents(t), None, None) for pk, t in by_unit],
        "total": (total, None, None),
    }
