"""The budget's papers, on ``reporting/``: the 项目支出绩效自评表 of one project (the
official form's blocks: funds, goals, indicator rows, total; A4 landscape) and the summary
of every project's self-evaluation of a year (.xlsx) for submission to the finance bureau.

The form's own words are the official form's and stay Chinese whatever the reader's
language (it is filed); the figures are the ones the evaluation's page shows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from reporting.organisation import organisation_name
from reporting.pdf import build_pdf, para, styles
from reporting.spreadsheets import Layout, Sheet, write_xlsx

from .models import FundingSource, SelfEvaluation, TargetIndicator

FORM_TITLE = "项目支出绩效自评表"
FUND_LABELS = {
    FundingSource.FISCAL: "其中：当年财政拨款",
    FundingSource.CARRY_OVER: "上年结转资金",
    FundingSource.OTHER: "其他资金",
}
GRADE_LABELS = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _target(indicator: TargetIndicator) -> str:
    if indicator.operator == TargetIndicator.Operator.QUALITATIVE:
        return indicator.target_text
    sign = {"ge": "≥", "le": "≤", "eq": "="}[indicator.operator]
    return f"{sign}{_number(indicator.target_value)}{indicator.measure_unit}"


def _actual(row) -> str:
    if row.indicator.operator == TargetIndicator.Operator.QUALITATIVE:
        text = row.get_band_display() if row.band else ""
        return f"{text}{('：' + row.actual_text) if row.actual_text else ''}"
    value = _number(row.actual_value)
    return f"{value}{row.indicator.measure_unit}" if value else ""


def self_evaluation_pdf(evaluation: SelfEvaluation, page: dict) -> bytes:
    """The form for ``evaluation`` from ``page`` (``selectors.evaluation_page``)."""
    with translation.override("zh-hans"):
        return _form(evaluation, page)


def _form(evaluation: SelfEvaluation, page: dict) -> bytes:
    st = styles()
    cell, head = st["cell"], st["cell_header"]
    right = st["cell_right"]
    project = evaluation.project

    def c(text, style=cell):
        return para(text or "", style)

    def h(text):
        return para(text, head)

    rate = page["execution_rate"]
    rows = [
        [h("项目名称"), c(f"{project.code} {project.name}"), "", "", "", "", "", "", ""],
        [h("主管部门"), c(settings.SHUXIANG_BUDGET_SUPERVISOR or organisation_name()), "", "",
         h("实施单位"), c(str(project.unit)),
         "", "", ""],
        [h("项目资金（元）"), "", h("年初预算数"), h("全年预算数"), h("全年执行数"), h("分值"),
         h("执行率"), h("得分"), ""],
        [c("年度资金总额"), "", c(_money(evaluation.initial), right),
         c(_money(evaluation.full_year), right), c(_money(evaluation.spent), right),
         c(_number(evaluation.execution_points), right),
         c(f"{rate}%" if rate is not None else "—", right),
         c(_number(evaluation.execution_score), right), ""],
    ]  # fmt: skip
    funds = {line.source: line for line in page["funds"]}
    for source, label in FUND_LABELS.items():
        line = funds.get(source)
        rows.append(
            [c(label), "", c(_money(line.initial) if line else "", right),
             c(_money(line.full_year) if line else "", right),
             c(_money(line.spent) if line else "", right), c("—"), c(""), c("—"), ""]
        )  # fmt: skip
    goals_at = len(rows)
    rows += [
        [h("年度总体目标"), h("预期目标"), "", "", "", h("实际完成情况"), "", "", ""],
        ["", c(evaluation.table.annual_goal), "", "", "", c(evaluation.goal_result), "", "", ""],
    ]
    indicators_at = len(rows)
    rows.append(
        [h("绩效指标"), h("一级指标"), h("二级指标"), h("三级指标"), h("年度指标值"),
         h("实际完成值"), h("分值"), h("得分"), h("偏差原因分析及改进措施")]
    )  # fmt: skip
    for row in page["rows"]:
        indicator = row.indicator
        rows.append(
            ["", c(row.level1_label), c(indicator.get_level2_display()), c(indicator.name),
             c(_target(indicator)), c(_actual(row)), c(_number(indicator.points), right),
             c(_number(row.score), right), c(row.reason)]
        )  # fmt: skip
    last_indicator = len(rows) - 1
    total_points = page["indicator_points"] + evaluation.execution_points
    grade = GRADE_LABELS.get(evaluation.grade, "")
    rows.append(
        [h("总分"), "", "", "", "", "", c(_number(total_points), right),
         c(_number(evaluation.total), right), c(f"自评等级：{grade}")]
    )  # fmt: skip
    widths = [24 * mm, 26 * mm, 26 * mm, 44 * mm, 28 * mm, 30 * mm, 16 * mm, 16 * mm, 53 * mm]
    grid = Table(rows, colWidths=widths, repeatRows=0)
    spans = [
        ("SPAN", (1, 0), (8, 0)),
        ("SPAN", (1, 1), (3, 1)),
        ("SPAN", (5, 1), (8, 1)),
        ("SPAN", (0, 2), (1, 2)),
        *[("SPAN", (0, r), (1, r)) for r in range(3, goals_at)],
        *[("SPAN", (7, r), (8, r)) for r in range(2, goals_at)],
        ("SPAN", (0, goals_at), (0, goals_at + 1)),
        ("SPAN", (1, goals_at), (4, goals_at)),
        ("SPAN", (5, goals_at), (8, goals_at)),
        ("SPAN", (1, goals_at + 1), (4, goals_at + 1)),
        ("SPAN", (5, goals_at + 1), (8, goals_at + 1)),
        ("SPAN", (0, indicators_at), (0, last_indicator)),
        ("SPAN", (0, len(rows) - 1), (5, len(rows) - 1)),
    ]
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *spans,
            ]
        )
    )
    story = [para(f"（{project.year} 年度）", st["subtitle"]), grid]
    return build_pdf(
        story,
        title=FORM_TITLE,
        organisation=organisation_name(),
        landscape=True,
        running_header=False,
    )


SUMMARY_HEADER = (
    "序号",
    "项目编码",
    "项目名称",
    "实施单位",
    "全年预算数（元）",
    "全年执行数（元）",
    "执行率（%）",
    "执行得分",
    "指标得分",
    "总分",
    "自评等级",
    "状态",
)


def evaluations_summary(rows, *, year: int) -> bytes:
    """One line per project's self-evaluation of ``year`` (``rows`` already narrowed to
    what the reader may see), in project order; two queries."""
    with translation.override("zh-hans"):
        statuses = dict(SelfEvaluation.Status.choices)
        evaluations = rows.select_related("project", "project__unit", "project__unit__library")
        evaluations = evaluations.order_by("project__code")

        def lines():
            for n, e in enumerate(evaluations.iterator(), start=1):
                rate = (
                    (Decimal(100) * e.spent / e.full_year).quantize(Decimal("0.01"))
                    if e.full_year
                    else None
                )
                indicators = e.total - e.execution_score if e.total is not None else None
                yield [n, e.project.code, e.project.name, str(e.project.unit), e.full_year,
                       e.spent, rate, e.execution_score, indicators, e.total,
                       GRADE_LABELS.get(e.grade, ""), str(statuses[e.status])]  # fmt: skip

        layout = Layout(repeat_header=True, page_numbers=True, fit_to_width=True, landscape=True)
        return write_xlsx(
            [Sheet(f"{year}年度项目支出绩效自评汇总", SUMMARY_HEADER, lines(), layout)]
        )


MONITORING_TITLE = "项目支出绩效运行监控表"


def monitoring_pdf(monitoring, page: dict) -> bytes:
    """The 项目支出绩效运行监控表 of ``monitoring`` from ``page``
    (``selectors.monitoring_page``): spending against the time schedule, then each
    indicator's progress, expected value, deviation and correction."""
    with translation.override("zh-hans"):
        return _monitoring_form(monitoring, page)


