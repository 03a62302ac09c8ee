"""Citizens on the public site in a real browser: one finds the 2025 annual report through
the navigation and through search, and downloads its PDF; another finds a budget
disclosure by category and year."""

from pathlib import Path

import pytest

from demo.loaders import load_demo

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
REPORT = "抚州市图书馆2025年度事业单位法人年度报告"


def test_a_citizen_finds_the_annual_report_and_a_budget_disclosure(live_server, page):
    load_demo()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Through the navigation.
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="年度报告").click()
    page.get_by_role("link", name=REPORT).click()
    page.wait_for_selector(f"h1:has-text('{REPORT}')")
    assert "开展业务活动情况" in page.content()

    # Through search, with a Chinese word from the report's text.
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="站内搜索").fill("通借通还")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_selector("text=相关的结果")
    assert page.locator("mark", has_text="通借通还").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "public-search.png"), full_page=True)
    page.get_by_role("link", name=REPORT).click()
    page.wait_for_selector(f"h1:has-text('{REPORT}')")

    # The PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载2025年度报告（PDF）").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename == "annual-report-2025.pdf"

    # Another citizen: the disclosures, the budget category, the year.
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="信息公开").click()
    page.get_by_label("类别", exact=True).select_option(label="预算决算")
    page.get_by_label("年度", exact=True).select_option("2025")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/disclosure/?category=04&year=2025")
    page.screenshot(path=str(SCREENSHOTS / "public-disclosures.png"), full_page=True)
    page.get_by_role("link", name="抚州市图书馆2025年部门预算公开").click()
    page.wait_for_selector("text=2025年度部门预算")
    assert "财政拨款" in page.content() and "索引号" in page.content()
    # Keyboard users reach the content past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
