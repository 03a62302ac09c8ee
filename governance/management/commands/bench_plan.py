"""``manage.py bench_plan``: the plan dashboard (today and a past date, as a department
head and as the planning office) on a generated plan, each beside raw SQL computing the
same figures; and the tracking table of the whole plan (time and peak memory). Part of
``manage.py bench`` (reporting), whose harness it uses."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from governance.access import get_user_access, may_everywhere
from governance.models import OrgUnit, Period, Plan, PlanItem, ProgressReport
from governance.roles import role_group
from governance.selectors.dashboard import PAGE_AT_RISK, plan_dashboard
from governance.selectors.plan import behind_tolerance
from governance.services.org import create_unit, grant_scope
from governance.services.plan import bulk_create_items, ensure_periods
from governance.services.progress import refresh_progress
from reporting.management.commands.bench import (
    Result,
    add_common_arguments,
    check_common,
    child_runs,
    compare,
    judge,
    refuse_unless_throwaway,
    same,
    save,
)

AREAS = (
    "公共文化服务体系建设",
    "全民阅读推广",
    "文献资源建设",
    "智慧图书馆建设",
    "古籍保护与地方文献",
    "人才队伍建设",
    "馆舍设施与安全保障",
)
MIN_ITEMS = 1 + len(AREAS) * 3  # the chapter, and one section with one task per area
UNITS = 20
START_YEAR = 2021
TEXT = "坚持以人民为中心，推进公共图书馆服务标准化、均等化、数字化，完善总分馆体系，" * 2
CN_DIGITS = "零一二三四五六七八九"
CENT = Decimal("0.01")


@dataclass
class OutlineNode:
    """An outline node shaped like the importer's (what ``bulk_create_items`` reads)."""

    number: str
    title: str
    style: str
    text: str = TEXT
    children: list[OutlineNode] = field(default_factory=list)


@dataclass
class BenchPlan:
    plan: Plan
    user_id: int  # the planning office: sees the whole plan
    head_id: int  # a department head: sees the items of one unit
    as_of: dt.date
    items: int
    leaves: int
    units: int
    periods: int
    reported_periods: int
    reports: int


