"""The shared spreadsheet writer streams: rows from a generator, widths from the first rows,
styles and print settings declared per sheet — all in openpyxl's write-only mode."""

import datetime
import io
import tracemalloc
from decimal import Decimal

import openpyxl
from openpyxl.worksheet.datavalidation import DataValidation

from reporting.spreadsheets import MAX_WIDTH, SAMPLE_ROWS, Layout, Row, Sheet, write_xlsx


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def people(count: int):
    """Rows made on demand, as a queryset's ``iterator()`` gives them."""
    for n in range(1, count + 1):
        yield [f"S{n:05d}", f"职工{n}", "T-A 借阅部", datetime.date(2020, 1, 1), Decimal("12.50")]


HEADER = ["工号", "姓名", "所在单位", "入职日期", "学时"]


def test_rows_from_a_generator_come_out_in_order_with_their_types():
    sheet = load(write_xlsx([("职工", HEADER, people(1_000))])).active

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADER)
    assert len(rows) == 1_001
    assert rows[1_000] == ("S01000", "职工1000", "T-A 借阅部", datetime.datetime(2020, 1, 1), 12.5)
    assert sheet["D1001"].is_date and sheet["E1001"].number_format == "0.00"
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E1001"


def test_memory_does_not_grow_with_the_rows_written():
    def peak(count: int) -> int:
        tracemalloc.start()
        try:
            write_xlsx([("职工", HEADER, people(count))])
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    few, many = peak(2_000), peak(20_000)
    # A workbook kept in memory holds every cell (100,000 here, some hundred bytes
    # each); the write-only sheet holds one row, and the finished file is a few hundred KB.
    assert many < few + 4 * 1024 * 1024, f"{few:,} bytes for 2,000 rows, {many:,} for 20,000"


def test_widths_fit_the_header_and_the_first_rows_only():
    long_text = "推进全民阅读推广工作" * 2  # 40 columns wide
    sample = [["借阅部", "短"] for _ in range(SAMPLE_ROWS - 1)] + [[long_text, "短"]]
    later = [["借阅部", "x" * 500]]  # past the sample: does not widen its column

    sheet = load(write_xlsx([("部门", ["部门名称", "备注"], iter(sample + later))])).active

    assert sheet.column_dimensions["A"].width == 40 + 2
    assert sheet.column_dimensions["B"].width == len("备注") * 2 + 2
    assert sheet["B202"].value == "x" * 500
    capped = load(write_xlsx([("长", ["说明"], [["字" * 200]])])).active
    assert capped.column_dimensions["A"].width == MAX_WIDTH


def test_layout_wraps_fills_and_prints_on_a4_landscape():
    layout = Layout(
        widths={1: 60},
        wrap=(1,),
        align_top=True,
        landscape=True,
        fit_to_width=True,
        repeat_header=True,
        page_numbers=True,
    )
    rows = [Row(["1.", "逾期任务", None], fill="FDE2E1"), ["2.", "按时任务", 3]]

    sheet = load(write_xlsx([Sheet("跟踪表", ["编号", "任务", "分值"], rows, layout)])).active

    assert sheet.column_dimensions["B"].width == 60
    assert sheet["B2"].alignment.wrap_text and sheet["B2"].alignment.vertical == "top"
    assert sheet["A3"].alignment.vertical == "top" and not sheet["A3"].alignment.wrap_text
    assert {c.fill.fgColor.rgb[-6:] for c in sheet[2]} == {"FDE2E1"}  # the empty cell too
    assert sheet["A3"].fill.fill_type is None
    assert not sheet["A1"].alignment.wrap_text and sheet["A1"].fill.fill_type is None
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddFooter.center.text == "第 &P 页 / 共 &N 页"


def test_layout_adds_drop_down_lists():
    check = DataValidation(type="list", formula1="'部门'!$A$2:$A$3", allow_blank=True)
    check.add("B2:B50")

    book = load(
        write_xlsx(
            [
                Sheet(
                    "分配", ["任务", "牵头部门"], [["古籍普查", None]], Layout(validations=[check])
                ),
                ("部门", ["部门"], [["借阅部"], ["少儿部"]]),
            ]
        )
    )

    (found,) = book["分配"].data_validations.dataValidation
    assert (found.type, found.formula1, str(found.sqref)) == ("list", "'部门'!$A$2:$A$3", "B2:B50")
