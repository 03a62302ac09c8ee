"""The asset ledger's papers, on ``reporting/``: a month's depreciation summarised by
account and funding source (.xlsx) for the accountant's voucher; QR label sheets; the
stock-take report (PDF)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.conf import settings
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from governance.people import person_name
from reporting.fonts import cjk_font
from reporting.organisation import organisation_name
from reporting.pdf import build_pdf, para, table
from reporting.spreadsheets import Layout, Sheet, write_xlsx

from .models import Account, Asset, DepreciationRun, StockTake, schedule


def cents(value) -> Decimal:
    """A sum of money to the cent (SQLite sums decimals as floats)."""
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def run_summary(run: DepreciationRun) -> bytes:
    """The run's charges by account (政府会计制度) and funding source, with the cards' original
    value and depreciation at the end of the run's month; a total row. One query."""
    accounts = dict(Account.choices)
    charged, _months = schedule(run.year * 12 + run.month - 1, prefix="asset__")
    rows = (
        run.charges.values("asset__category__account", "asset__funding_source")
        .annotate(
            cards=Count("pk"),
            charge=Sum("amount"),
            original=Sum("asset__original_value"),
            accumulated=Sum(F("asset__carried_depreciation") + charged),
        )
        .order_by("asset__category__account", "asset__funding_source")
    )
    lines, total = [], [0, 0, 0, 0]
    for row in rows:
        values = [row["cards"], *(cents(row[k]) for k in ("charge", "original", "accumulated"))]
        lines.append(
            [str(accounts[row["asset__category__account"]]), row["asset__funding_source"] or "—",
             *values, row["original"] - row["accumulated"]]
        )  # fmt: skip
        total = [a + b for a, b in zip(total, values, strict=True)]
    lines.append([_("Total"), "", *total, total[2] - total[3]])
    header = [
        _("account"),
        _("funding source"),
        _("cards charged"),
        _("depreciation this month (yuan)"),
        _("original value (yuan)"),
        _("accumulated depreciation (yuan)"),
        _("net value (yuan)"),
    ]
    title = str(run)
    layout = Layout(repeat_header=True, page_numbers=True, fit_to_width=True, landscape=True)
    return write_xlsx([Sheet(title, header, lines, layout)])


# A4 label stock of 3 × 8 labels of 70 × 37 mm (a common 24-up sheet), no gaps.
LABEL_COLUMNS, LABEL_ROWS = 3, 8
LABEL_W, LABEL_H = 70 * mm, 37.125 * mm
QR_SIZE = 30 * mm


def label_url(asset: Asset) -> str:
    """What a label's QR code holds: the address of the asset's counting page."""
    path = reverse("assets_label", args=[asset.number])
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def _fit(canvas, text: str, font: str, size: float, width: float) -> str:
    while text and canvas.stringWidth(text, font, size) > width:
        text = text[:-1]
    return text


def label_sheets(assets, *, organisation: str) -> bytes:
    """QR labels for ``assets`` (an iterable, read once), 24 to an A4 sheet: the QR code
    (the asset's page), the organisation, the asset number, name and unit."""
    font = cjk_font()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(_("Asset labels"))
    canvas.setAuthor(organisation)
    page_w, page_h = A4
    left = (page_w - LABEL_COLUMNS * LABEL_W) / 2
    top = page_h - (page_h - LABEL_ROWS * LABEL_H) / 2
    per_page = LABEL_COLUMNS * LABEL_ROWS
    index = -1
    for index, asset in enumerate(assets):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        x = left + (slot % LABEL_COLUMNS) * LABEL_W
        y = top - (slot // LABEL_COLUMNS + 1) * LABEL_H
        code = QrCodeWidget(label_url(asset), barLevel="M")
        x0, y0, x1, y1 = code.getBounds()
        drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0,
                                                       QR_SIZE / (y1 - y0), 0, 0])  # fmt: skip
        drawing.add(code)
        renderPDF.draw(drawing, canvas, x + 2 * mm, y + (LABEL_H - QR_SIZE) / 2)
        text_x = x + QR_SIZE + 4 * mm
        width = LABEL_W - QR_SIZE - 6 * mm
        lines = (
            (organisation, 6.5, 8),
            (asset.number, 9, 14),
            (asset.name, 8, 20),
            (asset.unit.name, 6.5, 25.5),
            (f"{asset.acquired_on:%Y-%m-%d}", 6.5, 30),
        )
        for text, size, down in lines:
            canvas.setFont(font, size)
            canvas.drawString(
                text_x, y + LABEL_H - down * mm, _fit(canvas, text, font, size, width)
            )
    if index < 0:
        canvas.setFont(font, 12)
        canvas.drawString(30 * mm, page_h - 30 * mm, _("No asset to label."))
    canvas.save()
    return buffer.getvalue()


