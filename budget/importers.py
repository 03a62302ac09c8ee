"""The accounting system's ledger export (明细账, .xlsx or .csv) as expenditure lines.

The columns are headed as Chinese accounting software heads them (日期 or 凭证日期, 凭证字号
or 凭证号, 摘要, 借方金额 and 贷方金额 or 金额, 项目 or 项目编码 or 辅助核算, and optionally
资金来源); the rows the software adds for totals (期初余额, 本月合计, 本年累计) are skipped.
A row's project is found by its code among the projects of the row's year.

All-or-nothing, every bad cell reported by row and column. The file covers whole months:
importing it makes the ledger lines of those months exactly the file's — a line already
imported stays as it is (same fingerprint), a new one is added, one the accounting system
no longer has is removed — so importing the same months again changes nothing. Lines
entered by hand are never touched. Set-based: a fixed number of queries per batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from reporting.bulk import insert_new
from reporting.cells import cell_text, parse_date, parse_text
from reporting.imports import CellError, FileError, ImportFailed, RowCells, log_each
from reporting.spreadsheets import SpreadsheetError, read_table

from .models import BudgetProject, Expenditure, FundingSource
from .services import require_finance

LEDGER_ACTION = "shuxiang.budget.ledger"
# Header → key; several headers of one key are the ways different software heads it (the
# first the file has is read).
COLUMNS = {
    "日期": "date",
    "凭证日期": "date",
    "记账日期": "date",
    "业务日期": "date",
    "凭证字号": "voucher",
    "凭证号": "voucher",
    "凭证编号": "voucher",
    "摘要": "summary",
    "借方金额": "debit",
    "借方": "debit",
    "金额": "debit",
    "贷方金额": "credit",
    "贷方": "credit",
    "项目编码": "project",
    "项目": "project",
    "项目辅助核算": "project",
    "辅助核算": "project",
    "辅助项": "project",
    "资金来源": "source",
    "资金性质": "source",
}
OPTIONAL = ("贷方金额", "贷方", "资金来源", "资金性质", "凭证字号", "凭证号", "凭证编号")
# The rows accounting software adds to a ledger that are not expenditure.
TOTAL_ROWS = {
    "期初余额",
    "上年结转",
    "本月合计",
    "本期合计",
    "本年累计",
    "累计",
    "合计",
    "承前页",
    "过次页",
}
SOURCES = {
    "财政拨款": FundingSource.FISCAL,
    "财政资金": FundingSource.FISCAL,
    "财政拨款资金": FundingSource.FISCAL,
    "一般公共预算": FundingSource.FISCAL,
    "一般公共预算资金": FundingSource.FISCAL,
    "上年结转": FundingSource.CARRY_OVER,
    "上年结转资金": FundingSource.CARRY_OVER,
    "结转资金": FundingSource.CARRY_OVER,
    "其他资金": FundingSource.OTHER,
    "其他": FundingSource.OTHER,
    "自有资金": FundingSource.OTHER,
    "事业收入": FundingSource.OTHER,
}
# "项目:FZ2025-012 少儿阅读推广" / "[FZ2025-012]少儿阅读推广" / "FZ2025-012": the code.
_PROJECT_PREFIX = re.compile(r"^(项目|项目编码|辅助核算)?\s*[:：]?\s*[\[【(（]?")
DELETE_BATCH = 5_000
HEADERS = {}  # each key's first header, for the messages
for _header, _key in COLUMNS.items():
    HEADERS.setdefault(_key, _header)


@dataclass
class LedgerResult:
    """What an import did: lines added, removed and left as they were, by month."""

    added: int = 0
    removed: int = 0
    unchanged: int = 0
    months: list[tuple[int, int]] = field(default_factory=list)

    @property
    def month_labels(self) -> str:
        return "、".join(f"{year}-{month:02d}" for year, month in self.months)


def parse_amount(raw) -> Decimal | None:
    """An amount as the ledger writes it: 1234.5, "1,234.50", "-300.00", "（300.00）";
    None for an empty cell."""
    if raw is None or cell_text(raw) == "":
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = Decimal(str(raw))
    else:
        text = cell_text(raw).replace(",", "").replace("，", "").replace("¥", "")
        negative = text.startswith(("(", "（")) and text.endswith((")", "）"))
        text = text.strip("()（）")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not an amount: write it like 1234.50.") % {"value": raw}
            ) from None
        value = -value if negative else value
    if value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal("1e12"):
        raise ValueError(_("an amount has at most two decimal places."))
    return value.quantize(Decimal("0.01"))


def parse_source(raw) -> str:
    text = cell_text(raw)
    if not text:
        return FundingSource.FISCAL
    source = SOURCES.get(text) or next(
        (value for value, label in FundingSource.choices if str(label) == text), None
    )
    if source is None:
        raise ValueError(
            _("“%(value)s” is not a funding source: write 财政拨款, 上年结转 or 其他资金.")
            % {"value": text}
        )
    return source


def project_code(raw) -> str:
    """The code at the start of the project cell, without the software's decoration."""
    text = _PROJECT_PREFIX.sub("", cell_text(raw), count=1)
    return re.split(r"[\s\]】)）]", text, maxsplit=1)[0]