def _monitoring_form(monitoring, page: dict) -> bytes:
    st = styles()
    cell, head, right = st["cell"], st["cell_header"], st["cell_right"]
    project, execution = monitoring.project, page["execution"]

    def c(text, style=cell):
        return para(text or "", style)

    def h(text):
        return para(text, head)

    def percent(value) -> str:
        return "—" if value is None else f"{value}%"

    rows = [
        [h("项目名称"), c(f"{project.code} {project.name}"), "", "", "", "", "", ""],
        [h("主管部门"), c(settings.SHUXIANG_BUDGET_SUPERVISOR or organisation_name()), "", "",
         h("实施单位"), c(str(project.unit)), "", ""],
        [h("预算执行情况（元）"), h("全年预算数"), h(f"1—{monitoring.month}月执行数"),
         h("执行率"), h("序时进度"), h("偏差（百分点）"), "", ""],
        ["", c(_money(execution.budget), right), c(_money(execution.spent), right),
         c(percent(execution.rate), right), c(percent(execution.schedule), right),
         c("—" if execution.gap is None else f"{execution.gap}", right), "", ""],
        [h("年度目标"), c(monitoring.table.annual_goal), "", "", h("目标完成情况"),
         c(monitoring.progress), "", ""],
        [h("一级指标"), h("三级指标"), h("年度指标值"), h(f"1—{monitoring.month}月完成值"),
         h("全年预计完成值"), h("偏差原因"), h("纠偏措施"), h("是否调整目标")],
    ]  # fmt: skip
    for line in page["lines"]:
        indicator = line.indicator
        qualitative = indicator.operator == TargetIndicator.Operator.QUALITATIVE
        rows.append(
            [c(line.level1_label), c(f"{indicator.name}（{indicator.get_level2_display()}）"),
             c(_target(indicator)),
             c(line.text if qualitative else _number(line.cumulative)),
             c("" if qualitative else _number(line.expected)),
             c(line.deviation_reason), c(line.correction), c("是" if line.adjust_target else "否")]
        )  # fmt: skip
    widths = [26 * mm, 52 * mm, 28 * mm, 28 * mm, 28 * mm, 42 * mm, 42 * mm, 21 * mm]
    grid = Table(rows, colWidths=widths)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("SPAN", (1, 0), (7, 0)),
                ("SPAN", (1, 1), (3, 1)),
                ("SPAN", (5, 1), (7, 1)),
                ("SPAN", (0, 2), (0, 3)),
                ("SPAN", (5, 2), (7, 2)),
                ("SPAN", (5, 3), (7, 3)),
                ("SPAN", (1, 4), (3, 4)),
                ("SPAN", (5, 4), (7, 4)),
            ]
        )
    )
    story = [para(f"（{project.year} 年 1—{monitoring.month} 月）", st["subtitle"]), grid]
    return build_pdf(
        story,
        title=MONITORING_TITLE,
        organisation=organisation_name(),
        landscape=True,
        running_header=False,
    )
