"""Excel export and import: round trip, clear errors for wrong files, row numbers for messages."""

import datetime
import io
import os
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from reporting.spreadsheets import SpreadsheetError, read_csv, read_table, read_xlsx, write_xlsx


@pytest.fixture(autouse=True)
def english():
    """These tests read the English messages; one test below checks the Chinese ones."""
    with translation.override("en"):
        yield


COLUMNS = {
    "任务名称": "name",
    "牵头部门": "unit",
    "预算金额（元）": "amount",
    "完成日期": "done_on",
}


def workbook_bytes(rows, title="导入"):
    """An .xlsx typed by hand, row by row (None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_round_trip_keeps_chinese_text_amounts_and_dates():
    updated = datetime.datetime(2025, 3, 31, 16, 30, tzinfo=datetime.UTC)
    data = write_xlsx(
        [
            (
                "规划任务",
                ["任务名称", "牵头部门", "预算金额（元）", "完成日期", "更新时间"],
                [
                    [
                        "开展“世界读书日”系列活动",
                        "借阅部",
                        Decimal("12345.50"),
                        datetime.date(2025, 4, 23),
                        updated,
                    ],
                    ["绘本馆改造", "少儿部", Decimal("800"), None, None],
                ],
            )
        ]
    )

    rows = read_xlsx(data, columns={**COLUMNS, "更新时间": "updated_at"})

    assert [r["name"] for r in rows] == ["开展“世界读书日”系列活动", "绘本馆改造"]
    assert Decimal(str(rows[0]["amount"])) == Decimal("12345.50")
    assert rows[0]["done_on"] == datetime.datetime(2025, 4, 23)
    # 16:30 UTC is half past midnight the next day in Shanghai.
    assert rows[0]["updated_at"] == datetime.datetime(2025, 4, 1, 0, 30)
    assert rows[1]["done_on"] is None
    assert [r["_row"] for r in rows] == [2, 3]


def test_export_is_ready_to_filter_and_read():
    data = write_xlsx(
        [
            (
                "规划任务",
                ["任务名称", "金额", "日期"],
                [["推进全民阅读推广工作", Decimal("1.50"), datetime.date(2025, 1, 2)]],
            ),
            ("公式?", ["备注"], [['=HYPERLINK("http://example.com")']]),
        ]
    )

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    tasks = workbook["规划任务"]
    assert tasks["A1"].font.bold
    assert tasks.freeze_panes == "A2"
    assert tasks.column_dimensions["A"].width >= 2 * len("推进全民阅读推广工作")
    assert tasks["B2"].data_type == "n"
    assert tasks["B2"].number_format == "0.00"
    assert tasks["C2"].is_date
    notes = workbook["公式_"]
    assert notes["A2"].data_type == "s"
    assert notes["A2"].value == '=HYPERLINK("http://example.com")'


def test_a_word_document_is_refused_with_a_clear_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(SpreadsheetError, match=r"not an Excel workbook \(\.xlsx\)"):
        read_xlsx(buffer.getvalue(), columns=COLUMNS)


@pytest.mark.parametrize(
    "data", [os.urandom(2048), b"PK\x03\x04 truncated zip", b"\xd0\xcf\x11\xe0 old .xls"]
)
def test_random_bytes_are_refused_with_a_clear_message(data):
    with pytest.raises(SpreadsheetError, match=r"not an Excel workbook \(\.xlsx\)"):
        read_xlsx(data, columns=COLUMNS)


def test_spreadsheet_error_is_a_value_error():
    with pytest.raises(ValueError, match="empty"):
        read_xlsx(b"", columns=COLUMNS)


def test_missing_headers_are_named():
    data = workbook_bytes([["任务名称", "预算金额（元）"], ["绘本馆改造", 800]])

    with pytest.raises(SpreadsheetError) as error:
        read_xlsx(data, columns=COLUMNS)

    assert "“牵头部门”、“完成日期”" in str(error.value)
    assert "“任务名称”" not in str(error.value)


def test_optional_header_may_be_absent():
    data = workbook_bytes(
        [["任务名称", "牵头部门", "预算金额（元）"], ["绘本馆改造", "少儿部", 800]]
    )

    rows = read_xlsx(data, columns=COLUMNS, optional=["完成日期"])

    assert rows == [
        {
            "_row": 2,
            "_absent": frozenset({"done_on"}),
            "name": "绘本馆改造",
            "unit": "少儿部",
            "amount": 800,
            "done_on": None,
        }
    ]


def test_blank_rows_are_skipped_and_row_numbers_match_excel():
    data = workbook_bytes(
        [
            ["2025 年规划任务导入表"],  # a title above the header
            [],
            [" 任务名称 ", "牵头部门", "预算金额(元)", "完成日期", "备注"],  # spaces, half-width ()
            ["绘本馆改造", "少儿部", 800, None, None],
            ["  ", None, None, None, "只有备注的行"],
            [],
            ["古籍普查", " 地方文献部 ", 1200.5, datetime.datetime(2025, 6, 30), None],
        ]
    )

    rows = read_xlsx(data, columns=COLUMNS)

    assert [(r["_row"], r["name"], r["unit"]) for r in rows] == [
        (4, "绘本馆改造", "少儿部"),
        (7, "古籍普查", "地方文献部"),
    ]


def test_empty_sheet_is_refused():
    with pytest.raises(SpreadsheetError, match="“导入” is empty"):
        read_xlsx(workbook_bytes([]), columns=COLUMNS)


def test_header_without_data_rows_is_refused():
    data = workbook_bytes([list(COLUMNS), [None, "  "]])

    with pytest.raises(SpreadsheetError, match="no data rows"):
        read_xlsx(data, columns=COLUMNS)


def test_sheet_is_chosen_by_name():
    data = write_xlsx(
        [
            ("说明", ["说明"], [["请填写第二张表"]]),
            ("任务", list(COLUMNS), [["古籍普查", "地方文献部", 1, None]]),
        ]
    )

    assert read_xlsx(data, columns=COLUMNS, sheet="任务")[0]["name"] == "古籍普查"
    with pytest.raises(SpreadsheetError, match="no sheet named “预算”.*说明、任务"):
        read_xlsx(data, columns=COLUMNS, sheet="预算")


def test_messages_are_in_chinese_for_chinese_users():
    with (
        translation.override("zh-hans"),
        pytest.raises(SpreadsheetError, match="不是 Excel 工作簿"),
    ):
        read_xlsx(b"not a workbook at all", columns={"名称": "name"})


CSV_TEXT = (
    "任务名称,牵头部门,预算金额（元）,完成日期\n"
    "绘本馆改造,少儿部,800,\n"
    "\n"
    "古籍普查, 地方文献部 ,1200.5,2025-06-30\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_from_excel_reads_like_a_workbook_in_utf8_or_gbk(encoding):
    rows = read_csv(CSV_TEXT.encode(encoding), columns=COLUMNS)

    assert [(r["_row"], r["name"], r["unit"], r["amount"], r["done_on"]) for r in rows] == [
        (2, "绘本馆改造", "少儿部", "800", None),
        (4, "古籍普查", "地方文献部", "1200.5", "2025-06-30"),
    ]


def test_csv_with_semicolons_or_quoted_line_breaks_is_read():
    text = '任务名称;牵头部门;预算金额（元）;完成日期\n"绘本馆\n改造";少儿部;800;\n'

    (row,) = read_csv(text.encode(), columns=COLUMNS)

    assert (row["name"], row["unit"]) == ("绘本馆\n改造", "少儿部")


def test_csv_names_missing_headers_with_the_file_name():
    with pytest.raises(SpreadsheetError, match="“完成日期”.*“任务.csv”"):
        read_csv("任务名称,牵头部门,预算金额（元）\n".encode(), columns=COLUMNS, name="任务.csv")


def test_a_workbook_renamed_to_csv_is_refused():
    with pytest.raises(SpreadsheetError, match="not a CSV"):
        read_csv(workbook_bytes([list(COLUMNS)]), columns=COLUMNS)


def test_read_table_goes_by_the_extension():
    data = write_xlsx([("任务", list(COLUMNS), [["古籍普查", "地方文献部", 1, None]])])

    assert read_table("任务.XLSX", data, columns=COLUMNS)[0]["amount"] == 1
    assert read_table("任务.csv", CSV_TEXT.encode(), columns=COLUMNS)[0]["amount"] == "800"
    with pytest.raises(SpreadsheetError, match="“.xls” cannot be read"):
        read_table("任务.xls", data, columns=COLUMNS)


def test_csv_is_held_to_the_same_limits(settings):
    settings.SHUXIANG_XLSX_MAX_ROWS = 2

    with pytest.raises(SpreadsheetError, match="more than 2 rows"):
        read_csv(CSV_TEXT.encode(), columns=COLUMNS)
    settings.SHUXIANG_XLSX_MAX_UNPACKED_BYTES = 10
    with pytest.raises(SpreadsheetError, match="more than the 10"):
        read_csv(CSV_TEXT.encode(), columns=COLUMNS)


def test_a_table_that_starts_off_the_corner_keeps_excels_row_numbers_and_value_types():
    data = workbook_bytes(
        [
            [],
            [],
            [None, None, "任务名称", "牵头部门", "预算金额（元）", "完成日期"],
            [None, None, "阅读推广", "借阅部", 10, datetime.date(2025, 6, 30)],
            [None, None, "古籍修复", "采编部", 10.5, datetime.datetime(2025, 7, 1, 9, 30)],
        ]
    )
    first, second = read_xlsx(data, columns=COLUMNS)
    assert first["_row"] == 4 and second["_row"] == 5
    assert first["amount"] == 10 and type(first["amount"]) is int
    assert second["amount"] == 10.5
    assert first["done_on"] == datetime.datetime(2025, 6, 30)
    assert second["done_on"] == datetime.datetime(2025, 7, 1, 9, 30)