def stocktake_report(stocktake: StockTake) -> bytes:
    """资产盘点报告: the campaign, its lines by result, every difference (missing, found
    elsewhere, not on the books, damaged) with its value, and how it was settled."""
    from .selectors import stocktake_figures  # the same figures as the campaign's page

    page = stocktake_figures(stocktake)
    units = "、".join(str(unit) for unit in page["units"])
    story = [
        para(_("Units counted: %(units)s") % {"units": units}),
        para(_("Counting ends on %(date)s; state: %(state)s.")
             % {"date": f"{stocktake.ends_on:%Y-%m-%d}", "state": stocktake.get_state_display()}),
        para(_("Results"), "heading2"),
        table(
            [[_("result"), _("cards")], *[[label, n] for _v, label, n in page["results"]],
             [_("Total"), page["total"]], [_("of them damaged"), page["damaged"]]],
            col_widths=["70%", "30%"], align_right_cols=[1],
        ),
        para(_("Differences"), "heading2"),
    ]  # fmt: skip
    rows = [[_("asset number"), _("name"), _("unit on the books"), _("location on the books"),
             _("result"), _("where found"), _("condition"), _("value (yuan)")]]  # fmt: skip
    for line in page["differences"]:
        card = line.asset
        value = card.original_value if card else line.value
        rows.append([
            card.number if card else (line.new_asset.number if line.new_asset else "—"),
            card.name if card else line.description, str(line.unit), line.location or "—",
            line.get_result_display(), line.found_location or "—",
            line.get_condition_display(), f"{value:,.2f}" if value is not None else "—",
        ])  # fmt: skip
    if len(rows) == 1:
        story.append(para(_("None: the assets match the books.")))
    else:
        story.append(table(rows, col_widths=["13%", "16%", "15%", "13%", "11%", "13%", "8%",
                                              "11%"], align_right_cols=[7]))  # fmt: skip
    if stocktake.state == StockTake.State.SETTLED:
        story.append(para(
            _("Differences approved by %(person)s on %(date)s (%(reference)s) and booked.")
            % {"person": person_name(stocktake.settled_by),
               "date": f"{stocktake.settled_at:%Y-%m-%d}", "reference": stocktake.approval_ref}
        ))  # fmt: skip
    story.append(
        para(_("Counted by: ________    Asset officer: ________    Approved by: ________"))
    )
    return build_pdf(
        story,
        title=_("Stock-take report"),
        organisation=organisation_name(),
        subtitle=str(stocktake),
    )


def movement_xlsx(year: int, rows: list[dict]) -> bytes:
    """年度固定资产增减变动表 (see ``selectors.movement``) as a spreadsheet."""
    header = [
        _("category"), _("account"), _("opening value"), _("added"), _("disposed of"),
        _("closing value"), _("depreciation of the year"),
        _("accumulated depreciation at the closing"), _("net value at the closing"),
    ]  # fmt: skip
    accounts = dict(Account.choices)
    keys = ("opening", "added", "disposed", "closing", "depreciation", "accumulated", "net")
    body = [
        [str(r["category"]), str(accounts[r["category"].account]), *(r[k] for k in keys)]
        for r in rows
    ]
    total = [_("Total"), "", *(sum((r[k] for r in rows), Decimal(0)) for k in keys)]
    title = _("Fixed-asset movement %(year)s") % {"year": year}
    return write_xlsx(
        [Sheet(title, header, [*body, total], Layout(landscape=True, fit_to_width=True))]
    )


def asset_card_pdf(asset: Asset, events) -> bytes:
    """资产卡片: the card's particulars, its values, its custody history, and its QR code."""
    rows = [
        [_("asset number"), asset.number, _("name"), asset.name],
        [_("category"), str(asset.category), _("model and specification"), asset.model or "—"],
        [_("quantity"), f"{asset.quantity} {asset.measure_unit}", _("value basis"),
         asset.get_value_basis_display()],
        [_("original value (yuan)"), f"{asset.original_value:,.2f}", _("date added"),
         f"{asset.acquired_on:%Y-%m-%d}"],
        [_("accumulated depreciation (yuan)"), f"{asset.accumulated_depreciation:,.2f}",
         _("net value (yuan)"), f"{asset.net_value:,.2f}"],
        [_("useful life (months)"), asset.life_months or "—", _("months depreciated"),
         asset.months_charged],
        [_("funding source"), asset.funding_source or "—", _("supplier"), asset.supplier or "—"],
        [_("invoice number"), asset.invoice or "—", _("status"), asset.get_status_display()],
        [_("unit in custody"), str(asset.unit), _("person in custody"),
         asset.custodian_name or "—"],
        [_("location"), asset.location or "—", _("disposed of on"),
         f"{asset.disposed_on:%Y-%m-%d}" if asset.disposed_on else "—"],
    ]  # fmt: skip
    code = QrCodeWidget(label_url(asset), barLevel="M")
    x0, y0, x1, y1 = code.getBounds()
    size = 28 * mm
    qr = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    qr.add(code)
    story = [table(rows, header_rows=0, col_widths=["20%", "30%", "20%", "30%"]), qr,
             para(_("Custody history"), "heading2")]  # fmt: skip
    history = [[_("date"), _("kind"), _("from"), _("to"), _("state")]]
    history += [
        [f"{e.requested_at:%Y-%m-%d}", e.get_kind_display(), str(e.from_unit), str(e.to_unit),
         e.get_state_display()]
        for e in events
    ]  # fmt: skip
    story.append(table(history) if len(history) > 1 else para(_("No move since it was added.")))
    return build_pdf(story, title=_("Asset card"), organisation=organisation_name(),
                     subtitle=asset.number)  # fmt: skip