def cn_number(n: int) -> str:
    """一 … 九十九, as plan outlines number their areas and sections."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_DIGITS[tens]}十{CN_DIGITS[ones] if ones else ''}"


def build_outline(total: int) -> list[OutlineNode]:
    """One chapter 主要任务 over 7 task areas of sections, tasks and subtasks: ``total``
    items in all, the subtasks spread evenly over the tasks (some tasks get none)."""
    budget = total - 1 - len(AREAS)
    sections = tasks = max(1, round((budget / len(AREAS)) ** (1 / 3)))
    while len(AREAS) * sections * (1 + tasks) > budget and (sections > 1 or tasks > 1):
        if tasks >= sections:
            tasks -= 1
        else:
            sections -= 1
    all_tasks = len(AREAS) * sections * tasks
    subtasks = budget - len(AREAS) * sections * (1 + tasks)
    task_index = 0
    areas = []
    for a, area_title in enumerate(AREAS, start=1):
        area = OutlineNode(f"{cn_number(a)}、", area_title, "cn")
        for s in range(1, sections + 1):
            section = OutlineNode(f"（{cn_number(s)}）", f"{area_title}重点工作{s}", "paren_cn")
            for t in range(1, tasks + 1):
                task = OutlineNode(f"{t}.", f"任务{a}.{s}.{t}", "arabic")
                # Bresenham-like share: task j gets floor((j+1)·n/T) − floor(j·n/T).
                share = (
                    task_index + 1
                ) * subtasks // all_tasks - task_index * subtasks // all_tasks
                task.children = [
                    OutlineNode(f"（{u}）", f"子任务{a}.{s}.{t}.{u}", "paren_num")
                    for u in range(1, share + 1)
                ]
                task_index += 1
                section.children.append(task)
            area.children.append(section)
        areas.append(area)
    return [OutlineNode("四、", "主要任务", "cn", children=areas)]


def aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def generate(*, items: int, periods: int, seed: int = 14) -> BenchPlan:
    """A plan in force with ``items`` items led by 20 units, and an accepted report for
    every leaf in each of the first ``periods`` quarters, those quarters closed."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable figures, not security
    years = max(5, math.ceil(periods / 4))
    plan = Plan.objects.create(
        title=f"基准测试规划（{items}项）",
        start_year=START_YEAR,
        end_year=START_YEAR + years - 1,
        status=Plan.Status.IN_FORCE,
    )
    library = create_unit(
        parent=None, name="基准测试图书馆", code=f"BENCH{plan.pk}", kind=OrgUnit.Kind.LIBRARY
    )
    units = [
        create_unit(
            parent=library,
            name=f"基准测试部门{n}",
            code=f"BENCH{plan.pk}-{n:02d}",
            kind=OrgUnit.Kind.DEPARTMENT,
        )
        for n in range(1, UNITS + 1)
    ]
    planner = get_user_model().objects.create_user(username=f"bench-planner-{plan.pk}")
    planner.groups.add(role_group("planning"))
    head = get_user_model().objects.create_user(username=f"bench-head-{plan.pk}")
    head.groups.add(role_group("department_head"))
    grant_scope(head, units[0])

    count = bulk_create_items(plan, build_outline(items))
    plan_items = PlanItem.objects.filter(plan=plan)
    # Each section (and everything under it) goes to one unit, round robin.
    sections = list(plan_items.filter(depth=3).values_list("path", flat=True))
    for n, unit in enumerate(units):
        prefixes = sections[n :: len(units)]
        if prefixes:
            plan_items.filter(reduce(or_, (Q(path__startswith=p) for p in prefixes))).update(
                lead_unit=unit
            )
    # Tasks broken into subtasks weigh double, so the roll-up is really weighted.
    plan_items.filter(kind=PlanItem.Kind.TASK, numchild__gt=0).update(weight=Decimal(2))

    ensure_periods(plan)
    all_periods = list(Period.objects.filter(plan=plan).order_by("year", "quarter"))
    reported = all_periods[:periods]
    leaves = list(plan_items.filter(numchild=0).values_list("pk", flat=True))
    speeds = {pk: rng.uniform(0.6, 1.3) for pk in leaves}  # pace against the time schedule
    last: dict[int, Decimal] = dict.fromkeys(leaves, Decimal(0))
    tenth = Decimal("0.1")
    for index, period in enumerate(reported):
        schedule = 100 * (index + 1) / len(all_periods)
        submitted = aware(period.end_date + dt.timedelta(days=5), 10)
        reviewed = aware(period.end_date + dt.timedelta(days=10), 15)
        rows = []
        for pk in leaves:
            pace = speeds[pk] * rng.uniform(0.95, 1.05)
            percent = max(last[pk], Decimal(min(100.0, schedule * pace)).quantize(tenth))
            last[pk] = percent
            ratio = float(percent) / schedule
            health = (
                ProgressReport.Health.ON_TRACK
                if ratio >= 0.9
                else ProgressReport.Health.AT_RISK
                if ratio >= 0.7
                else ProgressReport.Health.OFF_TRACK
            )
            rows.append(
                ProgressReport(
                    item_id=pk,
                    period_id=period.pk,
                    percent=percent,
                    health=health,
                    narrative="按计划推进，完成阶段性工作。",
                    status=ProgressReport.Status.ACCEPTED,
                    submitted_at=submitted,
                    reviewed_by_id=planner.pk,
                    reviewed_at=reviewed,
                )
            )
        ProgressReport.objects.bulk_create(rows)
        period.closed_at = aware(period.end_date + dt.timedelta(days=15), 17)
        period.closed_by = planner
    Period.objects.bulk_update(reported, ["closed_at", "closed_by"])
    # The reports went in with bulk_create, past the services: store today's figures the
    # way accepting them would have (the dashboard for today reads them).
    refresh_progress(plan)
    if connection.vendor == "postgresql":
        # A live database has statistics (autovacuum); fresh rows in an open transaction
        # have none, and the planner would guess.
        with connection.cursor() as cursor:
            for model in (PlanItem, ProgressReport, Period):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return BenchPlan(
        plan=plan,
        user_id=planner.pk,
        head_id=head.pk,
        as_of=reported[-1].end_date + dt.timedelta(days=30),
        items=count,
        leaves=len(leaves),
        units=len(units),
        periods=len(all_periods),
        reported_periods=len(reported),
        reports=len(leaves) * len(reported),
    )