def fingerprint(date, voucher, summary, amount, project_id, source, occurrence) -> str:
    """What makes a ledger line the same line when its month is imported again; the
    occurrence tells apart identical lines of one voucher."""
    text = "|".join(
        str(part) for part in (date, voucher, summary, amount, project_id, source, occurrence)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _read(filename: str, data: bytes) -> list[dict]:
    try:
        return read_table(filename, data, columns=COLUMNS, optional=OPTIONAL)
    except SpreadsheetError as error:
        raise ImportFailed([FileError(str(error))]) from None


def _month_q(months) -> Q:
    condition = Q(pk__in=[])
    for year, month in months:
        start = dt.date(year, month, 1)
        end = dt.date(year + month // 12, month % 12 + 1, 1)
        condition |= Q(date__gte=start, date__lt=end)
    return condition


@transaction.atomic
def import_ledger(filename: str, data: bytes, *, user) -> LedgerResult:
    """Make the ledger lines of the file's months the file's lines (see the module)."""
    require_finance(user, Expenditure, "add")
    rows = _read(filename, data)
    years = set()
    parsed = []
    errors: list[CellError] = []
    for row in rows:
        summary_text = cell_text(row.get("summary"))
        if summary_text in TOTAL_ROWS and not cell_text(row.get("voucher")):
            continue
        cells = RowCells(row, HEADERS)
        date = cells.read("date", parse_date, required=True, today=dt.date.max)
        voucher = cells.read("voucher", parse_text, max_length=40) or ""
        summary = cells.read("summary", parse_text, max_length=200) or ""
        debit = cells.read("debit", parse_amount) or Decimal(0)
        credit = cells.read("credit", parse_amount) or Decimal(0)
        code = cells.read("project", project_code, required=True)
        source = cells.read("source", parse_source) or FundingSource.FISCAL
        if not cells.errors and debit == credit:
            cells.fail("debit", _("the line has no amount."))
        errors += cells.errors
        if not cells.errors:
            years.add(date.year)
            parsed.append((cells, date, voucher, summary, debit - credit, code, source))
    projects = {
        (p.year, p.code): p.pk
        for p in BudgetProject.objects.filter(year__in=years).only("pk", "year", "code")
    }
    lines = []
    occurrences: Counter = Counter()
    for cells, date, voucher, summary, amount, code, source in parsed:
        project_id = projects.get((date.year, code))
        if project_id is None:
            cells.fail(
                "project",
                _("no project of %(year)s has the code “%(code)s”.")
                % {"year": date.year, "code": code},
            )
            errors += cells.errors
            continue
        key = (date, voucher, summary, amount, project_id, source)
        occurrences[key] += 1
        lines.append((*key, fingerprint(*key, occurrences[key])))
    if errors:
        raise ImportFailed(errors)
    months = sorted({(line[0].year, line[0].month) for line in lines})
    existing = dict(
        Expenditure.objects.filter(_month_q(months), origin=Expenditure.Origin.LEDGER)
        .select_for_update()
        .values_list("fingerprint", "pk")
    )
    wanted = {line[-1] for line in lines}
    gone = [pk for print_, pk in existing.items() if print_ not in wanted]
    for start in range(0, len(gone), DELETE_BATCH):
        Expenditure.objects.filter(pk__in=gone[start : start + DELETE_BATCH]).delete()
    new = [
        Expenditure(
            project_id=project_id,
            date=date,
            voucher=voucher,
            summary=summary,
            amount=amount,
            source=source,
            origin=Expenditure.Origin.LEDGER,
            fingerprint=print_,
            recorded_by=user,
        )
        for date, voucher, summary, amount, project_id, source, print_ in lines
        if print_ not in existing
    ]
    insert_new(Expenditure, new, key="fingerprint")
    result = LedgerResult(
        added=len(new), removed=len(gone), unchanged=len(lines) - len(new), months=months
    )
    touched = defaultdict(int)
    for row in new:
        touched[row.project_id] += 1
    log_each(
        BudgetProject.objects.filter(pk__in=list(touched)),
        action=LEDGER_ACTION,
        user=user,
        data={"file": filename, "added": result.added, "removed": result.removed,
              "months": result.month_labels},
    )  # fmt: skip
    return result
