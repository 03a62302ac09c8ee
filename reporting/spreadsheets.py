"""Excel (.xlsx) export and import: ``write_xlsx`` for downloads, ``read_xlsx`` for uploads,
``read_csv`` for the same rows saved as CSV, ``read_table`` for either by file name.

``write_xlsx`` takes plain rows and produces a workbook people can sort and filter at once:
bold frozen header, auto-filter, widths that fit Chinese text, real numbers and dates. It
streams (openpyxl's write-only mode: rows from any iterable, widths from the first rows), and
a sheet's ``Layout`` adds wrapping, row fills, print settings and drop-downs in the same pass.
Uploads are read with calamine (python-calamine), an order of magnitude faster than openpyxl.
``read_xlsx`` maps the Chinese column headers of an uploaded sheet to keys and raises
``SpreadsheetError`` with a message fit to show the user when the file cannot be used —
including a file too big to read safely (see ``read_limits``: a few hundred KB of .xlsx
can unpack to gigabytes of XML or billions of cells).
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice
from pathlib import PurePath
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineSheet, CalamineWorkbook

from reporting.uploads import ArchiveTooLarge, check_zip

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
MIN_WIDTH = 6
MAX_WIDTH = 60
SAMPLE_ROWS = 200  # rows read to size the columns before a write-only sheet is written
# Excel's codes for the page number and the page count (&P, &N), Chinese like reporting.pdf's.
PAGE_FOOTER = "第 &P 页 / 共 &N 页"
HEADER_SCAN_ROWS = 10  # a title or note may sit above the header row of an uploaded sheet
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


class SpreadsheetError(ValueError):
    """An uploaded spreadsheet cannot be read; ``str(error)`` is a translated message."""


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a written sheet looks and prints beyond the defaults (bold frozen header,
    auto-filter, widths that fit the header and the first rows, A4 paper). Columns are
    counted from 0."""

    widths: Mapping[int, float] = field(default_factory=dict)  # fixed, in characters
    wrap: Collection[int] = ()  # columns whose text wraps (and sits at the top of its cell)
    align_top: bool = False  # every data cell at the top (for rows made tall by wrapping)
    landscape: bool = False
    fit_to_width: bool = False  # one page wide, as many pages down as needed
    repeat_header: bool = False  # the header row printed on every page
    page_numbers: bool = False  # footer 第 n 页 / 共 m 页
    validations: Sequence[DataValidation] = ()  # drop-down lists and checks on cells


class Row(NamedTuple):
    """A written row with a fill (an RGB colour such as ``"FDE2E1"``) on all its cells."""

    values: Sequence[Any]
    fill: str | None = None


