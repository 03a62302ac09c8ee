"""Long tables: every row on paper, one line each, heads repeated on every page, page
numbers with the total, page and grand totals, the closing lines after the last row."""

import re
from decimal import Decimal

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from reporting.fonts import fit_text as fit
from reporting.long_tables import Column, long_table_pdf
from reporting.pdf import para
from tests.reporting.test_pdf import pdf_text
from tests.tools import require_cjk_font

COLUMNS = [
    Column("编号", 30 * mm),
    Column("名称", 70 * mm),
    Column("原值（元）", 40 * mm, right=True),
]


def ledger(count: int, *, value: str = "1000.25"):
    return ([f"A{i:05d}", f"台式计算机{i}", Decimal(value)] for i in range(count))


def pages_of(text: str) -> list[str]:
    return text.split("\f")[:-1]


def test_every_row_is_printed_once_with_heads_and_page_numbers_on_every_page(tmp_path):
    require_cjk_font()
    done = []
    pdf = long_table_pdf(
        ledger(130),
        COLUMNS,
        title="资产台账",
        organisation="书香测试馆",
        subtitle="截至 2026-11-30",
        closing=[para("共 130 件。")],
        progress=done.append,
    )
    text = pdf_text(pdf, tmp_path)
    pages = pages_of(text)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "书香测试馆" in page and "编号" in page and "原值（元）" in page
        assert f"第 {number} 页 / 共 {len(pages)} 页" in page
    assert re.findall(r"A\d{5}", text) == [f"A{i:05d}" for i in range(130)]
    assert "共 130 件。" in pages[-1]
    assert done[-1] == 130


def test_page_totals_and_the_grand_total_add_up(tmp_path):
    require_cjk_font()
    pdf = long_table_pdf(
        ledger(100), COLUMNS, title="资产台账", organisation="书香测试馆", page_totals=(2,)
    )
    text = pdf_text(pdf, tmp_path)
    page_sums = [Decimal(v) for v in re.findall(r"本页合计\s+([\d.]+)", text)]
    assert len(page_sums) == len(pages_of(text)) >= 2
    assert sum(page_sums) == Decimal("100025.00")
    assert re.search(r"(?<!本页)合计\s+100025\.00", text)


def test_a_long_cell_is_cut_short_on_its_line_not_wrapped(tmp_path):
    require_cjk_font()
    rows = [["A00001", "数字资源部信息技术中心机房精密空调" * 5, Decimal(1)]]
    text = pdf_text(
        long_table_pdf(rows, COLUMNS, title="资产台账", organisation="书香测试馆"), tmp_path
    )
    line = next(line for line in text.splitlines() if "A00001" in line)
    assert "…" in line and "1" in line


def test_blank_cells_show_a_dash(tmp_path):
    require_cjk_font()
    rows = [["A00001", None, ""]]
    text = pdf_text(
        long_table_pdf(rows, COLUMNS, title="资产台账", organisation="书香测试馆"), tmp_path
    )
    assert re.search(r"A00001\s+—\s+—", text)


def test_columns_wider_than_the_page_are_refused():
    wide = [Column("名称", 200 * mm)]
    with pytest.raises(ValueError, match="mm wide"):
        long_table_pdf([], wide, title="资产台账", organisation="书香测试馆")


def test_an_empty_table_still_prints_its_heads_and_closing_lines(tmp_path):
    require_cjk_font()
    pdf = long_table_pdf(
        [], COLUMNS, title="资产台账", organisation="书香测试馆", closing=[para("共 0 件。")]
    )
    text = pdf_text(pdf, tmp_path)
    assert "编号" in text and "共 0 件。" in text and "第 1 页 / 共 1 页" in text


def test_fit_cuts_to_the_width_and_keeps_what_fits():
    require_cjk_font()
    from reporting.fonts import cjk_font

    font = cjk_font()
    assert fit("借阅部", 100, font=font, size=9) == "借阅部"
    cut = fit("借阅部" * 20, 60, font=font, size=9)
    assert cut.endswith("…") and stringWidth(cut, font, 9) <= 60
    assert stringWidth(cut[:-1] + "借…", font, 9) > 60  # not one character more would fit


def test_a_plain_table_prints_one_cut_line_per_cell(tmp_path):
    from reporting.pdf import build_pdf, table

    require_cjk_font()
    rows = [["任务", "牵头部门"]] + [
        ["推进全民阅读，开展世界读书日系列活动并建设城市书房" * 3, f"借阅部{i}"] for i in range(300)
    ]
    pdf = build_pdf(
        [table(rows, col_widths=[60 * mm, 30 * mm], plain=True)],
        title="进度报告",
        organisation="书香测试馆",
    )
    text = pdf_text(pdf, tmp_path)
    assert "任务" in text and "借阅部299" in text
    line = next(line for line in text.splitlines() if "借阅部7" in line)
    assert "…" in line


def test_a_plain_table_needs_its_widths_in_points():
    from reporting.pdf import table

    with pytest.raises(ValueError, match="points"):
        table([["a"], ["b"]], col_widths=["100%"], plain=True)
