"""The customer's 2021–2025 plan: imported from its own text, assigned to the units from
the planning office's assignment sheet, five years of progress reports from its ledger,
and its indicators from its indicator table.

The plan, the assignment and the indicators go through the importers a user runs. The
progress reports are history and take a set-based path instead: the ledger's 1,877
reports are written with one ``bulk_create``, their quarters closed on the recorded days
and the items' status set from their last accepted report, then the stored progress is
refreshed with ``refresh_progress``. Going through ``submit_report`` and
``review_report`` report by report would cost some twenty queries and a roll-up each,
and would date every report and review today and refuse the closed quarters.

The demo's "today" is the end of 2025: every quarter but 2025 Q4 is closed, and some of
that quarter's reports still wait for review.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import load_workbook

from governance.importers.assignment import import_assignment
from governance.importers.indicators import import_indicators
from governance.importers.items import ItemLookup
from governance.importers.plan import parse_plan_file
from governance.models import Plan, PlanItem, ProgressReport
from governance.services.plan import import_plan, refresh_progress

from .files import local_time, path, read_csv

PLAN = "plan-2021-2025.txt"
ASSIGNMENT = "plan-assignment.xlsx"
REPORTS = "plan-reports.csv"
PERIODS = "plan-periods.csv"
INDICATORS = "plan-indicators.csv"
PLANNER = "planner"
# Typed into the plan's form by the planning office: the date of the bureau's approval.
APPROVAL_DATE = dt.date(2020, 12, 28)
# Only the task areas of this chapter count in the plan's progress: the importer also
# takes 理念 and 使命 under 总体目标 for task areas (they have numbered children), and the
# planning office corrects them to sections.
TASKS_CHAPTER = "主要任务"
HEALTH = {
    "正常": ProgressReport.Health.ON_TRACK,
    "有风险": ProgressReport.Health.AT_RISK,
    "滞后": ProgressReport.Health.OFF_TRACK,
}
STATUS = {"已通过": ProgressReport.Status.ACCEPTED, "待审核": ProgressReport.Status.SUBMITTED}


@transaction.atomic
def load_plan() -> dict[str, int]:
    """Import the plan with its assignment, reports and indicators; does nothing when a
    plan of the same title exists. Runs after the org tree and users."""
    nothing = {"plans": 0, "items": 0, "reports": 0, "indicators": 0}
    parsed = parse_plan_file(PLAN, path(PLAN).read_bytes())
    if Plan.objects.filter(title=parsed.title).exists():
        return nothing
    planner = get_user_model().objects.get(username=PLANNER)

    plan = import_plan(parsed, user=planner)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_FORCE, approval_date=APPROVAL_DATE)
    tasks = PlanItem.objects.get(plan=plan, depth=1, title=TASKS_CHAPTER)
    PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.AREA).exclude(
        path__startswith=tasks.path
    ).update(kind=PlanItem.Kind.SECTION)

    import_assignment(plan, assignment_sheet(plan), user=planner)
    reports = load_report_history(plan)
    indicators = import_indicators(plan, INDICATORS, path(INDICATORS).read_bytes(), user=planner)
    refresh_progress(plan)
    items = PlanItem.objects.filter(plan=plan).count()
    return {"plans": 1, "items": items, "reports": reports, "indicators": indicators}


def assignment_sheet(plan: Plan) -> bytes:
    """The planning office's assignment sheet with this database's item IDs.

    The sheet was exported from another installation, whose IDs it carries. The same
    document always imports to the same outline, so its rows are matched to this plan's
    items by their place in the outline, checked by number and title.
    """
    workbook = load_workbook(BytesIO(path(ASSIGNMENT).read_bytes()))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    ids, numbers, titles = (header.index(h) for h in ("ID", "编号", "标题"))
    rows = list(sheet.iter_rows(min_row=2))
    items = list(PlanItem.objects.filter(plan=plan).values_list("pk", "number", "title"))
    if len(rows) != len(items):
        raise ValueError(f"{ASSIGNMENT} has {len(rows)} rows for {len(items)} plan items.")
    for row, (pk, number, title) in zip(rows, items, strict=True):
        written = ((row[numbers].value or ""), (row[titles].value or "").lstrip("\u3000"))
        if written != (number, title):
            raise ValueError(f"{ASSIGNMENT} row {row[0].row} is {written}, not {number}{title}.")
        row[ids].value = pk
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def load_report_history(plan: Plan) -> int:
    """The ledger's reports, the quarters' closing and the items' status (see above)."""
    items = ItemLookup(plan)
    periods = {(p.year, p.quarter): p for p in plan.periods.all()}
    users = {u.username: u for u in get_user_model().objects.all()}
    reports = []
    for number, row in enumerate(read_csv(REPORTS), start=2):
        try:
            item = items.find(row["条目"])
        except ValueError as error:
            raise ValueError(f"{REPORTS} row {number}: {error}") from None
        reports.append(
            ProgressReport(
                item=item,
                period=periods[int(row["年度"]), int(row["季度"])],
                percent=Decimal(row["完成进度"]),
                health=HEALTH[row["进展情况"]],
                narrative=row["本期工作"],
                next_steps=row["下步计划"],
                status=STATUS[row["审核状态"]],
                author=users[row["填报人"]],
                submitted_at=local_time(row["填报时间"]),
                reviewed_by=users.get(row["审核人"]),
                reviewed_at=local_time(row["审核时间"]),
            )
        )
    ProgressReport.objects.bulk_create(reports, batch_size=500)

    closed = []
    for row in read_csv(PERIODS):
        period = periods[int(row["年度"]), int(row["季度"])]
        period.closed_at, period.closed_by = local_time(row["关闭时间"]), users[row["关闭人"]]
        closed.append(period)
    plan.periods.model.objects.bulk_update(closed, ["closed_at", "closed_by"])
    _set_status(plan, reports)
    return len(reports)


def _set_status(plan: Plan, reports: list[ProgressReport]) -> None:
    """Completed at 100 % accepted, else in progress; an item with sub-items is completed
    with all of them."""
    accepted = {}
    for report in sorted(reports, key=lambda r: (r.period.year, r.period.quarter)):
        if report.status == ProgressReport.Status.ACCEPTED:
            accepted[report.item_id] = report.percent
    items = list(
        PlanItem.objects.filter(plan=plan).only("pk", "path", "numchild", "lead_unit", "status")
    )
    children: dict[str, list[PlanItem]] = {}
    for item in items:
        children.setdefault(item.path[: -PlanItem.steplen], []).append(item)
    changed = []
    for item in reversed(items):  # children before their parents
        if item.pk in accepted:
            done = accepted[item.pk] >= 100
        elif item.numchild and item.lead_unit_id:
            done = all(c.status == PlanItem.Status.COMPLETED for c in children[item.path])
        else:
            continue
        item.status = PlanItem.Status.COMPLETED if done else PlanItem.Status.IN_PROGRESS
        changed.append(item)
    PlanItem.objects.bulk_update(changed, ["status"], batch_size=500)