def dashboard_figures(board) -> dict:
    """Every figure the dashboard shows, as plain data (what the baseline must match)."""
    return {
        "overall": board.overall,
        "expected": board.expected,
        "areas": [(a.item.pk, a.progress, a.expected, a.behind, a.status) for a in board.area_rows],
        "units": {
            r.unit.pk: (r.items, r.progress, r.expected, r.overdue, r.off_track, r.behind)
            for r in board.units
        },
        "health": dict(board.health),
        "period": board.period.pk if board.period else None,
        "overdue": [i.pk for i in board.overdue],
        "off_track": list(board.off_track),
        "at_risk": [
            (r.item_id, r.progress, r.expected, r.behind, r.health, r.period) for r in board.at_risk
        ],
        "behind": board.behind,
        "items": [
            (m.item.pk, m.progress, m.expected, m.behind, m.health, m.status, m.is_lead)
            for m in board.items
        ],
    }


def _dashboard_sql(depth: int, units: int) -> str:
    """Every item of the plan with its rolled-up progress, expected progress, status and
    whether it counts (one CTE per depth, children grouped by their parent's path as
    ``roll_up`` does), and for the leaves the latest submitted or accepted report, whether
    it is overdue and whether the user sees it. Portable between SQLite and PostgreSQL;
    only table names from _meta and integers are formatted in, values are parameters."""
    quote = connection.ops.quote_name
    items = quote(PlanItem._meta.db_table)
    reports = quote(ProgressReport._meta.db_table)
    periods = quote(Period._meta.db_table)
    partners = quote(PlanItem.partner_units.through._meta.db_table)
    end = quote("end_year")
    as_of = "(p.year < %(year)s OR (p.year = %(year)s AND p.quarter <= %(quarter)s))"
    expected = (
        "CASE WHEN %(year)s < s THEN 0 WHEN %(year)s > e THEN 100 "
        "ELSE 100.0 * ((%(year)s - s) + %(frac)s) / (e - s + 1) END"
    )
    ctes = [
        f"""node AS MATERIALIZED (
            SELECT i.id, i.path, i.depth, i.weight, i.numchild, i.lead_unit_id, i.status,
                i.kind, i.start_year, i.{end}, i.responsible_id,
                COALESCE(i.start_year, %(plan_start)s) AS s, COALESCE(i.{end}, %(plan_end)s) AS e,
                CASE WHEN i.numchild = 0 THEN COALESCE((
                    SELECT r.percent FROM {reports} r JOIN {periods} p ON p.id = r.period_id
                    WHERE r.item_id = i.id AND p.plan_id = i.plan_id
                      AND r.status = %(accepted)s AND {as_of}
                    ORDER BY p.year DESC, p.quarter DESC LIMIT 1), 0) END AS leaf
            FROM {items} i WHERE i.plan_id = %(plan)s)"""  # noqa: S608
    ]
    for d in range(depth, 0, -1):
        if d == depth:
            ctes.append(
                f"""sub{d} AS (SELECT path AS parent, 0 AS tasks, 0 AS ncounted, 0.0 AS cw,
                    0.0 AS cws, 0.0 AS cplain, 0.0 AS ew, 0.0 AS eplain, 0.0 AS aw,
                    0.0 AS aws, 0.0 AS aplain, 0 AS n, 0 AS completed, 0 AS started
                    FROM node WHERE 1 = 0)"""  # noqa: S608
            )
        else:
            prefix = f"SUBSTR(path, 1, {d * PlanItem.steplen})"
            ctes.append(
                f"""sub{d} AS (
                SELECT {prefix} AS parent, SUM(is_task) AS tasks, SUM(counts) AS ncounted,
                    SUM(CASE WHEN counts = 1 THEN weight * value ELSE 0 END) AS cw,
                    SUM(CASE WHEN counts = 1 THEN weight ELSE 0 END) AS cws,
                    SUM(CASE WHEN counts = 1 THEN value ELSE 0 END) AS cplain,
                    SUM(CASE WHEN counts = 1 THEN weight * expected ELSE 0 END) AS ew,
                    SUM(CASE WHEN counts = 1 THEN expected ELSE 0 END) AS eplain,
                    SUM(weight * value) AS aw, SUM(weight) AS aws, SUM(value) AS aplain,
                    COUNT(*) AS n,
                    SUM(CASE WHEN counts = 1 AND state = %(completed)s THEN 1 ELSE 0 END)
                        AS completed,
                    MAX(CASE WHEN counts = 1 AND state <> %(not_started)s THEN 1 ELSE 0 END)
                        AS started
                FROM level{d + 1} GROUP BY {prefix})"""  # noqa: S608
            )
        value = (
            "CASE WHEN COALESCE(s.ncounted, 0) > 0 THEN (CASE WHEN s.cws <> 0 THEN 1.0 * s.cw"
            " / s.cws ELSE 1.0 * s.cplain / s.ncounted END) WHEN s.aws <> 0 THEN 1.0 * s.aw"
            " / s.aws WHEN s.n > 0 THEN 1.0 * s.aplain / s.n ELSE 0 END"
        )
        schedule = (
            "CASE WHEN COALESCE(s.ncounted, 0) > 0 THEN (CASE WHEN s.cws <> 0 THEN 1.0 * s.ew"
            f" / s.cws ELSE 1.0 * s.eplain / s.ncounted END) ELSE {expected} END"
        )
        ctes.append(
            f"""level{d} AS (
            SELECT id, path, weight, is_task, counts, depth, kind, numchild, lead_unit_id,
                start_year, {end}, responsible_id, status,
                CASE WHEN is_task = 1 THEN ROUND(raw, 2) ELSE 0 END AS value,
                CASE WHEN is_task = 1 THEN ROUND(schedule, 2) END AS expected,
                CASE WHEN is_task = 0 THEN NULL
                    WHEN numchild = 0 AND status = %(suspended)s THEN %(suspended)s
                    WHEN numchild = 0 AND raw >= 100 THEN %(completed)s
                    WHEN numchild = 0 AND (raw > 0 OR status = %(in_progress)s)
                        THEN %(in_progress)s
                    WHEN numchild = 0 THEN %(not_started)s
                    WHEN ncounted = 0 THEN %(suspended)s
                    WHEN completed = ncounted THEN %(completed)s
                    WHEN started = 1 THEN %(in_progress)s
                    ELSE %(not_started)s END AS state
            FROM (SELECT n.id, n.path, n.weight, n.numchild, n.status, n.depth, n.kind,
                    n.lead_unit_id, n.start_year, n.{end}, n.responsible_id,
                    COALESCE(s.ncounted, 0) AS ncounted, s.completed, s.started,
                    CASE WHEN n.numchild = 0 THEN n.leaf ELSE {value} END AS raw,
                    CASE WHEN n.numchild = 0 THEN {expected} ELSE {schedule} END AS schedule,
                    CASE WHEN n.numchild = 0 AND n.lead_unit_id IS NOT NULL THEN 1
                        WHEN n.numchild > 0 AND COALESCE(s.tasks, 0) > 0 THEN 1
                        ELSE 0 END AS is_task,
                    CASE WHEN n.numchild = 0 AND n.lead_unit_id IS NOT NULL
                            AND n.status <> %(suspended)s THEN 1
                        WHEN n.numchild > 0 AND COALESCE(s.ncounted, 0) > 0 THEN 1
                        ELSE 0 END AS counts
                FROM node n LEFT JOIN sub{d} s ON s.parent = n.path
                WHERE n.depth = {d}) x)"""  # noqa: S608
        )
    # The final select reads the levels alone: joining them back to ``node`` by id costs
    # SQLite a scan per row (no index on a CTE), 1.8 s at 5,000 items.
    every = " UNION ALL ".join(f"SELECT * FROM level{d}" for d in range(1, depth + 1))  # noqa: S608
    ctes.append(f"everything AS ({every})")
    in_units = ", ".join(f"%(unit_{i})s" for i in range(units)) or "NULL"
    overdue = f"""CASE WHEN %(period)s IS NOT NULL AND n.numchild = 0
            AND n.lead_unit_id IS NOT NULL
            AND (n.start_year IS NULL OR n.start_year <= %(period_year)s)
            AND (n.{end} IS NULL OR n.{end} >= %(period_year)s)
            AND n.status NOT IN (%(completed)s, %(suspended)s)
            AND NOT EXISTS (SELECT 1 FROM {reports} r WHERE r.item_id = n.id
                AND r.period_id = %(period)s AND r.status IN (%(submitted)s, %(accepted)s))
            AND NOT EXISTS (SELECT 1 FROM {reports} r JOIN {periods} p ON p.id = r.period_id
                WHERE r.item_id = n.id AND p.plan_id = %(plan)s AND r.status = %(accepted)s
                AND r.percent >= 100 AND (p.year < %(period_year)s
                    OR (p.year = %(period_year)s AND p.quarter <= %(period_quarter)s)))
            THEN 1 ELSE 0 END"""  # noqa: S608
    visible = f"""CASE WHEN %(scoped)s = 0 OR n.lead_unit_id IN ({in_units})
            OR n.responsible_id = %(user)s
            OR EXISTS (SELECT 1 FROM {partners} pu WHERE pu.planitem_id = n.id
                AND pu.orgunit_id IN ({in_units})) THEN 1 ELSE 0 END"""  # noqa: S608
    select = f"""
        SELECT n.id, n.path, n.depth, n.kind, n.numchild, n.lead_unit_id, n.weight,
            n.is_task, n.counts, n.value, n.expected, n.state,
            lr.health, lp.year, lp.quarter, {overdue} AS overdue, {visible} AS visible
        FROM everything n
        LEFT JOIN {reports} lr ON n.numchild = 0 AND lr.id = (
            SELECT r.id FROM {reports} r JOIN {periods} p ON p.id = r.period_id
            WHERE r.item_id = n.id AND p.plan_id = %(plan)s
              AND r.status IN (%(submitted)s, %(accepted)s) AND {as_of}
            ORDER BY p.year DESC, p.quarter DESC LIMIT 1)
        LEFT JOIN {periods} lp ON lp.id = lr.period_id
        ORDER BY n.path"""  # noqa: S608
    return "WITH " + ",\n".join(ctes) + select


