"""Long tables on paper in bounded memory: rosters, ledgers, label lists of any length.

``build_pdf`` lays out reportlab flowables: a ``Table`` of Paragraph cells measures every
cell, and ``NumberedCanvas`` keeps every page until the end so the footer can say how many
there are — 20,000 rows took 38 s and 650 MB. A long table does neither: rows come from
an iterable and are drawn straight on the canvas as plain text, one line each at a fixed
height (text too wide for its column is cut short with "…"), and the footer's page count
is a form drawn once at the end, so the pages already drawn hold only their own content.
The page looks like ``build_pdf``'s (header, title, grid, shaded column heads repeated on
every page, "第 N 页 / 共 M 页")::

    columns = [Column("编号", 24 * mm), Column("名称", 60 * mm), Column("原值", 30 * mm, True)]
    data = long_table_pdf(rows, columns, title="资产台账", organisation="抚州市图书馆",
                          landscape=True, page_totals=(2,), closing=[para("共 3 件。")])

``page_totals`` adds a 本页合计 row to every page and a 合计 row at the end for those
columns (``Decimal`` sums, nothing kept per page). ``progress(rows_done)`` is called every
``PROGRESS_EVERY`` rows, for a background job's progress bar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from .fonts import cjk_font, fit_text
from .pdf import (
    GRID,
    HEADER_FILL,
    HEADER_FONT_SIZE,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    _draw_header,
    styles,
)

FONT_SIZE = 9
ROW_HEIGHT = 14  # points: one line of 9 pt text with 2.5 pt above and below
PADDING = 4  # points left and right of the text in a cell
PROGRESS_EVERY = 500
PAGE_TOTAL = "本页合计"  # official page furniture, Chinese like the footer
GRAND_TOTAL = "合计"
PAGES_FORM = "shuxiang-page-count"


@dataclass(frozen=True)
class Column:
    """A column's head, width in points and alignment (``right`` for amounts)."""

    title: str
    width: float
    right: bool = False


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    return " ".join(str(value).split())  # one line: newlines and runs of spaces fold


