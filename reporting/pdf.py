"""PDF kit for every printed document: A4 page template, CJK paragraph styles, tables.

A document is a list of reportlab flowables handed to ``build_pdf``::

    from reporting.charts import bar_chart
    from reporting.pdf import build_pdf, para, table

    story = [
        para("一、总体进度", "heading1"),
        para("本季度共有 42 项任务按序时推进。"),
        table([["任务", "牵头部门", "执行率"], ["数字阅读推广", "借阅部", "85%"]],
              col_widths=["50%", "30%", "20%"], align_right_cols=(2,)),
        bar_chart(["借阅部", "少儿部"], [85, 60], width=400, height=80, value_max=100),
    ]
    pdf_bytes = build_pdf(story, title="规划进度报告", organisation="抚州市图书馆")

Every page gets a header (organisation left, title right, a rule) and a footer
"第 N 页 / 共 M 页"; the first page starts with the title (and subtitle) in large type.
All text uses the CJK font from ``reporting.fonts`` with ``wordWrap="CJK"`` so long Chinese
lines break between any two characters.
"""

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import cjk_font, fit_text

# Page furniture of official documents is Chinese whatever the UI language: these papers are
# filed with the board and the finance bureau.
PAGE_FOOTER = "第 {page} 页 / 共 {pages} 页"

MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm  # room for the running header
MARGIN_BOTTOM = 18 * mm  # room for the footer
HEADING_ROOM = 25 * mm  # a heading starts a new page unless this much space is left
HEADER_FONT_SIZE = 8.5
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
GRID = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#e6ebf1")


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the CJK font, by name.

    ``title``, ``subtitle``, ``heading1``, ``heading2``, ``body``, ``small``, and for tables
    ``cell``, ``cell_right`` (numbers) and ``cell_header``. A fresh dict each call, so a caller
    may tweak a style without affecting other documents.
    """
    font = cjk_font()

    def style(name: str, size: float, leading: float, **kwargs: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kwargs
        )

    return {
        "title": style("title", 18, 25, alignment=TA_CENTER, spaceAfter=4),
        "subtitle": style("subtitle", 10, 15, alignment=TA_CENTER, textColor=MUTED),
        # No keepWithNext: reportlab would glue the heading to a whole long table and push
        # both to the next page; build_pdf puts a CondPageBreak before headings instead.
        "heading1": style("heading1", 14, 20, spaceBefore=12, spaceAfter=6),
        "heading2": style("heading2", 12, 17, spaceBefore=8, spaceAfter=4),
        # 10.5 pt is 五号, the usual body size of Chinese official documents.
        "body": style("body", 10.5, 16, spaceAfter=4),
        "small": style("small", 8.5, 12, textColor=MUTED),
        "cell": style("cell", 9, 12),
        "cell_right": style("cell_right", 9, 12, alignment=TA_RIGHT),
        "cell_header": style("cell_header", 9, 12, alignment=TA_CENTER),
    }


def para(text: object, style: str | ParagraphStyle = "body") -> Paragraph:
    """A Paragraph of plain text: &, < and > are escaped, newlines become line breaks.

    For reportlab markup (``<b>``, ``<font>``) build a ``Paragraph`` with ``styles()`` directly.
    """
    if isinstance(style, str):
        style = styles()[style]
    markup = escape("" if text is None else str(text)).replace("\n", "<br/>")
    return Paragraph(markup, style)


def table(
    rows: Sequence[Sequence[object]],
    *,
    col_widths: Sequence[float | str] | None = None,
    header_rows: int = 1,
    align_right_cols: Iterable[int] = (),
    plain: bool = False,
) -> Table:
    """A gridded table whose header rows are shaded and repeated on every page.

    Cells are wrapped in Paragraphs so long Chinese text wraps; a cell that is already a
    flowable (a Paragraph, a chart, a ``progress_bar``) is used as is, ``None`` is blank.
    ``col_widths`` are points or reportlab's percentage strings (``"40%"``) of the frame
    width; by default the columns share the width equally. Columns in ``align_right_cols``
    (0-based) are right-aligned below the header, for amounts and rates.

    ``plain`` is for a table that may run to thousands of rows: the body's cells are one
    line of text each, cut with "…" to their column (``col_widths`` in points), with no
    Paragraph per cell — a fraction of the time and memory.
    """
    if not rows:
        raise ValueError("table() needs at least one row")
    if plain:
        return _plain_table(rows, col_widths, header_rows, set(align_right_cols))
    st = styles()
    right = set(align_right_cols)

    def style_of(r: int, c: int) -> ParagraphStyle:
        if r < header_rows:
            return st["cell_header"]
        return st["cell_right"] if c in right else st["cell"]

    columns = max(len(row) for row in rows)
    data = [  # short rows are padded: reportlab wants a rectangle
        [_cell(row[c] if c < len(row) else None, style_of(r, c)) for c in range(columns)]
        for r, row in enumerate(rows)
    ]
    if col_widths is None:
        col_widths = [f"{100 / columns:.3f}%"] * columns
    return _gridded(data, col_widths, header_rows)


def _gridded(data: list, col_widths, header_rows: int, extra: Iterable[tuple] = ()) -> Table:
    """``data`` in the grid every table of ours has: shaded header rows repeated on
    every page, cells padded and centred vertically; ``extra`` table-style commands."""
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    return Table(
        data,
        colWidths=list(col_widths),
        repeatRows=header_rows,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _plain_table(rows, col_widths, header_rows: int, right: set[int]) -> Table:
    if col_widths is None or any(isinstance(w, str) for w in col_widths):
        raise ValueError("a plain table needs its column widths in points")
    st = styles()
    font, size = cjk_font(), st["cell"].fontSize
    columns = len(col_widths)
    data = []
    for r, row in enumerate(rows):
        if r < header_rows:
            data.append(
                [_cell(row[c] if c < len(row) else None, st["cell_header"]) for c in range(columns)]
            )
            continue
        cells = []
        for c in range(columns):
            value = row[c] if c < len(row) else None
            text = "" if value is None else " ".join(str(value).split())
            cells.append(fit_text(text, col_widths[c] - 8, font=font, size=size))
        data.append(cells)
    body = [
        ("FONT", (0, header_rows), (-1, -1), font, size),
        *(("ALIGN", (c, header_rows), (c, -1), "RIGHT") for c in right),
    ]
    return _gridded(data, col_widths, header_rows, body)


def _cell(value: object, style: ParagraphStyle) -> Flowable:
    if isinstance(value, Flowable):
        return value
    return para(value, style)


class NumberedCanvas(Canvas):
    """Holds every page until the end so the footer can say how many pages there are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_states: list[dict] = []

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._page_states)
        for state in self._page_states:
            self.__dict__.update(state)
            self._draw_footer(pages)
            super().showPage()
        super().save()

    def _draw_footer(self, pages: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(cjk_font(), HEADER_FONT_SIZE)
        self.setFillColor(MUTED)
        text = PAGE_FOOTER.format(page=self._pageNumber, pages=pages)
        self.drawCentredString(width / 2, MARGIN_BOTTOM / 2, text)
        self.restoreState()


def _draw_header(canvas: Canvas, doc: BaseDocTemplate) -> None:
    width, height = doc.pagesize
    font = cjk_font()
    usable = width - 2 * MARGIN_X
    baseline = height - MARGIN_TOP + 7 * mm
    organisation = fit_text(doc.author or "", usable * 0.45, size=HEADER_FONT_SIZE, font=font)
    title = fit_text(doc.title or "", usable * 0.53, size=HEADER_FONT_SIZE, font=font)
    canvas.saveState()
    canvas.setFont(font, HEADER_FONT_SIZE)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN_X, baseline, organisation)
    canvas.drawRightString(width - MARGIN_X, baseline, title)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, baseline - 2 * mm, width - MARGIN_X, baseline - 2 * mm)
    canvas.restoreState()