def _cents(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def raw_dashboard(plan: Plan, *, user, as_of: dt.date) -> dict:
    """The dashboard's figures (``dashboard_figures``) from raw SQL: the user's units and
    the last closed period (two small queries), every item's figures in one statement,
    then plain sums over those tuples."""
    scoped = not may_everywhere(user, PlanItem, "view")
    units = sorted(get_user_access(user).unit_ids) if scoped else []
    quote = connection.ops.quote_name
    midnight = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, year, quarter FROM {quote(Period._meta.db_table)} "  # noqa: S608
            "WHERE plan_id = %s AND closed_at IS NOT NULL AND closed_at < %s "
            "ORDER BY year DESC, quarter DESC LIMIT 1",
            [plan.pk, midnight],
        )
        period = cursor.fetchone() or (None, 0, 0)
        cursor.execute(
            f"SELECT MAX(depth) FROM {quote(PlanItem._meta.db_table)} WHERE plan_id = %s",  # noqa: S608
            [plan.pk],
        )
        (depth,) = cursor.fetchone()
        days = (dt.date(as_of.year, 12, 31) - dt.date(as_of.year, 1, 1)).days + 1
        frac = Decimal(as_of.timetuple().tm_yday) / days
        params = {
            "plan": plan.pk,
            "plan_start": plan.start_year,
            "plan_end": plan.end_year,
            "year": as_of.year,
            "quarter": sum(
                1 for q in (1, 2, 3, 4) if Period(year=as_of.year, quarter=q).end_date <= as_of
            ),
            "frac": frac if connection.vendor == "postgresql" else float(frac),
            "period": period[0],
            "period_year": period[1],
            "period_quarter": period[2],
            "scoped": int(scoped),
            "user": user.pk,
            **{f"unit_{i}": pk for i, pk in enumerate(units)},
            **{f"{s.name.lower()}": s.value for s in PlanItem.Status},
            "submitted": ProgressReport.Status.SUBMITTED.value,
            "accepted": ProgressReport.Status.ACCEPTED.value,
        }
        cursor.execute(_dashboard_sql(depth or 1, len(units)), params)
        rows = cursor.fetchall()
    return _figures(rows, period=period[0], scoped=scoped, units=set(units))


