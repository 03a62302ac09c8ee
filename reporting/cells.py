"""Reading the cells of an uploaded sheet, for every importer: a cell as text (numbers typed
into text columns lose their ``.0``), text of a bounded length, and dates as people and
Excel write them (2019-07-01, 2019/7/1, 2019年7月1日, 20190701, an Excel serial; with
``months``, 2019.7 or 2019年7月 for a month). A parser raises ``ValueError`` with a message
for the user (``reporting.imports.RowCells`` turns it into a cell error)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")  # "2019-07-01 00:00:00" from a text export
# Excel serial numbers for 1920-01-01 … 2199-12-31: a date in a cell formatted as a number.
# Eight-digit numbers (20190701) are read as yyyymmdd first; a bare year (2019) is refused.
_EXCEL_SERIALS = range(7306, 109939)


def cell_text(raw) -> str:
    """A cell as text: numbers typed into text columns (工号 1001, 电话) lose their ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


def parse_text(raw, *, max_length: int) -> str:
    text = cell_text(raw)
    if len(text) > max_length:
        raise ValueError(_("at most %(max)s characters.") % {"max": max_length})
    return text


def parse_date(raw, *, today: dt.date | None = None, months: bool = False) -> dt.date | None:
    """An Excel date, or text like 2019-07-01, 2019/7/1, 2019.7.1, 2019年7月1日, 20190701.

    With ``months``, a month alone (2019.7, 2019-07, 2019年7月, 201907) is its first day.
    Dates in the future are refused: every date of the sheet is one that has happened.
    """
    if raw is None or raw == "":
        return None
    date = None
    if isinstance(raw, dt.datetime):
        date = raw.date()
    elif isinstance(raw, dt.date):
        date = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        date = _number_date(raw, months=months)
    else:
        text = _TIME.sub("", cell_text(raw))
        match = _DATE.match(text) or _COMPACT_DATE.match(text)
        if match:
            date = _ymd(*match.groups())
        elif months and (match := _MONTH.match(text) or _COMPACT_MONTH.match(text)):
            date = _ymd(*match.groups(), "1")
    if date is None:
        example = (
            _("“%(value)s” is not a date: write it like 2019-07-01, or 2019-07 for a month.")
            if months
            else _("“%(value)s” is not a date: write it like 2019-07-01.")
        )
        raise ValueError(example % {"value": cell_text(raw)})
    if date > (today or timezone.localdate()):
        raise ValueError(_("%(date)s is in the future.") % {"date": date.isoformat()})
    return date


def _number_date(raw: float, *, months: bool) -> dt.date | None:
    """A date typed into a cell Excel took for a number: 20190701, 201907, 2019.7, or a
    date cell formatted as a number (its serial)."""
    if float(raw).is_integer():
        digits = str(int(raw))
        if match := _COMPACT_DATE.match(digits):
            return _ymd(*match.groups())
        if months and (match := _COMPACT_MONTH.match(digits)):
            return _ymd(*match.groups(), "1")
    elif months and 1900 <= raw < 2200:
        year, _dot, month = f"{raw}".partition(".")
        if month == "1":
            # Excel keeps 2019.10 as the number 2019.1: the month cannot be known.
            raise ValueError(
                _(
                    "“%(value)s” is stored as a number, and Excel turns 2019.10 into 2019.1: "
                    "write the month as text, like 2019-10 or 2019年10月."
                )
                % {"value": f"{raw}"}
            )
        return _ymd(year, month, "1")
    if int(raw) in _EXCEL_SERIALS:
        return from_excel(raw).date()
    return None


def month_only(raw) -> bool:
    """Whether a date cell gives only a month (so only its month can be compared)."""
    if isinstance(raw, dt.date):
        return False
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer():
            return bool(_COMPACT_MONTH.match(str(int(raw))))
        return 1900 <= raw < 2200  # 2019.7, not an Excel serial with a time
    text = _TIME.sub("", cell_text(raw))
    return bool(_MONTH.match(text) or _COMPACT_MONTH.match(text))


def _ymd(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
