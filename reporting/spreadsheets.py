"""Excel (.xlsx) export and import: ``write_xlsx`` for downloads, ``read_xlsx`` for uploads.

``write_xlsx`` takes plain rows and produces a workbook people can sort and filter at once:
bold frozen header, auto-filter, widths that fit Chinese text, real numbers and dates.
``read_xlsx`` maps the Chinese column headers of an uploaded sheet to keys and raises
``SpreadsheetError`` with a message fit to show the user when the file cannot be used.
"""

import datetime
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH = 6
MAX_WIDTH = 60
HEADER_SCAN_ROWS = 10  # a title or note may sit above the header row of an uploaded sheet
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


class SpreadsheetError(ValueError):
    """An uploaded spreadsheet cannot be read; ``str(error)`` is a translated message."""


# --- writing ----------------------------------------------------------------------------


def text_width(text: str) -> int:
    """Display width in Excel columns: CJK (wide/full-width) characters count as 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_value(value: Any) -> tuple[Any, str | None]:
    """The value openpyxl should store, and the number format it needs (if any)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            # openpyxl refuses aware datetimes; Excel has no time zones, so write local time.
            value = timezone.make_naive(value, timezone.get_default_timezone())
        return value, DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return value, ("0." + "0" * places) if places else "0"
    if isinstance(value, int | float):
        return value, None
    if isinstance(value, Promise):
        value = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)), None


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((text_width(line) for line in str(value).splitlines()), default=0)


def _sheet_title(title: str, used: set[str]) -> str:
    base = (str(title).translate(SHEET_TITLE_FORBIDDEN).strip() or "Sheet")[:31]
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one worksheet per ``(title, header, rows)``, as bytes.

    Decimals and numbers are written as numbers (Decimals keep their decimal places in the
    number format), dates and datetimes as Excel dates — aware datetimes in the project's
    time zone (Asia/Shanghai). Strings are always text, never formulas, so user data such as
    ``=1+1`` is shown as typed. Sheet titles are cut to Excel's 31 characters.
    """
    if not sheets:
        raise ValueError("write_xlsx() needs at least one sheet")
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for title, header, rows in sheets:
        worksheet = workbook.create_sheet(_sheet_title(title, used))
        widths = [text_width(str(h)) for h in header]
        worksheet.append([str(h) for h in header])
        for cell in worksheet[1]:
            cell.font = bold
        for r, row in enumerate(rows, start=2):
            for c, raw in enumerate(row, start=1):
                value, number_format = _cell_value(raw)
                cell = worksheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # a leading "=" would otherwise make it a formula
                if number_format:
                    cell.number_format = number_format
                if c > len(widths):
                    widths.append(0)
                widths[c - 1] = max(widths[c - 1], _display_width(value))
        for c, width in enumerate(widths, start=1):
            letter = get_column_letter(c)
            worksheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if header:
            worksheet.freeze_panes = "A2"
            worksheet.auto_filter.ref = worksheet.dimensions
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading ----------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    # NFKC folds full-width letters, digits and brackets (（）→ ()) typed with Chinese IMEs.
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.split())


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _is_blank(values: Iterable[Any]) -> bool:
    return all(_clean(v) is None for v in values)


def _open_workbook(data: bytes):
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    not_xlsx = _(
        "The file is not an Excel workbook (.xlsx). Open it in Excel or WPS, save it as "
        "“Excel workbook (*.xlsx)” and upload it again."
    )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise SpreadsheetError(not_xlsx)
    try:
        return load_workbook(BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, BadZipFile…
        raise SpreadsheetError(not_xlsx) from exc


def read_xlsx(
    data: bytes,
    *,
    columns: dict[str, str],
    sheet: str | None = None,
    optional: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The data rows of an uploaded .xlsx as dicts keyed by ``columns[header]``.

    ``columns`` maps the header text (e.g. ``"任务名称"``) to a key (``"name"``); headers
    match ignoring whitespace and full-width/half-width differences, and the header row may
    sit below a few title rows. Every header is required except those in ``optional`` (whose
    keys are ``None`` when the column is absent); other columns are ignored. ``sheet`` names
    the worksheet, by default the first one.

    Each dict also has ``"_row"``, the 1-based row number as Excel shows it, for error
    messages, and, when optional columns are missing, ``"_absent"``: their keys. Strings
    are stripped and empty cells are ``None``; numbers come back as
    openpyxl reads them (int or float, so convert money with ``Decimal(str(value))``) and
    dates as naive datetimes. Rows blank in every mapped column are skipped.

    Raises ``SpreadsheetError`` when the file is not an .xlsx workbook, the sheet is missing
    or empty, required headers are missing, or there are no data rows.
    """
    workbook = _open_workbook(data)
    if sheet is None:
        worksheet = workbook.worksheets[0]
    elif sheet in workbook.sheetnames:
        worksheet = workbook[sheet]
    else:
        raise SpreadsheetError(
            _("The workbook has no sheet named “%(sheet)s” (it has: %(sheets)s).")
            % {"sheet": sheet, "sheets": "、".join(workbook.sheetnames)}
        )

    rows = [
        (number, values)
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        if not _is_blank(values)
    ]
    if not rows:
        raise SpreadsheetError(_("The sheet “%(sheet)s” is empty.") % {"sheet": worksheet.title})

    wanted = {_normalise_header(header): key for header, key in columns.items()}
    optional_headers = {_normalise_header(header) for header in optional}

    def positions(values: Sequence[Any]) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            header = _normalise_header(value)
            if header in wanted and header not in found:
                found[header] = index
        return found

    # The header row is the first of the top rows naming the most expected columns.
    candidates = rows[:HEADER_SCAN_ROWS]
    header_at, found = max(
        ((i, positions(values)) for i, (_number, values) in enumerate(candidates)),
        key=lambda item: (len(item[1]), -item[0]),
    )
    missing = [
        header
        for header in columns
        if _normalise_header(header) not in found
        and _normalise_header(header) not in optional_headers
    ]
    if missing:
        raise SpreadsheetError(
            _(
                "Required columns are missing: %(columns)s. "
                "Check the header row of sheet “%(sheet)s”."
            )
            % {"columns": "、".join(f"“{h}”" for h in missing), "sheet": worksheet.title}
        )

    absent = frozenset(key for header, key in wanted.items() if found.get(header) is None)
    records: list[dict[str, Any]] = []
    for number, values in rows[header_at + 1 :]:
        record: dict[str, Any] = {"_row": number}
        if absent:
            # Lets a caller tell "column left out" (keep the value) from "cell left empty".
            record["_absent"] = absent
        for header, key in wanted.items():
            index = found.get(header)
            record[key] = (
                _clean(values[index]) if index is not None and index < len(values) else None
            )
        if all(record[key] is None for key in wanted.values()):
            continue
        records.append(record)
    if not records:
        raise SpreadsheetError(
            _("The sheet “%(sheet)s” has a header row but no data rows.")
            % {"sheet": worksheet.title}
        )
    return records