def _figures(rows, *, period, scoped: bool, units: set[int]) -> dict:
    tolerance = behind_tolerance()
    status_label = dict(PlanItem.Status.choices)
    health_label = dict(ProgressReport.Health.choices)
    risky = {ProgressReport.Health.AT_RISK, ProgressReport.Health.OFF_TRACK}
    off = ProgressReport.Health.OFF_TRACK
    items = []
    for row in rows:
        (pk, _path, depth, kind, numchild, unit, weight, is_task, counts, value, expected,
         state, health, year, quarter, overdue, visible) = row  # fmt: skip
        value = _cents(value) if is_task else Decimal(0)
        expected = _cents(expected)
        late = bool(counts) and state != "completed" and value < expected - tolerance
        items.append(
            (pk, depth, kind, numchild, unit, Decimal(str(weight)), bool(is_task), bool(counts),
             value, expected, state, health, year, quarter, bool(overdue), bool(visible), late)
        )  # fmt: skip
    leaves = [i for i in items if i[3] == 0 and i[4] is not None and i[15]]
    by_unit: dict[int, list] = {}
    for (_pk, _d, _k, _n, unit, weight, _t, counts, value, expected, _s, health, _y, _q,
         overdue, _v, late) in leaves:  # fmt: skip
        row = by_unit.setdefault(unit, [0, Decimal(0), Decimal(0), 0, 0, 0, Decimal(0)])
        row[3] += overdue
        row[4] += health == off
        if not counts:
            continue
        row[0] += 1
        row[1] += weight * value
        row[2] += weight * expected
        row[5] += late
        row[6] += weight
    units_out = {
        unit: (
            n,
            (progress / total).quantize(CENT) if total else Decimal(0),
            (schedule / total).quantize(CENT) if total else Decimal(0),
            overdue, off_track, behind,
        )
        for unit, (n, progress, schedule, overdue, off_track, behind, total) in by_unit.items()
    }  # fmt: skip
    areas = [i for i in items if i[2] == PlanItem.Kind.AREA and i[6]]
    top = areas or [i for i in items if i[1] == 1 and i[6]]

    def overall(column: int) -> Decimal:
        counting = [i for i in top if i[7]]
        total = sum((i[5] for i in counting), Decimal(0))
        if not total:
            return Decimal(0)
        value = sum((i[5] * i[column] for i in counting), Decimal(0)) / total
        return value.quantize(CENT, rounding=ROUND_HALF_UP)

    return {
        "overall": overall(8),
        "expected": overall(9),
        "areas": [(i[0], i[8], i[9], i[16], status_label.get(i[10], "")) for i in areas],
        "units": units_out,
        "health": dict(Counter(i[11] for i in leaves if i[11])),
        "period": period,
        "overdue": [i[0] for i in leaves if i[14]],
        "off_track": [i[0] for i in leaves if i[11] == off],
        "at_risk": [
            (i[0], i[8], i[9], i[16], i[11], f"{i[12]}Q{i[13]}" if i[11] else "")
            for i in leaves
            if i[7] and i[10] != "completed" and (i[16] or i[11] in risky)
        ],
        "behind": sum(1 for i in leaves if i[16]),
        "items": [
            (i[0], i[8], i[9], i[16], health_label.get(i[11]), status_label.get(i[10], ""),
             i[4] in units)
            for i in leaves
        ]
        if scoped
        else [],
    }  # fmt: skip


