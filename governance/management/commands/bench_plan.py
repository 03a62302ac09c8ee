"""``manage.py bench_plan``: time the plan dashboard and the progress roll-up on a
generated plan, beside raw SQL that computes the same aggregates."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial, reduce
from operator import or_
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import OrgUnit, Period, Plan, PlanItem, ProgressReport
from governance.roles import role_group
from governance.selectors.dashboard import plan_dashboard
from governance.selectors.plan import rollup_progress
from governance.services.org import create_unit
from governance.services.plan import bulk_create_items, ensure_periods

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
THROWAWAY_PREFIXES = ("bench", "test")


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
    user_id: int
    as_of: dt.date
    items: int
    leaves: int
    units: int
    periods: int
    reported_periods: int
    reports: int


@dataclass
class Timing:
    label: str
    runs: list[float]
    queries: int
    peak_bytes: int

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def is_throwaway(settings_dict: dict) -> bool:
    """An in-memory SQLite database, or one whose name (a SQLite file's name) starts with
    ``bench`` or ``test`` (pytest's test databases are ``test_…``)."""
    name = str(settings_dict.get("NAME") or "")
    if name == ":memory:" or "mode=memory" in name:
        return True
    return Path(name).name.startswith(THROWAWAY_PREFIXES)


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
    if connection.vendor == "postgresql":
        # A live database has statistics (autovacuum); fresh rows in an open transaction
        # have none, and the planner would guess.
        with connection.cursor() as cursor:
            for model in (PlanItem, ProgressReport, Period):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return BenchPlan(
        plan=plan,
        user_id=planner.pk,
        as_of=reported[-1].end_date + dt.timedelta(days=30),
        items=count,
        leaves=len(leaves),
        units=len(units),
        periods=len(all_periods),
        reported_periods=len(reported),
        reports=len(leaves) * len(reported),
    )


def rollup_sql(depth: int) -> str:
    """The roll-up in one statement: each leaf's latest accepted percent by a correlated
    subquery, then one CTE per depth that groups the level below by its path prefix
    (the parent's path) into a weighted mean rounded to the cent, as rollup_progress
    does. Portable between SQLite and PostgreSQL. Only table names from the models' _meta
    and integers are formatted in; the values go as parameters."""
    quote = connection.ops.quote_name
    items = quote(PlanItem._meta.db_table)
    reports = quote(ProgressReport._meta.db_table)
    periods = quote(Period._meta.db_table)
    ctes = [
        # A correlated subquery rides the (item, period) index; a ROW_NUMBER() window
        # LEFT JOINed to the items gets no index on SQLite and scans per item (~300×
        # slower at 5,000 items).
        f"""node AS MATERIALIZED (
            SELECT i.id, i.path, i.depth, i.weight, i.numchild, COALESCE((
                SELECT r.percent FROM {reports} r JOIN {periods} p ON p.id = r.period_id
                WHERE r.item_id = i.id AND p.plan_id = i.plan_id AND r.status = %(accepted)s
                  AND (p.year < %(year)s OR (p.year = %(year)s AND p.quarter <= %(quarter)s))
                ORDER BY p.year DESC, p.quarter DESC LIMIT 1), 0) AS value
            FROM {items} i WHERE i.plan_id = %(plan)s)""",  # noqa: S608
        f"level{depth} AS (SELECT id, path, weight, value FROM node WHERE depth = {depth})",  # noqa: S608
    ]
    for d in range(depth - 1, 0, -1):
        prefix = f"SUBSTR(path, 1, {d * PlanItem.steplen})"
        ctes.append(
            f"""sub{d} AS (
                SELECT {prefix} AS parent, 1.0 * SUM(weight * value) AS weighted,
                       SUM(weight) AS weights, AVG(value) AS plain
                FROM level{d + 1} GROUP BY {prefix})"""  # noqa: S608
        )
        ctes.append(
            f"""level{d} AS (
                SELECT n.id, n.path, n.weight, CASE
                    WHEN n.numchild = 0 THEN n.value
                    WHEN s.weights > 0 THEN ROUND(s.weighted / s.weights, 2)
                    WHEN s.plain IS NOT NULL THEN ROUND(s.plain, 2)
                    ELSE 0 END AS value
                FROM node n LEFT JOIN sub{d} s ON s.parent = n.path
                WHERE n.depth = {d})"""  # noqa: S608
        )
    select = " UNION ALL ".join(
        f"SELECT id, value FROM level{d}"  # noqa: S608
        for d in range(1, depth + 1)
    )
    return "WITH " + ",\n".join(ctes) + "\n" + select


def raw_rollup(plan: Plan, *, as_of: dt.date) -> dict[int, Decimal]:
    """Every item's progress as of the date, computed by the database (two queries)."""
    quarter = sum(1 for q in (1, 2, 3, 4) if Period(year=as_of.year, quarter=q).end_date <= as_of)
    params = {
        "plan": plan.pk,
        "accepted": ProgressReport.Status.ACCEPTED.value,
        "year": as_of.year,
        "quarter": quarter,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(depth) FROM {connection.ops.quote_name(PlanItem._meta.db_table)} "  # noqa: S608
            "WHERE plan_id = %s",
            [plan.pk],
        )
        (depth,) = cursor.fetchone()
        if not depth:
            return {}
        cursor.execute(rollup_sql(depth), params)
        return dict(cursor.fetchall())


def measure(label: str, prepare: Callable[[], Callable[[], object]], repeat: int) -> Timing:
    """One run counting queries, one tracing memory (both also warm the caches), then
    ``repeat`` timed runs. ``prepare`` builds each call outside the clock."""
    call = prepare()
    with CaptureQueriesContext(connection) as captured:
        call()
    call = prepare()
    tracemalloc.start()
    try:
        call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    runs = []
    for _ in range(repeat):
        call = prepare()
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return Timing(label, runs, len(captured.captured_queries), peak)


def agreement(orm: dict[int, Decimal], raw: dict[int, object]) -> tuple[int, list[int]]:
    """How many items the raw SQL gives the same progress (within a cent), and which not."""
    wrong = [
        pk
        for pk, value in orm.items()
        if pk not in raw or abs(Decimal(str(raw[pk])) - value) > CENT
    ]
    return len(orm) - len(wrong), wrong


class Command(BaseCommand):
    help = (
        "Time rollup_progress and plan_dashboard on a generated plan (default 5,000 items, "
        "an accepted report per leaf for 10 closed quarters) beside raw SQL computing the "
        "same roll-up, and print a table. It WRITES data — a plan, 21 org units, a user "
        "and tens of thousands of progress reports — inside one transaction that is rolled "
        "back at the end (kept with --keep), so it refuses to run unless the database is a "
        "throwaway one: in-memory SQLite, or a database (SQLite file) whose name starts "
        "with 'bench' or 'test'. `make bench` uses a fresh var/bench.sqlite3. On "
        "PostgreSQL: createdb bench_shuxiang; export "
        "DATABASE_URL=postgres:///bench_shuxiang DJANGO_SETTINGS_MODULE=config.settings.test; "
        "manage.py migrate -v0 && manage.py bench_plan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=5000, help="Plan items (default 5000).")
        parser.add_argument(
            "--periods", type=int, default=10, help="Reported, closed quarters (default 10)."
        )
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs (default 5).")
        parser.add_argument(
            "--keep", action="store_true", help="Commit the generated data instead of rolling back."
        )

    def handle(self, *args, items: int, periods: int, repeat: int, keep: bool, **options):
        name = connection.settings_dict.get("NAME")
        if not is_throwaway(connection.settings_dict):
            raise CommandError(
                f"Refusing to write benchmark data into {name!r}: use an in-memory SQLite "
                "database or one whose name starts with 'bench' or 'test', e.g. "
                "DATABASE_URL=sqlite:///var/bench.sqlite3 (see `make bench`)."
            )
        if items < MIN_ITEMS:
            raise CommandError(f"--items must be at least {MIN_ITEMS}.")
        if periods < 1 or repeat < 1:
            raise CommandError("--periods and --repeat must be at least 1.")
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: Django logs every query and the timings include it.")

        with transaction.atomic():
            started = time.perf_counter()
            bench = generate(items=items, periods=periods)
            generated = time.perf_counter() - started
            plan, as_of = bench.plan, bench.as_of
            user_model = get_user_model()

            rollup = measure("rollup_progress", lambda: partial(rollup_progress, plan), repeat)
            dashboard = measure(
                "plan_dashboard",
                lambda: partial(
                    # A fresh user each run: the access memoised on it lasts one request.
                    plan_dashboard,
                    plan,
                    user=user_model.objects.get(pk=bench.user_id),
                    as_of=as_of,
                ),
                repeat,
            )
            raw = measure("raw SQL", lambda: partial(raw_rollup, plan, as_of=as_of), repeat)
            agreed, wrong = agreement(rollup_progress(plan), raw_rollup(plan, as_of=as_of))
            transaction.set_rollback(not keep)

        out = self.stdout.write
        out(
            f"Generated in {generated:.1f} s on {connection.vendor} ({name}): {bench.items} items "
            f"({bench.leaves} leaves) led by {bench.units} units, {bench.reports} accepted "
            f"reports in the first {bench.reported_periods} of {bench.periods} quarters (closed)."
        )
        out(
            f"As of {as_of}, planning-office user; best and median of {repeat} run(s) after "
            "one run counting queries and one tracing memory."
        )
        out("")
        for timing in (rollup, dashboard, raw):
            ratio = (
                f"{timing.best / raw.best:5.1f}× raw SQL" if timing is not raw else "   baseline"
            )
            out(
                f"{timing.label:<16} {bench.items:>6} items  best {timing.best:7.3f} s  "
                f"median {timing.median:7.3f} s  {timing.queries:>3} queries  "
                f"peak {timing.peak_bytes / 2**20:6.1f} MiB  {ratio}"
            )
        out("")
        out(
            "raw SQL: each leaf's latest accepted percent (correlated subquery) and the "
            "weighted roll-up by path prefix, one CTE per depth; it agrees with "
            f"rollup_progress within 0.01 on {agreed} of {agreed + len(wrong)} items."
        )
        if wrong:
            out(f"Disagreeing item ids (first 10): {wrong[:10]}")
        out("Ratios compare best times. " + ("Data kept." if keep else "Data rolled back."))