class Sheet(NamedTuple):
    """One worksheet for ``write_xlsx``: a plain ``(title, header, rows)`` is one too."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any] | Row]
    layout: Layout | None = None


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
    if isinstance(value, datetime.time):
        return value, TIME_FORMAT
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
    if isinstance(value, datetime.time):
        return 5
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


def write_xlsx(sheets: Sequence[Sheet | tuple]) -> bytes:
    """A workbook with one worksheet per ``(title, header, rows)`` (or ``Sheet``), as bytes.

    Decimals and numbers are written as numbers (Decimals keep their decimal places in the
    number format), dates and datetimes as Excel dates — aware datetimes in the project's
    time zone (Asia/Shanghai). Strings are always text, never formulas, so user data such as
    ``=1+1`` is shown as typed. Sheet titles are cut to Excel's 31 characters.

    Written in openpyxl's write-only mode: ``rows`` may be any iterable (a generator, a
    ``values_list(...).iterator()``) and is read once, row by row, so memory does not grow
    with the cells' styles; column widths come from the header and the first
    ``SAMPLE_ROWS`` rows. A row may be a ``Row`` to give it a fill; a ``Sheet``'s ``Layout``
    adds wrapped columns, fixed widths and print settings.
    """
    if not sheets:
        raise ValueError("write_xlsx() needs at least one sheet")
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook, Sheet(*sheet), used)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _values(row: Row | Sequence[Any]) -> Sequence[Any]:
    return row.values if isinstance(row, Row) else row


def _sample_widths(header: Sequence[str], sample: list) -> list[int]:
    widths = [text_width(str(h)) for h in header]
    for row in sample:
        for c, raw in enumerate(_values(row)):
            if c == len(widths):
                widths.append(0)
            widths[c] = max(widths[c], _display_width(_cell_value(raw)[0]))
    return widths


def _write_sheet(workbook: Workbook, sheet: Sheet, used: set[str]) -> None:
    worksheet = workbook.create_sheet(_sheet_title(sheet.title, used))
    layout = sheet.layout or Layout()
    rows = iter(sheet.rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    # A write-only sheet writes its columns and panes before its first row.
    widths = _sample_widths(sheet.header, sample)
    for c in sorted(set(range(len(widths))) | set(layout.widths)):
        width = layout.widths.get(c)
        if width is None:
            width = min(max(widths[c] + 2, MIN_WIDTH), MAX_WIDTH)
        worksheet.column_dimensions[get_column_letter(c + 1)].width = width
    if sheet.header:
        worksheet.freeze_panes = "A2"
    _page_setup(worksheet, layout)
    for validation in layout.validations:
        worksheet.data_validations.append(validation)

    cells = _CellMaker(worksheet, layout)
    worksheet.append([cells.header(str(h)) for h in sheet.header])
    last_row, last_column = 1, len(sheet.header)
    for row in chain(sample, rows):
        values = cells.row(row)
        worksheet.append(values)
        last_row += 1
        last_column = max(last_column, len(values))
    if sheet.header:
        worksheet.auto_filter.ref = f"A1:{get_column_letter(max(last_column, 1))}{last_row}"


def _page_setup(worksheet, layout: Layout) -> None:
    setup = worksheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4  # the paper of every Chinese office
    if layout.landscape:
        setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    if layout.fit_to_width:
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages down as needed
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    if layout.repeat_header:
        worksheet.print_title_rows = "1:1"
    if layout.page_numbers:
        worksheet.oddFooter.center.text = PAGE_FOOTER


class _CellMaker:
    """The cells of one write-only sheet. A plain value is passed as it is (openpyxl's
    fastest path); a value that needs a number format, a fill, an alignment or to be kept
    as text becomes a cell sharing one style array per kind, so styling a cell costs a
    dictionary look-up rather than a search of the workbook's style tables."""

    def __init__(self, worksheet, layout: Layout):
        self.worksheet = worksheet
        self.styles: dict[tuple, Any] = {}
        self.bold = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        top = Alignment(vertical="top") if layout.align_top else None
        self.alignments = dict.fromkeys(layout.wrap, wrap)
        self.default_alignment = top

    def _style(self, key: tuple):
        array = self.styles.get(key)
        if array is None:
            number_format, fill, alignment, bold = key
            template = WriteOnlyCell(self.worksheet)
            if number_format:
                template.number_format = number_format
            if fill:
                template.fill = PatternFill("solid", start_color=fill, end_color=fill)
            if alignment is not None:
                template.alignment = alignment
            if bold:
                template.font = self.bold
            array = self.styles[key] = template._style
        return array

    def _cell(self, value: Any, key: tuple) -> Cell:
        cell = Cell(self.worksheet, row=1, column=1, value=value, style_array=self._style(key))
        if isinstance(value, str):
            cell.data_type = "s"  # a leading "=" would make it a formula, "#N/A" an error
        return cell

    def header(self, text: str) -> Cell:
        return self._cell(ILLEGAL_CHARACTERS_RE.sub("", text), (None, None, None, True))

    def row(self, row: Row | Sequence[Any]) -> list[Any]:
        fill = row.fill if isinstance(row, Row) else None
        out = []
        for c, raw in enumerate(_values(row)):
            value, number_format = _cell_value(raw)
            alignment = self.alignments.get(c, self.default_alignment)
            if number_format or fill or alignment is not None:
                out.append(self._cell(value, (number_format, fill, alignment, False)))
            elif isinstance(value, str) and value.startswith(("=", "#")):
                out.append(self._cell(value, (None, None, None, False)))
            else:
                out.append(value)
        return out


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


