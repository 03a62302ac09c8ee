"""``manage.py bench_assets``: a month's depreciation over 200,000 cards (``run_depreciation``:
one INSERT … SELECT of the charges, the month after a month posted) beside one hand-written
SQL ``INSERT … SELECT`` of the same charges, target ≤ 1.5×; and importing 100,000 cards from
the national asset system's export (``import_cards``: read, checked cell by cell, inserted
in batches; in a fresh process, with its peak memory) beside a plain ``bulk_create`` of
the same cards, target ≤ 3×. It WRITES and commits cards, so it refuses to run unless the
database is a throwaway one (see manage.py bench)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Sum
from openpyxl import Workbook

from assets.importers import import_cards
from assets.models import Asset, AssetCategory, DepreciationCharge, DepreciationRun
from assets.services import run_depreciation
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
    rolled_back,
    same,
    save,
)

DEFAULT_CARDS = 200_000
DEFAULT_IMPORT = 100_000
LEDGER_FILE = "var/bench-asset-ledger.xlsx"
YEAR, MONTH = 2025, 6  # the month timed; May is posted before
TIMED = YEAR * 12 + MONTH - 1
# (category code, life in months, value range in yuan)
KINDS = [("A02-01", 72, (3_000, 12_000)), ("A02-02", 72, (1_000, 8_000)),
         ("A05-01", 180, (1_000, 6_000)), ("A02-03", 96, (80_000, 300_000)),
         ("A02-04", 60, (2_000, 30_000))]  # fmt: skip


class Rollback(Exception):
    """Raised to undo a timed write (the next run starts from the same database)."""


def _library(tag: int) -> list[OrgUnit]:
    library = create_unit(parent=None, name=f"基准资产图书馆{tag}", code=f"BAST{tag}",
                          kind=OrgUnit.Kind.LIBRARY)  # fmt: skip
    return [
        create_unit(
            parent=library,
            name=f"资产部门{tag}-{d}",
            code=f"BAST{tag}-{d}",
            kind=OrgUnit.Kind.DEPARTMENT,
        )  # fmt: skip
        for d in range(1, 11)
    ]


def _card_values(rng, n: int, tag: int, units, categories, charge_from: int = TIMED - 1) -> dict:
    """A card part-way through its life, its depreciation brought forward to April."""
    code, life, (low, high) = KINDS[n % len(KINDS)]
    added = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
    elapsed = max((YEAR - added.year) * 12 + MONTH - added.month - 1, 0)
    charged = min(elapsed, life)
    value = Decimal(rng.randrange(low * 100, high * 100)) / 100
    depreciation = (value * charged / life).quantize(Decimal("0.01"))
    return {
        "number": f"B{tag}-{n:07d}", "name": f"基准资产{n}", "category": categories[code],
        "original_value": value, "acquired_on": added, "unit": units[n % len(units)],
        "life_months": life, "carried_depreciation": depreciation, "carried_months": charged,
        "charge_from": charge_from, "location": f"{n % 5 + 1}楼", "funding_source": "财政拨款",
    }  # fmt: skip


def generate(cards: int, seed: int = 12) -> object:
    """``cards`` cards over ten departments, part-way through their lives, and May's
    depreciation posted; the officer."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable figures, not security
    tag = rng.randrange(10**6)
    units = _library(tag)
    categories = {c.code: c for c in AssetCategory.objects.all()}
    batch = []
    for n in range(cards):
        batch.append(Asset(**_card_values(rng, n, tag, units, categories)))
        if len(batch) == 5_000:
            Asset.objects.bulk_create(batch)
            batch = []
    Asset.objects.bulk_create(batch)
    officer = get_user_model().objects.create_user(username=f"bench-assets-officer-{tag}")
    officer.groups.add(role_group("asset_officer"))
    run_depreciation(YEAR, MONTH - 1, user=officer)
    return officer


def hand_written_month(officer) -> tuple[int, Decimal]:
    """The baseline: the month's charges in one hand-written INSERT … SELECT — each card's
    straight-line depreciation at the end of June less that at the end of May."""
    run = DepreciationRun.objects.create(year=YEAR, month=MONTH, posted_by=officer, live=False)
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    left = "(a.original_value - a.carried_depreciation)"
    exact = f"CAST({left} AS REAL)" if connection.vendor == "sqlite" else left
    span = "(a.life_months - a.carried_months)"

    def charged(month: int) -> str:
        n = f"({least}({month}, COALESCE(a.charge_until, {month})) - a.charge_from + 1)"
        return (f"CASE WHEN {n} <= 0 THEN 0 WHEN {n} >= {span} THEN {left} "
                f"ELSE ROUND({exact} * {n} / {span}, 2) END")  # fmt: skip

    amount = f"ROUND({charged(TIMED)} - {charged(TIMED - 1)}, 2)"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assets_depreciationcharge (run_id, asset_id, amount) "  # noqa: S608
            f"SELECT %s, a.id, {amount} FROM assets_asset a "
            "JOIN assets_assetcategory c ON c.id = a.category_id "
            "WHERE c.depreciable AND a.life_months > 0 AND a.value_basis <> 'nominal' "
            f"AND a.charge_from <= {TIMED} AND a.carried_depreciation < a.original_value "
            f"AND (a.charge_until IS NULL OR a.charge_until > {TIMED - 1}) AND {amount} > 0",
            [run.pk],
        )
    return _totals(run)


