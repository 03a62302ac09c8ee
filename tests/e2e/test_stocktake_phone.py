"""A counter counts a stock-take on a phone: opens each label's URL (what its QR code
holds), signs in, and marks one asset found where the books say and another found
elsewhere and damaged — in Chromium with a phone-sized viewport."""

import datetime as dt
import importlib
from pathlib import Path

import pytest

from assets.documents import label_url
from assets.models import StockTakeLine
from assets.services import open_stocktake
from tests.assets.test_depreciation import make_asset
from tests.factories import make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def categories(db):
    """The categories of the data migration (a transactional test before this one may
    have flushed them)."""
    from django.apps import apps

    migration = importlib.import_module("assets.migrations.0002_categories")
    migration.add_categories(apps, None)


def test_a_stock_take_is_counted_on_a_phone(live_server, browser, org, settings, categories):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    officer = make_user("asset_officer", role="asset_officer")
    counter = make_user("counter", role="staff", units=[org["a"]])
    desk = make_asset(org["a"], number="ZC2025-0001", name="服务台电脑", location="一楼大厅")
    shelf = make_asset(org["a"], number="ZC2025-0002", name="自助借还机", location="一楼大厅")
    stocktake = open_stocktake(
        name="2025年度资产盘点", year=2025, units=[org["a"]], ends_on=dt.date(2025, 12, 20),
        counters=[counter], user=officer,
    )  # fmt: skip
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    # The first label: not signed in yet, so the sign-in page comes first, then the asset.
    page.goto(label_url(desk))
    page.fill("input[name=username]", "counter")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")
    page.wait_for_url(label_url(desk))
    assert "服务台电脑" in page.get_by_test_id("asset").inner_text()
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "stocktake-phone-label.png"), full_page=True)
    page.get_by_role("button", name="在位（账实相符）").click()
    page.wait_for_selector("[data-testid=progress]")
    assert "已盘 1 / 2" in page.get_by_test_id("progress").inner_text()
    # The second: found on another floor, damaged.
    page.goto(label_url(shelf))
    page.get_by_label("损坏").check()
    page.get_by_label("实际存放地点").fill("二楼阅览室")
    page.get_by_role("button", name="在别处找到").click()
    page.wait_for_selector("[data-testid=progress]")
    assert "已盘 2 / 2" in page.get_by_test_id("progress").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "stocktake-phone-progress.png"), full_page=True)
    lines = {line.asset.number: line for line in StockTakeLine.objects.filter(
        stocktake=stocktake).select_related("asset")}  # fmt: skip
    assert lines["ZC2025-0001"].result == "matched"
    assert (lines["ZC2025-0002"].result, lines["ZC2025-0002"].condition) == (
        "wrong_place", "damaged")  # fmt: skip
    assert lines["ZC2025-0002"].found_location == "二楼阅览室"
    context.close()
