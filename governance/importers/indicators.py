"""A plan's indicators from the planning office's table (.csv or .xlsx): one row per
indicator with its code, name, unit of measure, kind, baseline, final target, each plan
year's target and actual, and the items it measures.

All-or-nothing with every bad cell reported by row and column. Indicators are matched by
code within the plan, so the table can be imported again each year with the new actuals:
an actual that is new or changed is recorded as entered by hand, by the importing user,
now (as when typed into the indicator's form); an empty cell clears it. A column left out
of the table leaves what it holds alone.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.importers.items import ItemLookup
from governance.models import Indicator, IndicatorYear, Plan
from reporting.bulk import snapshot, update_changed
from reporting.imports import CellError, FileError, ImportFailed, RowCells
from reporting.spreadsheets import SpreadsheetError, read_table

IMPORT_ACTION = "shuxiang.indicator.import"
FIXED_COLUMNS = {
    "编号": "code",
    "指标名称": "name",
    "计量单位": "measure_unit",
    "类型": "kind",
    "方向": "direction",
    "属性": "nature",
    "基期值": "baseline",
    "规划目标值": "final_target",
    "关联任务": "items",
}
FIXED_OPTIONAL = ("计量单位", "类型", "方向", "属性", "基期值", "关联任务")
# The words of the kind and direction cells: part of the format, like the headers.
KINDS = {
    "水平型": Indicator.Kind.LEVEL,
    "水平": Indicator.Kind.LEVEL,
    "期末值": Indicator.Kind.LEVEL,
    "累计型": Indicator.Kind.CUMULATIVE,
    "累计": Indicator.Kind.CUMULATIVE,
    "累计值": Indicator.Kind.CUMULATIVE,
}
DIRECTIONS = {
    "越高越好": Indicator.Direction.HIGHER,
    "正向": Indicator.Direction.HIGHER,
    "越低越好": Indicator.Direction.LOWER,
    "逆向": Indicator.Direction.LOWER,
}
NATURES = {
    "预期性": Indicator.Nature.EXPECTED,
    "预期": Indicator.Nature.EXPECTED,
    "约束性": Indicator.Nature.BINDING,
    "约束": Indicator.Nature.BINDING,
}
SEPARATORS = re.compile(r"[；;\n]+")
VALUE_FIELD = IndicatorYear._meta.get_field("target")


def columns(plan: Plan) -> dict[str, str]:
    """The table's headers for ``plan``: the fixed ones and a target and an actual column
    per plan year (2021年目标, 2021年实际 …)."""
    yearly = {}
    for year in plan.years:
        yearly[_target_header(year)] = f"target_{year}"
        yearly[_actual_header(year)] = f"actual_{year}"
    return {**FIXED_COLUMNS, **yearly}


def _target_header(year: int) -> str:
    return f"{year}年目标"


def _actual_header(year: int) -> str:
    return f"{year}年实际"


def parse_value(raw) -> Decimal | None:
    """A figure as the table holds it: 109.3, "1,500", "45%"; two decimals at most."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("%")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(_("a number with at most two decimals."))
    if abs(value) >= 10**12:
        raise ValueError(_("the number is too large."))
    return value


def _choice(words: dict[str, str]):
    def parse(raw):
        if raw is None or raw == "":
            return None
        text = "".join(str(raw).split())
        if text in words:
            return words[text]
        if text in words.values():  # the stored code works as well
            return text
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": raw, "choices": "、".join(words)}
        )

    return parse


def _text(field: str):
    max_length = Indicator._meta.get_field(field).max_length

    def parse(raw):
        text = "" if raw is None else str(raw).strip()
        if len(text) > max_length:
            raise ValueError(_("at most %(max)s characters.") % {"max": max_length})
        return text

    return parse