def _totals(run) -> tuple[int, Decimal]:
    charges = DepreciationCharge.objects.filter(run=run)
    total = charges.aggregate(total=Sum("amount"))["total"] or 0
    return charges.count(), Decimal(total).quantize(Decimal("0.01"))


def ours_month(officer) -> tuple[int, Decimal]:
    return _totals(run_depreciation(YEAR, MONTH, user=officer))


# -- the import -----------------------------------------------------------------------------

HEADER = [
    "资产编号", "资产名称", "资产分类代码", "规格型号", "数量", "计量单位", "价值", "价值类型",
    "取得日期", "经费来源", "存放地点", "使用部门", "使用状况", "使用年限（月）", "累计折旧",
    "已提折旧月数", "净值",
]  # fmt: skip


def ledger_rows(cards: int, seed: int = 13) -> tuple[list[dict], list[str]]:
    """Plain rows of ``cards`` cards for a new library's departments (made here)."""
    rng = random.Random(seed)  # noqa: S311
    tag = rng.randrange(10**6)
    units = _library(tag)
    categories = {c.code: c for c in AssetCategory.objects.all()}
    # As the import brings them in after May is posted: charged from June.
    return [_card_values(rng, n, tag, units, categories, TIMED) for n in range(cards)], [
        u.name for u in units
    ]


def write_ledger(rows: list[dict]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("资产卡片")
    sheet.append(HEADER)
    for r in rows:
        value, depreciation = r["original_value"], r["carried_depreciation"]
        sheet.append([r["number"], r["name"], r["category"].code.replace("-", ""), "", 1, "台",
                      float(value), "原值", r["acquired_on"], r["funding_source"], r["location"],
                      r["unit"].name, "在用", r["life_months"], float(depreciation),
                      r["carried_months"], float(value - depreciation)])  # fmt: skip
    Path(LEDGER_FILE).parent.mkdir(exist_ok=True)
    book.save(LEDGER_FILE)


def timed_import(user_id: int) -> float:
    """In a child process: the import of LEDGER_FILE, undone after; its seconds."""
    user = get_user_model().objects.get(pk=user_id)
    data = Path(LEDGER_FILE).read_bytes()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            import_cards("bench-asset-ledger.xlsx", data, user=user)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return seconds


def _bulk_create(rows: list[dict]) -> None:
    units = {u.name: u.pk for u in OrgUnit.objects.filter(name__in={r["unit"] for r in rows})}
    categories = {c.code: c.pk for c in AssetCategory.objects.all()}
    Asset.objects.bulk_create(
        (Asset(**{k: v for k, v in r.items() if k not in ("unit", "category")},
               unit_id=units[r["unit"]], category_id=categories[r["category"]]) for r in rows),
        batch_size=1000,
    )  # fmt: skip


def timed_bulk_create(rows: list[dict]) -> float:
    """In a child process: the same cards bulk-created as they are, undone after."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            _bulk_create(rows)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return seconds


def _plain(rows: list[dict]) -> list[dict]:
    """Rows a child process can take (names and codes, not model instances)."""
    return [{**r, "unit": r["unit"].name, "category": r["category"].code} for r in rows]


class Command(BaseCommand):
    help = (
        "A month's depreciation over 200,000 cards beside a hand-written INSERT … SELECT "
        "(≤ 1.5×), and importing 100,000 cards beside a plain bulk_create (≤ 3×, peak "
        "memory). It WRITES and commits data, so it refuses to run unless the database is a "
        "throwaway one (see manage.py bench)."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, runs, results, skip, **options):
        refuse_unless_throwaway()
        check_common(runs)
        skipped = set(filter(None, skip.split(",")))
        done: list[Result] = []
        started = time.perf_counter()
        with transaction.atomic():
            officer = generate(DEFAULT_CARDS)
        self.stdout.write(
            f"Generated {DEFAULT_CARDS:,} cards in {time.perf_counter() - started:.1f} s."
        )
        if "depreciation" not in skipped:
            done.append(
                compare(
                    f"a month's depreciation ({DEFAULT_CARDS:,} cards)",
                    lambda: ours_month(officer),
                    lambda: hand_written_month(officer),
                    runs=runs,
                    check=lambda a, b: same(a, b, "charges (count, total)"),
                    around=rolled_back,
                    out=self.stdout.write,
                )
            )
            judge(done[-1], at_most=1.5)
        if "import" not in skipped:
            with transaction.atomic():
                rows, _units = ledger_rows(DEFAULT_IMPORT)
            write_ledger(rows)
            plain = _plain(rows)
            result = Result(f"import a ledger ({DEFAULT_IMPORT:,} cards)", database_label(),
                            [], [])  # fmt: skip
            for _ in range(runs):
                seconds, peak = in_child(
                    "assets.management.commands.bench_assets.timed_import", user_id=officer.pk
                )
                result.ours.append(seconds)
                result.peak_mb.append(peak)
                seconds, _peak = in_child(
                    "assets.management.commands.bench_assets.timed_bulk_create", rows=plain
                )
                result.baseline.append(seconds)
            if not result.ours:
                raise CommandError("no run")
            judge(result, at_most=3)
            result.note = f"peak {statistics.median(result.peak_mb):.0f} MB"
            self.stdout.write(f"{result.measure}: {result.ratio:.2f}× ({result.note})")
            done.append(result)
        save(done, results)