class ReadLimits(NamedTuple):
    unpacked_bytes: int
    rows: int
    columns: int
    cells: int


def read_limits() -> ReadLimits:
    """What ``read_xlsx`` accepts, from the ``SHUXIANG_XLSX_MAX_*`` settings."""
    return ReadLimits(
        unpacked_bytes=getattr(settings, "SHUXIANG_XLSX_MAX_UNPACKED_BYTES", 200 * 1024 * 1024),
        rows=getattr(settings, "SHUXIANG_XLSX_MAX_ROWS", 200_000),
        columns=getattr(settings, "SHUXIANG_XLSX_MAX_COLUMNS", 200),
        cells=getattr(settings, "SHUXIANG_XLSX_MAX_CELLS", 5_000_000),
    )


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file is not an Excel workbook (.xlsx). Open it in Excel or WPS, save it as "
            "“Excel workbook (*.xlsx)” and upload it again."
        )
    )


def _too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "A sheet of this workbook has more than %(limit)s rows, the most that can be "
            "imported. If your data is shorter, delete the empty rows below it (Ctrl+End in "
            "Excel goes to the last cell in use), save the file and upload it again."
        )
        % {"limit": f"{limit:,}"}
    )


def _too_many_columns(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "A sheet of this workbook has more than %(limit)s columns, the most that can be "
            "imported. If your data is narrower, delete the empty columns to its right, save "
            "the file and upload it again."
        )
        % {"limit": f"{limit:,}"}
    )


def _too_many_cells(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The workbook has more than %(limit)s cells, the most that can be imported at "
            "once. Split the data into several files."
        )
        % {"limit": f"{limit:,}"}
    )


# Row starts in the raw XML of a package part, whatever their namespace prefix (<x:row>).
# Exact: text cannot hold a "<", so no text can split a row in two.
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_DIMENSION_TAG = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']([A-Z0-9:$]+)")
_HEAD_BYTES = 64 * 1024  # <dimension> comes right after <sheetPr>, in the first few hundred
_CHUNK_BYTES = 1024 * 1024
# A cell is a <c> and its <v>, <f> or inline <is><t>: at most a few elements. The same
# budget bounds the parts openpyxl loads whole (shared strings, styles).
_ELEMENTS_PER_CELL = 4


# How a cell element can start: "<c" or a prefixed ":c", then whitespace, "/" or ">".
_CELL_STARTS = tuple(
    lead + b"c" + after
    for lead in (b"<", b":")
    for after in (b" ", b"\t", b"\r", b"\n", b"/", b">")
)


def _cells(xml: bytes, start: int, end: int, room: int) -> int:
    """The cells (<c>, <x:c>) in ``xml[start:end]``, or more: exact only past ``room``.

    Two C-speed counts of "<c" and ":c" suffice for an ordinary row; they also count a <col>
    or a "a:c" typed in a cell, so when they pass ``room`` the cell starts are counted
    exactly. A "c:" in a text can only make the count larger, which is the safe side.
    """
    rough = xml.count(b"<c", start, end) + xml.count(b":c", start, end)
    if rough <= room:
        return rough
    return sum(xml.count(tag, start, end) for tag in _CELL_STARTS)