def _keep_headings_with_text(story: Iterable[Flowable]) -> list[Flowable]:
    """Insert a conditional page break before each heading so none ends a page."""
    result: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, Paragraph) and flowable.style.name.startswith("heading"):
            result.append(CondPageBreak(HEADING_ROOM))
        result.append(flowable)
    return result


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    organisation: str,
    subtitle: str = "",
    landscape: bool = False,
    running_header: bool = True,
) -> bytes:
    """Lay out ``story`` on A4 (portrait, or landscape) and return the PDF bytes.

    ``title`` opens the first page and, with ``organisation``, runs in every page header
    and the PDF metadata (title, author); ``subtitle`` (period, date of issue…) goes under
    the title and into the metadata subject. An official form (``running_header=False``)
    has no running header: its title and grid start at the top of the page.
    """
    pagesize = landscape_size(A4) if landscape else A4
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP if running_header else MARGIN_BOTTOM,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=organisation,
        subject=subtitle,
        creator="Shuxiang",
        lang="zh-CN",
        initialFontName=cjk_font(),
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    furniture = {"onPage": _draw_header} if running_header else {}
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], **furniture)])
    st = styles()
    opening: list[Flowable] = [Paragraph(escape(title), st["title"])]
    if subtitle:
        opening.append(Paragraph(escape(subtitle), st["subtitle"]))
    opening.append(Spacer(1, 6 * mm))
    doc.build(opening + _keep_headings_with_text(story), canvasmaker=NumberedCanvas)
    return buffer.getvalue()
