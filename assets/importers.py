"""An existing asset ledger (.xlsx or .csv) as cards, with the column names of the
national administrative-asset system's export (行政事业单位资产管理信息系统: 资产编号,
资产名称, 资产分类代码, 规格型号, 数量, 计量单位, 价值, 价值类型, 取得日期, 经费来源,
销售商, 发票号, 存放地点, 使用部门, 使用人, 使用状况, 使用年限, 累计折旧, 已提折旧月数…);
other columns are ignored.

A card keeps the depreciation already charged in the old system (累计折旧, 已提折旧月数,
to a month the officer gives): the monthly runs continue from the month after.
All-or-nothing, every bad cell reported by row and column; a number already on the books
is refused (the ledger is imported once, then kept here). Set-based: the cards are checked
in memory against a few reference queries and inserted in batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.models import OrgUnit
from governance.people import people
from reporting.bulk import insert_new
from reporting.cells import cell_text, parse_date, parse_text
from reporting.imports import CellError, FileError, ImportFailed, RowCells
from reporting.spreadsheets import SpreadsheetError, read_table

from .models import Asset, AssetCategory, latest_posted_month, month_index
from .services import require_asset_officer

IMPORT_ACTION = "shuxiang.assets.import"
# Header → key; several headers of one key are the ways the systems head it (the first
# the file has is read). A header with a unit in brackets matches exactly before the
# brackets are ignored, so "使用年限（月）" is months and "使用年限" years.
COLUMNS = {
    "资产编号": "number",
    "资产卡片编号": "number",
    "卡片编号": "number",
    "资产名称": "name",
    "资产分类代码": "category",
    "分类代码": "category",
    "资产分类名称": "category_name",
    "资产分类": "category_name",
    "规格型号": "model",
    "型号": "model",
    "数量": "quantity",
    "计量单位": "measure_unit",
    "价值": "value",
    "原值": "value",
    "资产原值": "value",
    "价值类型": "basis",
    "取得日期": "acquired",
    "入账日期": "acquired",
    "经费来源": "funding",
    "资金来源": "funding",
    "销售商": "supplier",
    "供应商": "supplier",
    "发票号": "invoice",
    "发票号码": "invoice",
    "存放地点": "location",
    "使用部门": "unit",
    "管理部门": "unit",
    "使用单位": "library",
    "使用人": "person",
    "使用状况": "status",
    "使用年限(月)": "life_months",
    "折旧年限(月)": "life_months",
    "使用月数": "life_months",
    "使用年限": "life_years",
    "折旧年限": "life_years",
    "累计折旧": "depreciation",
    "已提折旧月数": "months_charged",
    "已计提月数": "months_charged",
    "净值": "net",
}
REQUIRED = ("number", "name", "value", "acquired", "unit")
OPTIONAL = tuple(header for header, key in COLUMNS.items() if key not in REQUIRED)
HEADERS: dict[str, str] = {}
for _header, _key in COLUMNS.items():
    HEADERS.setdefault(_key, _header)
BASES = {
    "": Asset.ValueBasis.COST,
    "原值": Asset.ValueBasis.COST,
    "成本": Asset.ValueBasis.COST,
    "实际成本": Asset.ValueBasis.COST,
    "评估价值": Asset.ValueBasis.APPRAISAL,
    "评估值": Asset.ValueBasis.APPRAISAL,
    "重置价值": Asset.ValueBasis.APPRAISAL,
    "名义金额": Asset.ValueBasis.NOMINAL,
    "名义金额(¥1)": Asset.ValueBasis.NOMINAL,
}
STATUSES = {
    "": Asset.Status.IN_USE,
    "在用": Asset.Status.IN_USE,
    "正常使用": Asset.Status.IN_USE,
    "闲置": Asset.Status.IDLE,
    "出借": Asset.Status.LENT,
    "出租出借": Asset.Status.LENT,
    "出租": Asset.Status.LENT,
    "维修": Asset.Status.REPAIR,
    "待修": Asset.Status.REPAIR,
    "待处置": Asset.Status.PENDING_DISPOSAL,
    "待报废": Asset.Status.PENDING_DISPOSAL,
}
MAX_VALUE = Decimal("999999999999.99")


@dataclass
class ImportResult:
    added: int


def parse_money(raw, *, allow_zero: bool = True) -> Decimal | None:
    if raw is None or raw == "":
        return None
    text = cell_text(raw).replace(",", "").replace("，", "").removeprefix("¥")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not an amount.") % {"text": text}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_VALUE:
        raise ValueError(_("an amount from 0 to 999,999,999,999.99."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("at most two decimal places."))
    if not allow_zero and amount == 0:
        raise ValueError(_("the value must be above zero."))
    return amount.quantize(Decimal("0.01"))


def parse_count(raw, *, low: int = 0, high: int = 10**6) -> int | None:
    if raw is None or raw == "":
        return None
    text = cell_text(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a whole number.") % {"text": text}) from None
    if number != number.to_integral_value() or not low <= number <= high:
        raise ValueError(_("a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return int(number)


def parse_choice(raw, *, choices: dict) -> str:
    text = "".join(cell_text(raw).split())
    if text not in choices:
        known = "、".join(k for k in choices if k)
        raise ValueError(_("“%(text)s” is not one of: %(known)s.") % {"text": text, "known": known})
    return choices[text]


class _References:
    """What the rows are checked against, read once: categories, units, people, numbers."""

    def __init__(self, numbers: set[str]):
        categories = list(AssetCategory.objects.all())
        self.by_code = {c.code.replace("-", ""): c for c in categories}
        self.by_name = {cell_text(c.name): c for c in categories}
        units = list(OrgUnit.objects.filter(active=True).select_related("library"))
        self.units: dict[str, list[OrgUnit]] = {}
        # Keyed as the cells are read (NFKC: full-width brackets become half-width).
        for unit in units:
            for name in {cell_text(unit.name), cell_text(unit.short_name), unit.code} - {""}:
                self.units.setdefault(name, []).append(unit)
        self.people: dict[str, list] = {}
        for person in people():
            for name in {cell_text(person.name), cell_text(person.label)}:
                self.people.setdefault(name, []).append(person)
        self.taken = set(Asset.objects.filter(number__in=numbers).values_list("number", flat=True))

    def category(self, cells: RowCells) -> AssetCategory | None:
        code = cell_text(cells.row.get("category")).replace("-", "")
        name = cell_text(cells.row.get("category_name"))
        if code:
            # The national item code starts with ours (A02010104 under A0201).
            for length in range(len(code), 2, -1):
                if code[:length] in self.by_code:
                    return self.by_code[code[:length]]
            cells.fail("category", _("no category has the code “%(code)s”.") % {"code": code})
            return None
        if name in self.by_name:
            return self.by_name[name]
        if name:
            cells.fail("category_name", _("no category is named “%(name)s”.") % {"name": name})
        else:
            cells.fail("category", _("give the category's code or name."))
        return None

    def unit(self, cells: RowCells) -> OrgUnit | None:
        name = cell_text(cells.row.get("unit"))
        library = cell_text(cells.row.get("library"))
        found = self.units.get(name, [])
        if library:
            found = [
                u for u in found
                if u.library and library in {cell_text(u.library.name),
                                             cell_text(u.library.short_name), u.library.code}
            ]  # fmt: skip
        if len(found) == 1:
            return found[0]
        if not found:
            cells.fail("unit", _("no unit is named “%(name)s”.") % {"name": name})
        else:
            cells.fail(
                "unit",
                _("several units are named “%(name)s”: add the column “使用单位” (the library).")
                % {"name": name},
            )
        return None

    def person(self, cells: RowCells, unit: OrgUnit | None):
        name = cell_text(cells.row.get("person"))
        if not name:
            return None
        found = self.people.get(name, [])
        if len(found) > 1 and unit is not None:
            found = [p for p in found if p.unit_id == unit.pk] or found
        if len(found) == 1:
            return found[0].user_id
        if not found:
            cells.fail("person", _("nobody is named “%(name)s”.") % {"name": name})
        else:
            cells.fail(
                "person",
                _("several people are named “%(name)s”: write “name（工号）”.") % {"name": name},
            )
        return None


def _read(filename: str, data: bytes) -> list[dict]:
    try:
        return read_table(filename, data, columns=COLUMNS, optional=OPTIONAL)
    except SpreadsheetError as error:
        raise ImportFailed([FileError(str(error))]) from None


def _card(cells: RowCells, refs: _References, seen: dict[str, int]) -> Asset | None:
    number = cells.read("number", parse_text, required=True, max_length=40)
    if number in refs.taken:
        cells.fail("number", _("“%(number)s” is already on the books.") % {"number": number})
    elif number in seen:
        cells.fail(
            "number",
            _("“%(number)s” is also on row %(row)s.") % {"number": number, "row": seen[number]},
        )
    elif number:
        seen[number] = cells.number
    name = cells.read("name", parse_text, required=True, max_length=200)
    category = refs.category(cells)
    value = cells.read("value", parse_money, required=True)
    basis = cells.read("basis", parse_choice, choices=BASES) or Asset.ValueBasis.COST
    acquired = cells.read("acquired", parse_date, required=True)
    unit = refs.unit(cells)
    custodian = refs.person(cells, unit)
    status = cells.read("status", parse_choice, choices=STATUSES) or Asset.Status.IN_USE
    life = cells.read("life_months", parse_count, low=1, high=1200)
    if life is None:
        years = cells.read("life_years", parse_count, low=1, high=100)
        life = years * 12 if years else None
    depreciation = cells.read("depreciation", parse_money) or Decimal(0)
    charged = cells.read("months_charged", parse_count, high=1200) or 0
    net = cells.read("net", parse_money)
    if cells.errors:
        return None
    key = "life_months" if cells.row.get("life_months") not in (None, "") else "life_years"
    if basis == Asset.ValueBasis.NOMINAL and value != 1:
        cells.fail("value", _("an asset at nominal value is booked at ¥1."))
    if depreciation > value:
        cells.fail("depreciation", _("more than the value of the asset."))
    elif net is not None and net != value - depreciation:
        cells.fail("net", _("is not the value less the depreciation (%(net)s).")
                   % {"net": value - depreciation})  # fmt: skip
    if category.depreciable and basis != Asset.ValueBasis.NOMINAL:
        if not life:
            cells.fail(key, _("give the useful life of the asset."))
        elif category.min_life_months and life < category.min_life_months:
            cells.fail(
                key,
                _("%(category)s lasts at least %(months)s months (财会〔2017〕4号).")
                % {"category": category.name, "months": category.min_life_months},
            )
        elif charged > life:
            cells.fail("months_charged", _("more months than the useful life."))
    elif depreciation:
        cells.fail("depreciation", _("%(category)s does not depreciate.")
                   % {"category": category.name})  # fmt: skip
    if cells.errors:
        return None
    return Asset(
        number=number,
        name=name,
        category=category,
        model=cell_text(cells.row.get("model"))[:200],
        quantity=cells.read("quantity", parse_count, low=1) or 1,
        measure_unit=cell_text(cells.row.get("measure_unit"))[:10] or "台",
        original_value=value,
        value_basis=basis,
        acquired_on=acquired,
        funding_source=cell_text(cells.row.get("funding"))[:50],
        supplier=cell_text(cells.row.get("supplier"))[:200],
        invoice=cell_text(cells.row.get("invoice"))[:50],
        location=cell_text(cells.row.get("location"))[:200],
        unit=unit,
        custodian_id=custodian,
        status=status,
        life_months=life,
        carried_depreciation=depreciation,
        carried_months=charged,
    )


@transaction.atomic
def import_cards(
    filename: str, data: bytes, *, user, charged_through: int | None = None
) -> ImportResult:
    """Add the file's cards to the ledger, or nothing (see the module). Their depreciation
    is charged to the month ``charged_through`` (a ``month_index``; by default the latest
    month posted here, or last month): the runs charge them from the month after."""
    require_asset_officer(user)
    rows = _read(filename, data)
    refs = _References({cell_text(row.get("number")) for row in rows})
    errors: list[CellError] = []
    cards: list[Asset] = []
    seen: dict[str, int] = {}
    for row in rows:
        cells = RowCells(row, HEADERS)
        card = _card(cells, refs, seen)
        errors += cells.errors
        if card is not None:
            cards.append(card)
    if errors:
        raise ImportFailed(errors)
    latest = latest_posted_month()
    if charged_through is None:
        charged_through = latest if latest is not None else month_index(timezone.localdate()) - 1
    for card in cards:
        card.plan(latest, charged_through=charged_through)
    insert_new(Asset, cards, key="number")
    # One history entry for the import (who, which file, how many cards, which numbers),
    # not one per card: at 100,000 cards those entries cost a third of the import.
    log(instance=user, action=IMPORT_ACTION, user=user, data={
        "file": filename, "added": len(cards),
        "first": cards[0].number if cards else "", "last": cards[-1].number if cards else "",
    })  # fmt: skip
    return ImportResult(added=len(cards))
