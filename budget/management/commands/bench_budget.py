"""``manage.py bench_budget``: importing a ledger of 100,000 lines (``import_ledger``:
read, checked cell by cell, fingerprinted, set-based insert; in a fresh process, with its
peak memory) beside a plain ``bulk_create`` of the same rows, target ≤ 3×; and the
execution dashboard of 500 projects over those lines. It WRITES and commits projects, so
it refuses to run unless the database is a throwaway one (see manage.py bench)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from openpyxl import Workbook

from budget.importers import import_ledger
from budget.models import BudgetProject, Expenditure, ProjectFund
from budget.selectors import execution_report
from governance.models import OrgUnit
from governance.roles import role_group
from governance.services.org import create_unit
from reporting.management.commands.bench import (
    Result,
    add_common_arguments,
    check_common,
    compare,
    database_label,
    in_child,
    judge,
    refuse_unless_throwaway,
    same,
    save,
    table,
)

DEFAULT_PROJECTS = 500
DEFAULT_LINES = 100_000
LEDGER_FILE = "var/bench-ledger.xlsx"
YEAR = 2025


class Rollback(Exception):
    """Raised to undo a timed write (the next run starts from the same database)."""


def generate(projects: int, lines: int, seed: int = 11) -> tuple[list[tuple], object]:
    """A library of ten departments with ``projects`` 2025 projects, and a ledger file of
    ``lines`` lines spread over them and the year (written to LEDGER_FILE). Returns the
    lines as plain rows (date, voucher, summary, amount, project code) and finance."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable figures, not security
    tag = rng.randrange(10**6)
    library = create_unit(parent=None, name="基准预算图书馆", code=f"BBUD{tag}",
                          kind=OrgUnit.Kind.LIBRARY)  # fmt: skip
    units = [
        create_unit(
            parent=library, name=f"部门{d}", code=f"BBUD{tag}-{d}", kind=OrgUnit.Kind.DEPARTMENT
        )  # fmt: skip
        for d in range(1, 11)
    ]
    made = BudgetProject.objects.bulk_create(
        BudgetProject(
            year=YEAR,
            code=f"B{tag}-{n:04d}",
            name=f"基准项目{n}",
            unit=units[n % len(units)],
            start_year=YEAR,
            end_year=YEAR,
        )  # fmt: skip
        for n in range(projects)
    )
    ProjectFund.objects.bulk_create(
        ProjectFund(project=p, source="fiscal", initial=Decimal(rng.randrange(10**5, 10**7)))
        for p in BudgetProject.objects.filter(code__startswith=f"B{tag}-")
    )
    codes = [p.code for p in made]
    rows = []
    for n in range(lines):
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(365))
        amount = Decimal(rng.randrange(100, 10**6)) / 100
        rows.append((day, f"记-{day.month:02d}{n:06d}", "支出", amount, codes[n % len(codes)]))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("明细账")
    sheet.append(["凭证日期", "凭证字号", "摘要", "借方金额", "贷方金额", "辅助核算", "资金来源"])
    for day, voucher, summary, amount, code in rows:
        sheet.append([day, voucher, summary, float(amount), None, code, "财政拨款"])
    Path(LEDGER_FILE).parent.mkdir(exist_ok=True)
    book.save(LEDGER_FILE)
    finance = get_user_model().objects.create_user(username=f"bench-budget-finance-{tag}")
    finance.groups.add(role_group("finance"))
    return rows, finance


def timed_import(user_id: int) -> float:
    """In a child process: the import of LEDGER_FILE, undone after; its seconds."""
    user = get_user_model().objects.get(pk=user_id)
    data = Path(LEDGER_FILE).read_bytes()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            import_ledger("bench-ledger.xlsx", data, user=user)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return seconds


def bulk_create(user_id: int, rows: list[tuple]) -> None:
    """The baseline: the same rows bulk-created as they are."""
    projects = dict(BudgetProject.objects.filter(year=YEAR).values_list("code", "pk"))
    Expenditure.objects.bulk_create(
        (Expenditure(project_id=projects[code], date=day, voucher=voucher, summary=summary,
                     amount=amount, recorded_by_id=user_id)
         for day, voucher, summary, amount, code in rows),
        batch_size=1000,
    )  # fmt: skip


def timed_bulk_create(user_id: int, rows: list[tuple]) -> float:
    """In a child process: ``bulk_create``, undone after; its seconds."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            bulk_create(user_id, rows)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return seconds


def written(user, rows) -> tuple[list, list]:
    """What each writes (date, voucher, amount, project) — checked equal, then undone."""

    def lines():
        return sorted(Expenditure.objects.values_list("date", "voucher", "amount", "project_id"))

    outcome = []
    for call in (lambda: import_ledger("x.xlsx", Path(LEDGER_FILE).read_bytes(), user=user),
                 lambda: bulk_create(user.pk, rows)):  # fmt: skip
        try:
            with transaction.atomic():
                call()
                outcome.append(lines())
                raise Rollback
        except Rollback:
            pass
    return outcome[0], outcome[1]


class Command(BaseCommand):
    help = (
        "Importing a 100,000-line ledger beside a plain bulk_create (≤ 3×, peak memory), and "
        "the execution dashboard of 500 projects. It WRITES and commits data, so it refuses "
        "to run unless the database is a throwaway one (see manage.py bench)."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, runs, results, skip, **options):
        refuse_unless_throwaway()
        check_common(runs)
        skipped = set(filter(None, skip.split(",")))
        started = time.perf_counter()
        with transaction.atomic():
            rows, finance = generate(DEFAULT_PROJECTS, DEFAULT_LINES)
        self.stdout.write(
            f"Generated in {time.perf_counter() - started:.1f} s: {DEFAULT_PROJECTS} projects, "
            f"{DEFAULT_LINES:,} ledger lines."
        )
        done: list[Result] = []
        if "import" not in skipped:
            mine, theirs = written(finance, rows)
            try:
                same(mine, theirs, "ledger lines")
            except AssertionError as error:
                raise CommandError(f"import: the baseline disagrees: {error}") from None
            result = Result(f"import a ledger ({DEFAULT_LINES:,} lines)", database_label(), [], [])
            for _ in range(runs):
                seconds, peak = in_child(
                    "budget.management.commands.bench_budget.timed_import", user_id=finance.pk
                )
                result.ours.append(seconds)
                result.peak_mb.append(peak)
                seconds, _peak = in_child(
                    "budget.management.commands.bench_budget.timed_bulk_create",
                    user_id=finance.pk,
                    rows=rows,
                )
                result.baseline.append(seconds)
            judge(result, at_most=3)
            result.note = f"peak {statistics.median(result.peak_mb):.0f} MB"
            self.stdout.write(table([result]).splitlines()[-1])
            done.append(result)
        if "dashboard" not in skipped:
            bulk_create(finance.pk, rows)
            projects = BudgetProject.objects.filter(year=YEAR)

            def ours():
                return execution_report(projects, year=YEAR, month=9).total.spent

            def baseline():  # the same total in one aggregate
                from django.db.models import Sum

                total = Expenditure.objects.filter(
                    project__year=YEAR, date__lte=dt.date(YEAR, 9, 30)
                ).aggregate(total=Sum("amount"))["total"]
                return Decimal(total).quantize(Decimal("0.01"))

            done.append(
                compare(
                    f"execution by project, department and source ({DEFAULT_PROJECTS} projects)",
                    ours,
                    baseline,
                    runs=runs,
                    check=lambda a, b: same(a, b, "spent"),
                    out=self.stdout.write,
                )
            )
        save(done, results)
