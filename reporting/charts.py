"""Charts for printed documents: bar charts and progress bars as reportlab Drawings.

A ``Drawing`` is a flowable, so the results go straight into a ``build_pdf`` story or a
``table`` cell. Labels use the CJK font; values are written at the end of each bar.
"""

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import cjk_font, fit_text

BAR = colors.HexColor("#3b6ea5")
TRACK = colors.HexColor("#e3e7ec")
MARKER = colors.HexColor("#c0392b")
TEXT = colors.HexColor("#333333")
AXIS = colors.HexColor("#9aa5b1")

ROW_HEIGHT = 16  # points per bar when a horizontal chart's height is left to us


def _formatter(value_format: str | Callable[[float], str]) -> Callable[[float], str]:
    if callable(value_format):
        return value_format
    return value_format.format


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: float,
    height: float | None = None,
    value_max: float | None = None,
    horizontal: bool = True,
    value_format: str | Callable[[float], str] = "{:.0f}%",
    color: colors.Color = BAR,
    font_size: float = 8,
) -> Drawing:
    """One bar per label, the value written at the bar's end; sizes in points.

    Horizontal charts list the labels top to bottom in the given order; ``height`` defaults
    to ``ROW_HEIGHT`` per bar. The scale runs from 0 to ``value_max`` (default: the largest
    value); a bar longer than ``value_max`` (an execution rate over 100%) is drawn full length
    but labelled with its real value. ``value_format`` is a ``str.format`` pattern or a
    function of the value.
    """
    if len(labels) != len(values):
        raise ValueError("bar_chart() needs as many labels as values")
    values = [float(v or 0) for v in values]
    if height is None:
        height = ROW_HEIGHT * max(len(values), 1) + 8 if horizontal else 160
    drawing = Drawing(width, height)
    font = cjk_font()
    if not values:
        drawing.add(
            String(
                width / 2,
                height / 2,
                _("No data"),
                fontName=font,
                fontSize=font_size,
                fillColor=TEXT,
                textAnchor="middle",
            )
        )
        return drawing

    fmt = _formatter(value_format)
    texts = [fmt(v) for v in values]
    top = value_max if value_max is not None else max(max(values), 0) or 1
    clipped = [min(max(v, 0), top) for v in values]
    value_room = max(stringWidth(t, font, font_size) for t in texts) + 6

    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.data = [clipped]
    chart.bars[0].fillColor = color
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.visible = False
    chart.categoryAxis.strokeColor = AXIS
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = font_size
    chart.categoryAxis.labels.fillColor = TEXT
    chart.barLabelFormat = "values"
    chart.barLabelArray = [texts]
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = font_size
    chart.barLabels.fillColor = TEXT
    chart.groupSpacing = 4 if horizontal else 8

    if horizontal:
        label_room = min(max(stringWidth(t, font, font_size) for t in labels), width * 0.4)
        chart.categoryAxis.categoryNames = [
            fit_text(str(t), label_room, size=font_size, font=font) for t in labels
        ]
        chart.categoryAxis.reverseDirection = True  # first label on top
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -3
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        chart.x = label_room + 6
        chart.y = 4
        chart.width = max(width - chart.x - value_room, 10)
        chart.height = height - 8
    else:
        slot = (width - 8) / len(values)
        widest = max(stringWidth(t, font, font_size) for t in labels)
        slanted = widest > slot - 4
        label_room = min(widest * 0.5 + font_size, height * 0.4) if slanted else font_size + 6
        chart.categoryAxis.categoryNames = [
            fit_text(str(t), label_room * 2 if slanted else slot, size=font_size, font=font)
            for t in labels
        ]
        chart.categoryAxis.labels.boxAnchor = "ne" if slanted else "n"
        chart.categoryAxis.labels.angle = 30 if slanted else 0
        chart.categoryAxis.labels.dy = -3
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 2
        chart.x = 4
        chart.y = label_room + 2
        chart.width = width - 8
        chart.height = max(height - chart.y - font_size - 6, 10)
    drawing.add(chart)
    return drawing


def progress_bar(
    value: float,
    *,
    width: float,
    height: float = 12,
    value_max: float = 100,
    value_format: str | Callable[[float], str] = "{:.0f}%",
    marker: float | None = None,
    color: colors.Color = BAR,
    font_size: float = 8,
) -> Drawing:
    """A single bar on a grey track with its value on the right, e.g. for a table cell.

    ``marker`` draws a thin red line at that value, such as the time schedule (序时进度)
    against which the execution rate is read.
    """
    font = cjk_font()
    text = _formatter(value_format)(float(value or 0))
    text_room = stringWidth(text, font, font_size) + 4
    track = max(width - text_room, 10)
    bar_height = min(height, font_size + 2)
    y = (height - bar_height) / 2

    def scaled(v: float) -> float:
        return track * min(max(float(v or 0) / value_max, 0), 1) if value_max else 0

    drawing = Drawing(width, height)
    drawing.add(Rect(0, y, track, bar_height, fillColor=TRACK, strokeColor=None))
    drawing.add(Rect(0, y, scaled(value), bar_height, fillColor=color, strokeColor=None))
    if marker is not None:
        x = scaled(marker)
        drawing.add(Line(x, 0, x, height, strokeColor=MARKER, strokeWidth=1.2))
    drawing.add(
        String(
            track + 4,
            y + (bar_height - font_size) / 2 + 1.5,
            text,
            fontName=font,
            fontSize=font_size,
            fillColor=TEXT,
        )
    )
    return drawing
