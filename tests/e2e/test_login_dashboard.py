"""A department head logs in through the real login page and sees the Chinese dashboard."""

from pathlib import Path

import pytest

from demo.loaders import load_demo

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized rollback puts Wagtail's root page,
    # site and locale back for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_head1_logs_in_and_sees_chinese_dashboard(live_server, page):
    load_demo()
    page.goto(f"{live_server.url}/admin/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("input[name=username]", "head1")
    page.fill("input[name=password]", "shuxiang-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    panel = page.get_by_test_id("my-access")
    assert "我的角色与负责单位" in panel.inner_text()
    assert "部门负责人" in panel.inner_text()
    assert "借阅部" in panel.inner_text()
    # The menu offers the org tree (their units) but not the site's pages or user admin.
    menu = page.locator("#wagtail-sidebar").inner_text()
    assert "组织机构" in menu
    assert "用户" not in menu
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "head1-dashboard.png"), full_page=True)
    # Their plan view lists their unit's items with a button to report on each one still
    # open (the demo leaves one owed in 2025 Q4).
    page.goto(f"{live_server.url}/admin/plan/dashboard/")
    assert "本部门条目" in page.content()
    page.get_by_role("link", name="报送进度").first.click()
    page.wait_for_selector("text=报送审核")
    page.screenshot(path=str(SCREENSHOTS / "head1-report-form.png"), full_page=True)