@transaction.atomic
def import_indicators(plan: Plan, filename: str, data: bytes, *, user=None) -> int:
    """Create or update ``plan``'s indicators from the table; returns how many rows."""
    mapping = columns(plan)
    optional = [*FIXED_OPTIONAL, *(h for h in mapping if h not in FIXED_COLUMNS)]
    try:
        rows = read_table(filename, data, columns=mapping, optional=optional)
    except SpreadsheetError as error:
        raise ImportFailed([FileError(str(error))]) from None
    headers = {key: header for header, key in mapping.items()}
    items = ItemLookup(plan)
    existing = {
        i.code: i for i in Indicator.objects.filter(plan=plan).select_for_update(of=("self",))
    }
    stored_years = {
        (y.indicator_id, y.year): y for y in IndicatorYear.objects.filter(indicator__plan=plan)
    }
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    read: list[tuple[Indicator, dict, list | None, dict]] = []
    for row in rows:
        cells = RowCells(row, headers)
        absent = row.get("_absent", frozenset())
        code = cells.read("code", _text("code"), required=True)
        name = cells.read("name", _text("name"), required=True)
        if code in seen:
            cells.fail("code", _("the same code is also in row %(row)s.") % {"row": seen[code]})
        indicator = existing.get(code) or Indicator(plan=plan, code=code)
        values = {
            "name": name,
            "final_target": cells.read("final_target", parse_value, required=True),
        }
        if "measure_unit" not in absent:
            values["measure_unit"] = cells.read("measure_unit", _text("measure_unit")) or ""
        if "baseline" not in absent:
            values["baseline"] = cells.read("baseline", parse_value)
        for key, words in (("kind", KINDS), ("direction", DIRECTIONS), ("nature", NATURES)):
            choice = None if key in absent else cells.read(key, _choice(words))
            if choice:  # an empty cell keeps the stored choice (a new row: the default)
                values[key] = choice
        yearly = {}
        for year in plan.years:
            for kind in ("target", "actual"):
                key = f"{kind}_{year}"
                if key not in absent:
                    yearly[key] = cells.read(key, parse_value)
        computed = indicator.source == Indicator.Source.COMPUTED
        for year in plan.years:
            if computed and yearly.get(f"actual_{year}") is not None:
                cells.fail(
                    f"actual_{year}",
                    _("the actuals of %(code)s are computed by the system.") % {"code": code},
                )
        linked = None
        if "items" not in absent:
            linked = []
            for text in SEPARATORS.split(str(row.get("items") or "")):
                if text.strip():
                    try:
                        linked.append(items.find(text))
                    except ValueError as error:
                        cells.fail("items", str(error))
        if cells.errors:
            errors += cells.errors
            continue
        seen[code] = cells.number
        read.append((indicator, values, linked, yearly))
    if errors:
        raise ImportFailed(errors)

    _save(plan, read, stored_years, user=user)
    return len(read)


INDICATOR_FIELDS = (
    "name",
    "final_target",
    "measure_unit",
    "kind",
    "direction",
    "nature",
    "baseline",
)
YEAR_FIELDS = ("target", "actual", "actual_source", "actual_recorded_at", "actual_recorded_by")


def _save(plan: Plan, read: list, stored_years: dict, *, user) -> None:
    # Only the keys a row gave are set, and only the columns a row changed are written
    # (reporting.bulk): one statement per batch, none for a sheet that changes nothing.
    stored = []
    for indicator, values, _linked, _yearly in read:
        if indicator.pk:
            stored.append((indicator, snapshot(indicator, INDICATOR_FIELDS)))
        for key, value in values.items():
            setattr(indicator, key, value)
    update_changed(Indicator, stored, fields=INDICATOR_FIELDS)
    new = [i for i, *_rest in read if i.pk is None]
    # Not insert_new(key="code"): a code is unique within its plan only.
    Indicator.objects.bulk_create(new)
    if any(i.pk is None for i in new):  # backends that return no ids from bulk inserts
        pks = dict(
            Indicator.objects.filter(plan=plan, code__in=[i.code for i in new]).values_list(
                "code", "pk"
            )
        )
        for indicator in new:
            indicator.pk = pks[indicator.code]

    now = timezone.now()
    hand = _("Entered by hand")
    created, updated = [], []
    for indicator, _values, _linked, yearly in read:
        for year in plan.years:
            target_key, actual_key = f"target_{year}", f"actual_{year}"
            if target_key not in yearly and actual_key not in yearly:
                continue
            row = stored_years.get((indicator.pk, year))
            if row is None:
                row = IndicatorYear(indicator=indicator, year=year)
                created.append(row)
            else:
                updated.append((row, snapshot(row, YEAR_FIELDS)))
            if target_key in yearly:
                row.target = yearly[target_key]
            if actual_key in yearly and yearly[actual_key] != row.actual:
                row.actual = yearly[actual_key]
                recorded = row.actual is not None
                row.actual_source = hand if recorded else ""
                row.actual_recorded_at = now if recorded else None
                row.actual_recorded_by = user if recorded else None
    IndicatorYear.objects.bulk_create(created)
    update_changed(IndicatorYear, updated, fields=YEAR_FIELDS)

    link = Indicator.items.through
    replaced = [i.pk for i, _v, linked, _y in read if linked is not None]
    link.objects.filter(indicator_id__in=replaced).delete()
    link.objects.bulk_create(
        [
            link(indicator_id=indicator.pk, planitem_id=item.pk)
            for indicator, _v, linked, _y in read
            if linked
            for item in {i.pk: i for i in linked}.values()
        ]
    )
    log(instance=plan, action=IMPORT_ACTION, user=user, data={"rows": len(read)})
