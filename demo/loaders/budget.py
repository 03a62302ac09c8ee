"""The budget of 2024–2026 from finance's files: the project library with its funds and
the plan indicators each project serves, the target tables (drafted by the department,
approved by finance through the services), the budget adjustments, three years of the
accounting system's ledger (through the ledger importer), 2025's self-evaluations
(submitted and confirmed) and 2026's monitoring to July (reviewed by finance for the
municipal library, still with the county library).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from budget.importers import import_ledger
from budget.models import BudgetProject, ProjectFund, TargetIndicator, TargetTable
from budget.services import (
    adjust_budget,
    approve_targets,
    confirm_evaluation,
    draft_targets,
    record_monitoring,
    record_results,
    review_monitoring,
    start_monitoring,
    start_self_evaluation,
    submit_evaluation,
    submit_monitoring,
    submit_targets,
)
from governance.models import Indicator, OrgUnit

from .files import path, read_csv

PROJECTS = "budget-projects.csv"
TARGETS = "budget-targets.csv"
ADJUSTMENTS = "budget-adjustments.csv"
LEDGERS = ("budget-ledger-2024.xlsx", "budget-ledger-2025.xlsx", "budget-ledger-2026.xlsx")
EVALUATIONS = "budget-evaluations-2025.csv"
MONITORING = "budget-monitoring-2026.csv"
FINANCE = "finance"
CATEGORIES = {"基本支出": "basic", "项目支出": "project"}
ATTRIBUTES = {"新增": "new", "延续": "continuing"}
SOURCES = {"财政拨款": "fiscal", "上年结转": "carry_over", "其他资金": "other"}
OPERATORS = {"≥": "ge", "≤": "le", "=": "eq", "定性": "qual"}
BANDS = {"达成": "achieved", "部分达成": "partial", "未达成": "not"}
EVALUATED_ON = dt.date(2026, 1, 20)
MONITORED_TO = 7


def _user(username: str):
    return get_user_model().objects.get(username=username)


@transaction.atomic
def load_budget() -> dict[str, int]:
    """Load the budget; does nothing when any project exists. Runs after the plan."""
    if BudgetProject.objects.exists():
        return {"projects": 0, "lines": 0}
    finance = _user(FINANCE)
    projects = _projects()
    _targets(projects, finance)
    for row in read_csv(ADJUSTMENTS):
        adjust_budget(
            projects[row["项目编码"]],
            user=finance,
            source=SOURCES[row["资金来源"]],
            amount=Decimal(row["金额"]),
            reference=row["批复文号"],
            date=dt.date.fromisoformat(row["日期"]),
            note=row["说明"],
        )
    lines = 0
    for name in LEDGERS:
        result = import_ledger(name, path(name).read_bytes(), user=finance)
        lines += result.added
    _evaluations(projects, finance)
    _monitoring(projects, finance)
    return {"projects": len(projects), "lines": lines}


def _projects() -> dict[str, BudgetProject]:
    units = {u.code: u for u in OrgUnit.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = read_csv(PROJECTS)
    made = BudgetProject.objects.bulk_create(
        BudgetProject(
            year=int(row["年度"]),
            code=row["项目编码"],
            name=row["项目名称"],
            unit=units[row["部门编码"]],
            category=CATEGORIES[row["类别"]],
            attribute=ATTRIBUTES[row["属性"]],
            start_year=int(row["起始年度"]),
            end_year=int(row["结束年度"]),
            description=row["总体目标"],
        )
        for row in rows
    )
    projects = {p.code: p for p in BudgetProject.objects.filter(pk__in=[p.pk for p in made])}
    ProjectFund.objects.bulk_create(
        ProjectFund(project=projects[row["项目编码"]], source=source, initial=Decimal(row[label]))
        for row in rows
        for label, source in SOURCES.items()
        if Decimal(row[label] or 0)
    )
    links = BudgetProject.plan_indicators.through
    links.objects.bulk_create(
        links(
            budgetproject_id=projects[row["项目编码"]].pk,
            indicator_id=indicators[row["规划指标"]].pk,
        )
        for row in rows
        if row["规划指标"] in indicators
    )
    for row in rows:
        projects[row["项目编码"]].goals = (row["总体目标"], row["年度目标"])
    return projects


def _targets(projects: dict[str, BudgetProject], finance) -> None:
    """Each project's table as its department would fill it in, approved by finance."""
    by_project: dict[str, list[dict]] = {}
    for row in read_csv(TARGETS):
        by_project.setdefault(row["项目编码"], []).append(row)
    for code, project in projects.items():
        table = draft_targets(project, user=finance)
        TargetTable.objects.filter(pk=table.pk).update(
            overall_goal=project.goals[0], annual_goal=project.goals[1]
        )
        TargetIndicator.objects.bulk_create(
            TargetIndicator(
                table=table,
                sort_order=n,
                level2=row["二级指标"],
                name=row["三级指标"],
                operator=OPERATORS[row["指标性质"]],
                target_value=None if row["指标性质"] == "定性" else Decimal(row["指标值"]),
                target_text=row["指标值"] if row["指标性质"] == "定性" else "",
                measure_unit=row["计量单位"],
                points=Decimal(row["分值"]),
            )
            for n, row in enumerate(by_project[code])
        )
        submit_targets(table, user=finance)
        approve_targets(table, user=finance, reference=f"抚财预〔{project.year}〕5号")