def time_tracking(plan_id: int, user_id: int, as_of: str) -> float:
    """In a child process: the tracking table as the view builds it (seconds)."""
    from django.db.models import Prefetch

    from governance.documents import tracking_workbook

    plan = Plan.objects.get(pk=plan_id)
    user = get_user_model().objects.get(pk=user_id)
    started = time.perf_counter()
    items = (
        PlanItem.objects.filter(plan=plan)
        .visible_to(user)
        .select_related("lead_unit", "responsible")
        .prefetch_related(Prefetch("partner_units", queryset=OrgUnit.objects.order_by("path")))
    )
    tracking_workbook(plan, items, as_of=dt.date.fromisoformat(as_of))
    return time.perf_counter() - started


class Command(BaseCommand):
    help = (
        "The plan dashboard (today and a past date; a department head and the planning "
        "office) beside raw SQL computing the same figures, and the tracking table, on a "
        "generated plan (default 5,000 items, an accepted report per leaf for 10 closed "
        "quarters). It WRITES and commits a plan, 21 org units and users, so it refuses to "
        "run unless the database is a throwaway one (see manage.py bench)."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument(
            "--periods", type=int, default=10, help="Reported, closed quarters (default 10)."
        )

    def handle(self, *args, runs, items, periods, results, skip, **options):
        refuse_unless_throwaway()
        check_common(runs)
        if items < MIN_ITEMS:
            raise CommandError(f"--items must be at least {MIN_ITEMS}.")
        skipped = set(filter(None, skip.split(",")))
        started = time.perf_counter()
        with transaction.atomic():
            bench = generate(items=items, periods=periods)
        plan = bench.plan
        self.stdout.write(
            f"Generated in {time.perf_counter() - started:.1f} s: {bench.items} items "
            f"({bench.leaves} leaves), {bench.reports} accepted reports."
        )
        users = get_user_model().objects
        out = self.stdout.write
        done: list[Result] = []
        for when, as_of in (("today", timezone.localdate()), ("past date", bench.as_of)):
            for who, user_id in (("head", bench.head_id), ("planning office", bench.user_id)):
                if "dashboard" in skipped:
                    continue
                done.append(
                    judge(
                        compare(
                            f"plan dashboard, {when}, {who} ({bench.items:,} items)",
                            # A fresh user each run: the access memoised on it lasts one request.
                            # As the page asks (every figure; objects for the rows it lists).
                            lambda as_of=as_of, pk=user_id: dashboard_figures(
                                plan_dashboard(
                                    plan, user=users.get(pk=pk), as_of=as_of, listed=PAGE_AT_RISK
                                )
                            ),
                            lambda as_of=as_of, pk=user_id: raw_dashboard(
                                plan, user=users.get(pk=pk), as_of=as_of
                            ),
                            runs=runs,
                            check=lambda a, b: same(a, b, "figures"),
                            out=out,
                        ),
                        at_most=2,
                    )
                )
        if "tracking" not in skipped:
            done.append(
                child_runs(
                    f"tracking table ({bench.items:,} items, planning office)",
                    "governance.management.commands.bench_plan.time_tracking",
                    runs=runs,
                    out=out,
                    plan_id=plan.pk,
                    user_id=bench.user_id,
                    as_of=timezone.localdate().isoformat(),
                )
            )
        save(done, results)
