"""The PDF kit: Chinese text survives, the font is embedded, pages are numbered, fonts checked."""

import re
import subprocess

import pytest
from django.core.checks import run_checks
from reportlab.platypus import PageBreak

from reporting import fonts
from reporting.charts import bar_chart, progress_bar
from reporting.pdf import build_pdf, para, table
from tests.tools import require_cjk_font, require_file, require_poppler, require_poppler_cjk

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture(autouse=True)
def fresh_font_cache():
    fonts.clear_cache()
    yield
    fonts.clear_cache()


@pytest.fixture
def no_system_fonts(monkeypatch, settings):
    settings.SHUXIANG_PDF_FONT = None
    monkeypatch.setattr(fonts, "FONT_CANDIDATES", ())


def poppler(tool, pdf, tmp_path, *options, to_stdout=False):
    require_poppler(tool)
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    command = [tool, *options, str(path), *(["-"] if to_stdout else [])]
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


def pdf_text(pdf, tmp_path):
    # -raw keeps the spaces of "第 1 页 / 共 2 页" that layout mode drops at small sizes.
    return poppler("pdftotext", pdf, tmp_path, "-raw", "-enc", "UTF-8", to_stdout=True)


def progress_report():
    story = [
        para("一、总体情况", "heading1"),
        para("本季度共 42 项规划任务，其中 30 项达到序时进度。"),
        bar_chart(["借阅部", "少儿部", "地方文献部"], [85, 60, 112], width=400, value_max=100),
        PageBreak(),
        para("二、任务明细", "heading1"),
        table(
            [
                ["任务名称", "牵头部门", "执行率", "进度"],
                [
                    "推进全民阅读，开展“世界读书日”系列活动",
                    "借阅部",
                    "85%",
                    progress_bar(85, width=80),
                ],
            ],
            col_widths=["45%", "20%", "15%", "20%"],
            align_right_cols=(2,),
        ),
    ]
    return build_pdf(
        story, title="2025 年规划进度报告", organisation="抚州市图书馆", subtitle="第三季度"
    )


def test_pdf_carries_title_and_organisation_in_its_metadata(tmp_path):
    pdf = progress_report()

    assert pdf.startswith(b"%PDF-")
    info = poppler("pdfinfo", pdf, tmp_path)
    assert "2025 年规划进度报告" in info
    assert "抚州市图书馆" in info


def test_chinese_font_is_embedded_when_a_truetype_font_is_installed():
    require_cjk_font()  # without one, PDFs use the STSong-Light fallback

    assert b"/FontFile2" in progress_report()


def test_text_extracts_in_chinese_with_page_numbers(tmp_path):
    text = pdf_text(progress_report(), tmp_path)

    assert "2025 年规划进度报告" in text
    assert "本季度共 42 项规划任务，其中 30 项达到序时进度。" in text
    assert "地方文献部" in text  # chart label
    assert "112%" in text  # value at the bar's end, beyond the 100% scale
    assert "开展“世界读书日”系列活动" in text  # table cell
    assert "第 1 页 / 共 2 页" in text
    assert "第 2 页 / 共 2 页" in text


def test_every_page_has_the_running_header(tmp_path):
    pages = pdf_text(progress_report(), tmp_path).split("\f")[:2]

    for page in pages:
        assert page.startswith("抚州市图书馆 2025 年规划进度报告")


def test_para_shows_markup_characters_as_typed(tmp_path):
    pdf = build_pdf([para("A&B <b>不是粗体</b>")], title="转义", organisation="抚州市图书馆")

    assert "A&B <b>不是粗体</b>" in pdf_text(pdf, tmp_path)


def test_long_table_repeats_its_header_on_every_page(tmp_path):
    rows = [["序号", "任务名称"]] + [[n, f"第 {n} 项任务"] for n in range(1, 121)]
    pdf = build_pdf([table(rows, align_right_cols=(0,))], title="清单", organisation="抚州市图书馆")

    pages = [p for p in pdf_text(pdf, tmp_path).split("\f") if p.strip()]
    assert len(pages) >= 3
    assert all("任务名称" in page for page in pages)
    assert "第 120 项任务" in pages[-1]


def test_landscape_pages_are_wider_than_tall(tmp_path):
    pdf = build_pdf([para("横向")], title="横向表", organisation="抚州市图书馆", landscape=True)

    info = poppler("pdfinfo", pdf, tmp_path)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)


def test_bar_chart_needs_a_value_per_label():
    with pytest.raises(ValueError):
        bar_chart(["借阅部", "少儿部"], [1], width=200)


def test_setting_names_the_font_to_use(settings, monkeypatch):
    require_file(WQY, "wqy-microhei", "apt-get install fonts-wqy-microhei")
    settings.SHUXIANG_PDF_FONT = WQY
    monkeypatch.setattr(fonts, "FONT_CANDIDATES", ())

    assert fonts.font_source() == WQY
    assert fonts.font_is_embedded()


def test_system_check_is_quiet_when_a_font_can_be_embedded():
    require_cjk_font()

    assert run_checks(tags=["reporting"]) == []


def test_system_check_warns_when_only_the_cid_fallback_is_left(no_system_fonts, tmp_path):
    warnings = run_checks(tags=["reporting"])

    assert [w.id for w in warnings] == ["reporting.W001"]
    assert "apt-get install fonts-wqy-microhei" in warnings[0].hint
    assert "SHUXIANG_PDF_FONT" in warnings[0].hint
    assert fonts.cjk_font() == fonts.font_source() == "STSong-Light"
    pdf = build_pdf([para("中文正文")], title="规划进度报告", organisation="抚州市图书馆")
    assert b"/FontFile2" not in pdf
    require_poppler_cjk()  # pdftotext reads the fallback font's text only with its CMaps
    assert "中文正文" in pdf_text(pdf, tmp_path)


def test_system_check_warns_when_the_configured_font_is_unusable(settings, tmp_path):
    bogus = tmp_path / "NotoSansCJK-Regular.ttc"
    bogus.write_bytes(b"OTTO not really a font")
    settings.SHUXIANG_PDF_FONT = str(bogus)

    warnings = run_checks(tags=["reporting"])

    assert "reporting.W002" in [w.id for w in warnings]
    assert fonts.font_source() != str(bogus)
