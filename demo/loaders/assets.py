"""The asset ledger from the asset officer's files: the national asset system's export
(~3,000 cards, depreciation charged to December 2024) through the ledger importer, the
holdings registers (2021–2026, withdrawals approved by leadership), the monthly
depreciation posted from January 2025 to last month, 2025's stock-take of the municipal
library's 借阅部 (counted by staff1, two cards found elsewhere, one damaged, two missing,
one item not on the books; approved by leadership), a disposal of three worn-out
computers waiting for approval, and a transfer from 借阅部 to 少儿部 waiting for head2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assets.importers import import_cards
from assets.models import Asset, AssetCategory, HoldingBatch, HoldingWithdrawal, month_index
from assets.services import (
    approve_withdrawal,
    close_counting,
    count,
    draft,
    open_stocktake,
    record_surplus,
    request_transfer,
    run_depreciation,
    settle,
    submit,
)
from governance.models import OrgUnit

from .files import path, read_csv

LEDGER = "assets-ledger.xlsx"
HOLDINGS = "assets-holdings.csv"
WITHDRAWALS = "assets-withdrawals.csv"
FIRST_MONTH = dt.date(2025, 1, 1)
KINDS = {label: value for value, label in
         [("books", "图书"), ("periodicals", "报刊"), ("audiovisual", "视听文献"),
          ("electronic", "电子文献")]}  # fmt: skip
SOURCES = {"采购": "purchase", "受赠": "donation", "期初结存": "opening"}


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _months(until: dt.date):
    month = FIRST_MONTH
    while month <= until:
        yield month.year, month.month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _holdings(leader) -> int:
    libraries = {u.name: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY)}
    HoldingBatch.objects.bulk_create(
        HoldingBatch(
            library=libraries[row["图书馆"]], date=dt.date.fromisoformat(row["日期"]),
            kind=KINDS[row["文献类型"]], source=SOURCES[row["来源"]], volumes=int(row["数量"]),
            amount=Decimal(row["金额"]), funding_source=row["经费来源"], supplier=row["供应商"],
        )
        for row in read_csv(HOLDINGS)
    )  # fmt: skip
    for row in read_csv(WITHDRAWALS):
        withdrawal = HoldingWithdrawal.objects.create(
            library=libraries[row["图书馆"]], date=dt.date.fromisoformat(row["日期"]),
            kind=KINDS[row["文献类型"]], volumes=int(row["数量"]),
            amount=Decimal(row["账面价值"]), reason=row["理由"],
        )  # fmt: skip
        if row["批准文号"]:
            approve_withdrawal(withdrawal, reference=row["批准文号"], user=leader)
    return HoldingBatch.objects.count()


def _stocktake(officer, leader, counter) -> None:
    lending = OrgUnit.objects.get(code="FZ-SLIB-LEND")
    stocktake = open_stocktake(
        name="2025年度资产盘点（借阅部）", year=2025, units=[lending],
        ends_on=dt.date(2025, 12, 20), counters=[counter, _user("head1")], user=officer,
    )  # fmt: skip
    lines = list(stocktake.lines.select_related("asset").order_by("asset__number"))
    for n, line in enumerate(lines[:-2]):  # the last two are not found
        if n in (3, 11):
            count(line, here=False, found_location="三楼自习区", user=counter)
        else:
            count(line, here=True, damaged=n == 7, note="屏幕破损" if n == 7 else "",
                  user=counter)  # fmt: skip
    record_surplus(
        stocktake, description="移动书车（未入账）", user=counter,
        category=AssetCategory.objects.get(code="A05-02"), unit=lending,
        found_location="一楼库房", value_source="replacement", value=Decimal("1350.00"),
    )  # fmt: skip
    close_counting(stocktake, user=officer)
    settle(stocktake, approval_ref="馆务会纪要〔2025〕20号", user=leader)


@transaction.atomic
def load_assets() -> dict[str, int]:
    """Load the asset ledger; does nothing when any card exists. Runs after the staff."""
    if Asset.objects.exists():
        return {"cards": 0, "runs": 0}
    officer, leader = _user("assets"), _user("leader")
    through = month_index(FIRST_MONTH) - 1  # the ledger's depreciation: to December 2024
    added = import_cards(
        LEDGER, path(LEDGER).read_bytes(), user=officer, charged_through=through
    ).added
    batches = _holdings(leader)
    _stocktake(officer, leader, _user("staff1"))
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    runs = [run_depreciation(year, month, user=officer) for year, month in _months(last_month)]
    worn = Asset.objects.with_depreciation().filter(
        unit__code="FZ-SLIB-OFFICE", category__code="A02-01", status=Asset.Status.IN_USE,
        depreciation_to_date=F("original_value"),
    ).order_by("acquired_on")[:3]  # fmt: skip
    disposal = draft(
        numbers=[a.number for a in worn], kind="scrap", grounds="worn_out",
        reason="已超过使用年限，主板老化无法维修，不能满足办公需要。",
        decision_ref="馆务会纪要〔2026〕15号", user=officer,
    )  # fmt: skip
    submit(disposal, user=officer)
    card = Asset.objects.filter(unit__code="FZ-SLIB-LEND", status=Asset.Status.IN_USE,
                                category__code="A05-01").order_by("number").first()  # fmt: skip
    request_transfer(card, to_unit=OrgUnit.objects.get(code="FZ-SLIB-CHILD"),
                     to_location="少儿部二楼", note="少儿阅览区扩充", user=officer)  # fmt: skip
    return {"cards": added, "runs": len(runs), "holdings_batches": batches}
