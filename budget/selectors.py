"""Reads of the budget: a project's money by funding source (initial budget, adjustments,
full-year budget, spent, execution rate), and what its page and its target table's page
show and offer to the reader. A flat number of queries whatever the project's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum

from governance.access import may_everywhere, may_for_instance

from .models import (
    LEVEL1_OF,
    BudgetAdjustment,
    BudgetProject,
    Expenditure,
    FundingSource,
    Level1,
    Level2,
    TargetTable,
)
from .services import table_problems

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


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
        lines[row["source"]].adjusted = row["total"]
    spent = Expenditure.objects.filter(project=project).values("source")
    for row in spent.annotate(total=Sum("amount")).order_by():
        lines[row["source"]].spent = row["total"]
    used = [line for line in lines.values() if line.initial or line.adjusted or line.spent]
    return ProjectMoney(used)


def project_page(project: BudgetProject, user) -> dict:
    """What the project's page shows its reader and what it lets them do."""
    tables = list(project.target_tables.order_by("-version"))
    open_table = next((t for t in tables if t.status in ("draft", "submitted")), None)
    approved = next((t for t in tables if t.status == TargetTable.Status.APPROVED), None)
    prepares = may_for_instance(user, TargetTable(project=project), "change")
    return {
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