class _LongTable:
    """Draws one long table on a canvas, page by page."""

    def __init__(self, canvas: Canvas, columns: Sequence[Column], *, page, totals):
        self.canvas = canvas
        self.columns = list(columns)
        self.font = cjk_font()
        self.page = page  # the namespace _draw_header reads (pagesize, title, author)
        self.width, self.height = page.pagesize
        self.table_width = sum(c.width for c in self.columns)
        if self.table_width > self.width - 2 * MARGIN_X + 0.5:
            raise ValueError(
                f"the columns are {self.table_width / mm:.0f} mm wide; the page has "
                f"{(self.width - 2 * MARGIN_X) / mm:.0f} mm between its margins"
            )
        self.totals = {i: Decimal(0) for i in totals}
        self.grand = {i: Decimal(0) for i in totals}
        self.edges = [MARGIN_X]
        for column in self.columns:
            self.edges.append(self.edges[-1] + column.width)
        self.page_number = 0
        self.top_of_page = 0.0
        self.y = 0.0

    # -- pages ---------------------------------------------------------------------------
    def start_page(self, *, opening: Sequence[Flowable] = ()) -> None:
        self.page_number += 1
        _draw_header(self.canvas, self.page)
        self.y = self.height - MARGIN_TOP
        for flowable in opening:
            self.y -= self.draw_flowable(flowable)
        self.top_of_page = self.y

    def finish_page(self) -> None:
        self._draw_footer()
        self.canvas.showPage()

    def _draw_footer(self) -> None:
        c = self.canvas
        c.saveState()
        c.setFont(self.font, HEADER_FONT_SIZE)
        c.setFillColor(MUTED)
        before = f"第 {self.page_number} 页 / 共 "
        # The count is a form filled in at the end; centre as if it had as many digits as
        # this page's number (off by a few points at most).
        guess = stringWidth(f"{self.page_number} 页", self.font, HEADER_FONT_SIZE)
        start = (self.width - stringWidth(before, self.font, HEADER_FONT_SIZE) - guess) / 2
        c.drawString(start, MARGIN_BOTTOM / 2, before)
        c.translate(start + stringWidth(before, self.font, HEADER_FONT_SIZE), MARGIN_BOTTOM / 2)
        c.doForm(PAGES_FORM)
        c.restoreState()

    def write_page_count(self) -> None:
        c = self.canvas
        c.beginForm(PAGES_FORM)
        c.setFont(self.font, HEADER_FONT_SIZE)
        c.setFillColor(MUTED)
        c.drawString(0, 0, f"{self.page_number} 页")
        c.endForm()

    def room(self) -> float:
        return self.y - MARGIN_BOTTOM

    # -- rows ----------------------------------------------------------------------------
    def draw_head(self) -> None:
        c = self.canvas
        c.saveState()
        c.setFillColor(HEADER_FILL)
        c.rect(MARGIN_X, self.y - ROW_HEIGHT, self.table_width, ROW_HEIGHT, stroke=0, fill=1)
        c.restoreState()
        self._draw_cells([col.title for col in self.columns], centre=True)

    def _draw_cells(self, texts: Sequence[str], *, centre: bool = False) -> None:
        c = self.canvas
        c.setFont(self.font, FONT_SIZE)
        baseline = self.y - ROW_HEIGHT + (ROW_HEIGHT - FONT_SIZE) / 2 + 1.5
        for column, left, text in zip(self.columns, self.edges, texts, strict=False):
            text = fit_text(str(text), column.width - 2 * PADDING, font=self.font, size=FONT_SIZE)
            if centre:
                c.drawCentredString(left + column.width / 2, baseline, text)
            elif column.right:
                c.drawRightString(left + column.width - PADDING, baseline, text)
            else:
                c.drawString(left + PADDING, baseline, text)
        self.y -= ROW_HEIGHT

    def draw_row(self, values: Sequence[object]) -> None:
        for index in self.totals:
            amount = values[index] if index < len(values) else None
            if isinstance(amount, (int, Decimal)):
                self.totals[index] += amount
                self.grand[index] += amount
        self._draw_cells([_text(v) for v in values])

    def draw_total(self, label: str, sums: dict[int, Decimal]) -> None:
        texts = [""] * len(self.columns)
        texts[0] = label
        for index, amount in sums.items():
            texts[index] = str(amount)
        self._draw_cells(texts)

    def close_grid(self, top: float) -> None:
        """Grid lines of the rows drawn on this page, between ``top`` and ``self.y``."""
        c = self.canvas
        c.saveState()
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        right = MARGIN_X + self.table_width
        y = top
        while y >= self.y - 0.01:
            c.line(MARGIN_X, y, right, y)
            y -= ROW_HEIGHT
        for x in self.edges:
            c.line(x, top, x, self.y)
        c.restoreState()

    # -- other flowables -----------------------------------------------------------------
    def draw_flowable(self, flowable: Flowable) -> float:
        """Draw ``flowable`` at the current height and return the height it took."""
        usable = self.width - 2 * MARGIN_X
        _w, height = flowable.wrapOn(self.canvas, usable, self.room())
        before, after = flowable.getSpaceBefore(), flowable.getSpaceAfter()
        flowable.drawOn(self.canvas, MARGIN_X, self.y - before - height)
        return before + height + after

    def height_of(self, flowables: Sequence[Flowable]) -> float:
        usable = self.width - 2 * MARGIN_X
        return sum(
            f.wrapOn(self.canvas, usable, self.height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
            for f in flowables
        )


def long_table_pdf(
    rows: Iterable[Sequence[object]],
    columns: Sequence[Column],
    *,
    title: str,
    organisation: str,
    subtitle: str = "",
    landscape: bool = False,
    page_totals: Sequence[int] = (),
    closing: Sequence[Flowable] | Callable[[int], Sequence[Flowable]] = (),
    progress: Callable[[int], None] | None = None,
    out: BinaryIO | None = None,
) -> bytes:
    """``rows`` under ``columns`` on A4 (portrait, or landscape), then ``closing`` (a
    count, a signature line: kept together on the last page; a callable gets the number
    of rows printed, so a streamed table need not be counted first). Returns the PDF bytes, or
    writes them to ``out`` and returns ``b""``."""
    pagesize = landscape_size(A4) if landscape else A4
    target = out if out is not None else BytesIO()
    canvas = Canvas(target, pagesize=pagesize, pageCompression=1, lang="zh-CN")
    canvas.setTitle(title)
    canvas.setAuthor(organisation)
    canvas.setSubject(subtitle)
    canvas.setCreator("Shuxiang")
    page = SimpleNamespace(pagesize=pagesize, title=title, author=organisation)
    table = _LongTable(canvas, columns, page=page, totals=page_totals)
    st = styles()
    opening: list[Flowable] = [Paragraph(escape(title), st["title"])]
    if subtitle:
        opening.append(Paragraph(escape(subtitle), st["subtitle"]))
    opening.append(Spacer(1, 6 * mm))

    footer_rows = 1 if page_totals else 0
    table.start_page(opening=opening)
    table.draw_head()
    top = table.y + ROW_HEIGHT
    count = 0
    for values in rows:
        if table.room() < ROW_HEIGHT * (1 + footer_rows):
            if page_totals:
                table.draw_total(PAGE_TOTAL, table.totals)
                table.totals = dict.fromkeys(table.totals, Decimal(0))
            table.close_grid(top)
            table.finish_page()
            table.start_page()
            top = table.y
            table.draw_head()
        table.draw_row(values)
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if page_totals:
        table.draw_total(PAGE_TOTAL, table.totals)
        if table.room() < ROW_HEIGHT:
            table.close_grid(top)
            table.finish_page()
            table.start_page()
            top = table.y
        table.draw_total(GRAND_TOTAL, table.grand)
    table.close_grid(top)
    if callable(closing):
        closing = closing(count)
    if closing:
        table.y -= 4 * mm
        if table.height_of(closing) > table.room():
            table.finish_page()
            table.start_page()
        for flowable in closing:
            table.y -= table.draw_flowable(flowable)
    table.finish_page()
    table.write_page_count()
    canvas.save()
    if progress is not None:
        progress(count)
    return b"" if out is not None else target.getvalue()