def _check_part(stream: IO[bytes], limits: ReadLimits) -> None:
    """Refuse one package part whose rows, cells or elements are past the limits.

    Runs before openpyxl: its read-only mode streams rows, but builds a whole row in memory
    (a "row" of ten million cells is a few dozen MB of XML), parses a sheet without a
    <dimension> end to end on opening, and loads styles and shared strings whole. Counting
    tags in the raw bytes costs a fraction of parsing them. Counts too much rather than too
    little (a tag-like text in a comment), never the other way round.
    """
    head = stream.read(_HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise _not_xlsx()  # UTF-16 XML: no spreadsheet program writes it; the scan needs ASCII
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return  # not XML (a picture, a printer setting): no parser reads it as XML
    dimension = _DIMENSION_TAG.search(head)
    if dimension:
        try:
            _min_col, _min_row, max_col, max_row = range_boundaries(dimension.group(1).decode())
        except ValueError:
            pass  # openpyxl ignores a dimension it cannot read; so do we
        else:
            if max_row and max_row > limits.rows:
                raise _too_many_rows(limits.rows)
            if max_col and max_col > limits.columns:
                raise _too_many_columns(limits.columns)

    rows = cells = in_row = elements = 0
    pending, eof = head, False
    while True:
        chunk = b"" if eof else stream.read(_CHUNK_BYTES)
        eof = eof or not chunk
        pending += chunk
        # Count up to the last "<": no tag is cut there, the rest waits for the next chunk.
        end = len(pending) if eof else pending.rfind(b"<")
        if end > 0:
            start = 0
            for row in _ROW_TAG.finditer(pending, 0, end):
                in_row += _cells(pending, start, row.start(), limits.columns - in_row)
                if in_row > limits.columns:
                    raise _too_many_columns(limits.columns)
                cells += in_row
                rows, in_row, start = rows + 1, 0, row.start() + 1
                if rows > limits.rows:
                    raise _too_many_rows(limits.rows)
            in_row += _cells(pending, start, end, limits.columns - in_row)
            if in_row > limits.columns:
                raise _too_many_columns(limits.columns)
            part = pending[:end]
            elements += part.count(b"<") - part.count(b"</")
            if cells + in_row > limits.cells or elements > _ELEMENTS_PER_CELL * limits.cells:
                raise _too_many_cells(limits.cells)
            pending = pending[end:]
        if eof:
            return


def _check_package(data: bytes, limits: ReadLimits) -> None:
    try:
        members = check_zip(data, max_unpacked=limits.unpacked_bytes)
        with zipfile.ZipFile(BytesIO(data)) as archive:
            for member in members:
                if not member.is_dir():
                    with archive.open(member) as stream:
                        _check_part(stream, limits)
    except ArchiveTooLarge as error:
        raise SpreadsheetError(str(error)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        # damaged, encrypted, or packed with a method zipfile does not know
        raise _not_xlsx() from None


def _open_workbook(data: bytes, limits: ReadLimits) -> CalamineWorkbook:
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if not zipfile.is_zipfile(BytesIO(data)):
        raise _not_xlsx()
    _check_package(data, limits)
    try:
        return CalamineWorkbook.from_filelike(BytesIO(data))
    except Exception as exc:  # CalamineError, a missing part, a damaged one…
        raise _not_xlsx() from exc


def _read_value(value: Any) -> Any:
    """A cell as calamine reads it, as openpyxl would give it: an empty cell ``None``, a
    whole number ``int`` (calamine gives every number as a float), a date a naive
    ``datetime`` at midnight."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day)
    return value


def _sheet_rows(worksheet: CalamineSheet, limits: ReadLimits) -> list[tuple[int, tuple]]:
    """The non-blank rows of ``worksheet`` with their numbers as Excel shows them, within
    the limits.

    Read with calamine (Rust): a 20,000-row staff sheet in half a second where openpyxl's
    read-only mode took nine, and memory by the cells' values, not their styles. The
    <dimension> a file declares is not trusted (calamine reads the cells themselves); the
    rows and columns before the first cell are counted in, so row numbers and widths are
    the sheet's own.
    """
    if worksheet.height == 0:
        return []
    last_row, last_column = worksheet.end  # 0-based, like start
    if last_row + 1 > limits.rows:
        raise _too_many_rows(limits.rows)
    if last_column + 1 > limits.columns:
        raise _too_many_columns(limits.columns)
    # iter_rows() starts at the sheet's first row but at its first used column.
    padding = (None,) * worksheet.start[1]
    rows = []
    for number, values in enumerate(worksheet.iter_rows(), start=1):
        if not _is_blank(values):
            rows.append((number, padding + tuple(_read_value(v) for v in values)))
    return rows


class Table(NamedTuple):
    """An uploaded sheet read by ``read_xlsx_table``: its ``rows`` as ``read_xlsx`` gives
    them, ``headers`` (each key found, with its column's header as written in the file, for
    messages), ``ignored`` (the headers of the columns that were not read, in sheet order)
    and the sheet's ``title``."""

    rows: list[dict[str, Any]]
    headers: dict[str, str]
    ignored: tuple[str, ...]
    title: str  # the sheet's (or the CSV file's) name


def read_xlsx(
    data: bytes,
    *,
    columns: dict[str, str],
    sheet: str | None = None,
    optional: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The data rows of an uploaded .xlsx as dicts keyed by ``columns[header]``.

    ``columns`` maps the header text (e.g. ``"任务名称"``) to a key (``"name"``); headers
    match ignoring whitespace and full-width/half-width differences, then ignoring a note in
    brackets or a required-field asterisk (``工号*``, ``身份证号（18位）``), and the header row
    may sit below a few title rows. Several headers may map to one key (the ways people head
    the same column): the first of them in ``columns`` that the sheet has is read, the others
    are ignored. Every key is required except those with a header in ``optional`` (whose
    keys are ``None`` when the column is absent); other columns are ignored. ``sheet`` names
    the worksheet, by default the first one.

    Each dict also has ``"_row"``, the 1-based row number as Excel shows it, for error
    messages, and, when optional columns are missing, ``"_absent"``: their keys. Strings
    are stripped and empty cells are ``None``; whole numbers come back as int, others as
    float (convert money with ``Decimal(str(value))``), and dates as naive datetimes. Rows
    blank in every mapped column are skipped.

    Raises ``SpreadsheetError`` when the file is not an .xlsx workbook, is larger than the
    limits (``read_limits()``: unpacked size, rows, columns, cells), the sheet is missing or
    empty, required headers are missing, or there are no data rows.
    """
    return read_xlsx_table(data, columns=columns, sheet=sheet, optional=optional).rows


def read_xlsx_table(
    data: bytes,
    *,
    columns: dict[str, str],
    sheet: str | None = None,
    optional: Iterable[str] = (),
) -> Table:
    """``read_xlsx``, with the headers read and the columns ignored (see ``Table``)."""
    limits = read_limits()
    workbook = _open_workbook(data, limits)
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise SpreadsheetError(
            _("The workbook has no sheet named “%(sheet)s” (it has: %(sheets)s).")
            % {"sheet": sheet, "sheets": "、".join(names)}
        )
    if not names:
        raise _not_xlsx()
    title = names[0] if sheet is None else sheet
    try:
        worksheet = workbook.get_sheet_by_name(title)
    except Exception as exc:  # a sheet listed in the workbook but missing or damaged
        raise _not_xlsx() from exc
    rows = _sheet_rows(worksheet, limits)
    return _records(rows, columns=columns, optional=optional, title=title)


# A note in brackets or an asterisk marking a required field, around a known header.
_HEADER_NOTE = re.compile(r"\([^)]*\)|\*")


def _records(
    rows: list[tuple[int, Sequence[Any]]],
    *,
    columns: dict[str, str],
    optional: Iterable[str],
    title: str,
) -> Table:
    """Find the header row among the first non-blank ``rows`` and map the rows below it
    (see ``read_xlsx``); ``title`` names the sheet or file in messages."""
    rows = [(number, values) for number, values in rows if not _is_blank(values)]
    if not rows:
        raise SpreadsheetError(_("The sheet “%(sheet)s” is empty.") % {"sheet": title})

    wanted = {_normalise_header(header): key for header, key in columns.items()}
    optional_keys = {wanted.get(_normalise_header(header)) for header in optional}

    def known(value: Any) -> str | None:
        header = _normalise_header(value)
        if header in wanted:
            return header
        header = _HEADER_NOTE.sub("", header)
        return header if header in wanted else None

    def positions(values: Sequence[Any]) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            header = known(value)
            if header is not None and header not in found:
                found[header] = index
        return found

    # The header row is the first of the top rows naming the most expected columns.
    candidates = rows[:HEADER_SCAN_ROWS]
    header_at, found = max(
        ((i, positions(values)) for i, (_number, values) in enumerate(candidates)),
        key=lambda item: (len(item[1]), -item[0]),
    )
    # Each key's column: the first of its headers (in the order of ``columns``) found.
    chosen: dict[str, int] = {}
    for header, key in wanted.items():
        if header in found and key not in chosen:
            chosen[key] = found[header]
    missing = [
        header
        for header, key in columns.items()
        if key not in chosen and key not in optional_keys and header == _first_header(columns, key)
    ]
    if missing:
        raise SpreadsheetError(
            _(
                "Required columns are missing: %(columns)s. "
                "Check the header row of sheet “%(sheet)s”."
            )
            % {"columns": "、".join(f"“{h}”" for h in missing), "sheet": title}
        )

    header_values = rows[header_at][1]
    headers = {key: _header_text(header_values[index]) for key, index in chosen.items()}
    used = set(chosen.values())
    ignored = tuple(
        _header_text(value)
        for index, value in enumerate(header_values)
        if index not in used and _header_text(value)
    )
    keys = list(dict.fromkeys(wanted.values()))
    absent = frozenset(key for key in keys if key not in chosen)
    records: list[dict[str, Any]] = []
    for number, values in rows[header_at + 1 :]:
        record: dict[str, Any] = {"_row": number}
        if absent:
            # Lets a caller tell "column left out" (keep the value) from "cell left empty".
            record["_absent"] = absent
        for key in keys:
            index = chosen.get(key)
            record[key] = (
                _clean(values[index]) if index is not None and index < len(values) else None
            )
        if all(record[key] is None for key in keys):
            continue
        records.append(record)
    if not records:
        raise SpreadsheetError(
            _("The sheet “%(sheet)s” has a header row but no data rows.") % {"sheet": title}
        )
    return Table(records, headers, ignored, title)


def _first_header(columns: dict[str, str], key: str) -> str:
    return next(header for header, k in columns.items() if k == key)


def _header_text(value: Any) -> str:
    """A header as the user wrote it, on one line (for messages)."""
    return " ".join(str(value).split()) if value is not None else ""


def _decode_csv(data: bytes) -> str:
    not_csv = _(
        "The file is not a CSV text file. Save the sheet from Excel or WPS as "
        "“CSV (comma delimited)” or as an Excel workbook (.xlsx) and upload that."
    )
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise SpreadsheetError(not_csv)
    # Excel on Chinese Windows saves CSV in GBK (GB18030 reads it); others in UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(not_csv)


def read_csv(
    data: bytes,
    *,
    columns: dict[str, str],
    optional: Iterable[str] = (),
    name: str = "CSV",
) -> list[dict[str, Any]]:
    """The data rows of an uploaded CSV file, exactly as ``read_xlsx`` gives them (every
    cell a stripped string or ``None``; ``_row`` counts lines as a spreadsheet shows them).

    UTF-8 (with or without BOM) and GBK/GB18030 are read; the delimiter may be a comma, a
    semicolon or a tab. ``name`` (the file's name) stands for the sheet in messages. The
    limits of ``read_limits()`` apply (the file's size for the unpacked size).
    """
    limits = read_limits()
    if len(data) > limits.unpacked_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s, more than the %(limit)s that can be imported.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limits.unpacked_bytes)}
        )
    text = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows, cells = [], 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            if number > limits.rows:
                raise _too_many_rows(limits.rows)
            if len(values) > limits.columns:
                raise _too_many_columns(limits.columns)
            cells += len(values)
            if cells > limits.cells:
                raise _too_many_cells(limits.cells)
            rows.append((number, values))
    except csv.Error as error:
        raise SpreadsheetError(
            _("The CSV file cannot be read: %(error)s.") % {"error": error}
        ) from None
    return _records(rows, columns=columns, optional=optional, title=name).rows


def read_table(
    filename: str,
    data: bytes,
    *,
    columns: dict[str, str],
    optional: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """``read_xlsx`` or ``read_csv`` by the file's extension (.xlsx or .csv)."""
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xlsx":
        return read_xlsx(data, columns=columns, optional=optional)
    if extension == ".csv":
        return read_csv(data, columns=columns, optional=optional, name=PurePath(filename).name)
    raise SpreadsheetError(
        _("Files of type “%(extension)s” cannot be read: upload an .xlsx workbook or a .csv file.")
        % {"extension": extension or filename}
    )