def _evaluations(projects: dict[str, BudgetProject], finance) -> None:
    """2025's self-evaluations, scored from the year's actuals, submitted and confirmed."""
    actuals: dict[str, dict[str, dict]] = {}
    for row in read_csv(EVALUATIONS):
        actuals.setdefault(row["项目编码"], {})[row["三级指标"]] = row
    for code, rows in actuals.items():
        evaluation = start_self_evaluation(projects[code], user=finance, today=EVALUATED_ON)
        results = {}
        for line in evaluation.indicators.select_related("indicator"):
            row = rows[line.indicator.name]
            value = row["实际完成值"]
            results[line.pk] = {
                "actual_value": None if value in BANDS else Decimal(value),
                "band": BANDS.get(value, ""),
                "actual_text": "",
                "reason": row["偏差原因及改进措施"],
            }
        quantity = next(
            line for line in evaluation.indicators.select_related("indicator")
            if line.indicator.level2 == "quantity"
        ).indicator  # fmt: skip
        actual = Decimal(rows[quantity.name]["实际完成值"])
        goal = (
            f"全年{quantity.name}{actual.normalize():f}{quantity.measure_unit}"
            f"（目标{quantity.target_value.normalize():f}{quantity.measure_unit}），"
            + ("完成年度目标。" if actual >= quantity.target_value else "未完成年度目标。")
        )
        evaluation = record_results(evaluation, user=finance, goal_result=goal, results=results)
        submit_evaluation(evaluation, user=finance)
        confirm_evaluation(evaluation, user=finance)


def _monitoring(projects: dict[str, BudgetProject], finance) -> None:
    """2026's monitoring to July: the municipal library's reviewed by finance, the county
    library's still a draft."""
    figures: dict[str, dict[str, dict]] = {}
    for row in read_csv(MONITORING):
        figures.setdefault(row["项目编码"], {})[row["三级指标"]] = row
    for code, rows in figures.items():
        project = projects[code]
        monitoring = start_monitoring(project, user=finance, month=MONITORED_TO)
        lines = {}
        for line in monitoring.lines.select_related("indicator"):
            row = rows[line.indicator.name]
            qualitative = line.indicator.operator == TargetIndicator.Operator.QUALITATIVE
            lines[line.pk] = {
                "cumulative": None if qualitative else Decimal(row["累计完成值"]),
                "expected": None if qualitative else Decimal(row["预计全年完成值"]),
                "text": row["累计完成值"] if qualitative else "",
                "deviation_reason": row["偏差原因"],
                "correction": row["纠偏措施"],
                "adjust_target": row["是否调整目标"] == "是",
            }
        monitoring = record_monitoring(
            monitoring, user=finance, progress="1—7月按计划推进。", lines=lines
        )
        if project.unit.library.code == "FZ-SLIB":
            submit_monitoring(monitoring, user=finance)
            review_monitoring(monitoring, user=finance, comment="已审核。")
