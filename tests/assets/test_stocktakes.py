"""Stock-takes: the count list made from the chosen units, counting through the label's
page (only for those assigned), items not on the books, closing (not found = missing),
the leadership's approval booking the differences; the QR labels read back by a decoder;
the report; the home page's warning for a year without a completed stock-take."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from assets.documents import label_sheets, label_url
from assets.models import Asset, AssetCategory, Disposal, StockTake, StockTakeLine
from assets.services import close_counting, count, open_stocktake, record_surplus, settle
from tests.assets.test_depreciation import make_asset
from tests.factories import make_user
from tests.tools import require_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(org):
    return make_user("asset_officer", role="asset_officer")


@pytest.fixture
def leader(org):
    return make_user("leader", role="leadership")


def campaign(org, officer, counters, **kw):
    return open_stocktake(
        name="2025年度资产盘点", year=2025, units=kw.pop("units", [org["a"]]),
        ends_on=dt.date(2025, 12, 20), counters=counters, user=officer, **kw,
    )  # fmt: skip


def test_the_count_list_holds_the_units_cards_on_the_books(org, officer, staff_a):
    here = make_asset(org["a"], number="ZC-1", location="一楼大厅")
    below = make_asset(org["a1"], number="ZC-2", location="自助借还点")
    make_asset(org["b"], number="ZC-3")  # another unit
    make_asset(org["a"], number="ZC-4", status=Asset.Status.DISPOSED,
               disposed_on=dt.date(2024, 1, 1))  # fmt: skip
    stocktake = campaign(org, officer, [staff_a])
    assert set(stocktake.lines.values_list("asset", flat=True)) == {here.pk, below.pk}
    only_hall = campaign(org, officer, [staff_a], location="一楼")
    assert list(only_hall.lines.values_list("asset", flat=True)) == [here.pk]


def test_counting_closing_and_settling_book_the_differences(org, officer, leader, staff_a):
    found = make_asset(org["a"], number="ZC-F", location="一楼")
    moved = make_asset(org["a"], number="ZC-M", location="一楼")
    lost = make_asset(org["a"], number="ZC-L", value="4800.00", life=72)
    stocktake = campaign(org, officer, [staff_a])
    line = {x.asset.number: x for x in stocktake.lines.select_related("asset")}
    count(line["ZC-F"], here=True, damaged=True, user=staff_a)
    with pytest.raises(Exception, match="找到"):
        count(line["ZC-M"], here=False, user=staff_a)  # where, then?
    count(line["ZC-M"], here=False, found_location="三楼库房", user=staff_a)
    with pytest.raises(Exception):  # noqa: B017 -- refused: neither voucher nor ¥1 value
        record_surplus(stocktake, description="投影仪", category=AssetCategory.objects.get(
            code="A02-02"), unit=org["a"], found_location="报告厅", value_source="voucher",
            user=staff_a)  # fmt: skip
    record_surplus(stocktake, description="投影仪", category=AssetCategory.objects.get(
        code="A02-02"), unit=org["a"], found_location="报告厅", value_source="nominal",
        user=staff_a)  # fmt: skip
    # Settling before the count is closed is refused; closing makes the rest missing.
    with pytest.raises(Exception):  # noqa: B017
        settle(stocktake, approval_ref="馆务会纪要〔2025〕12号", user=leader)
    close_counting(stocktake, user=officer)
    results = dict(stocktake.lines.exclude(asset=None).values_list("asset__number", "result"))
    assert results == {"ZC-F": "matched", "ZC-M": "wrong_place", "ZC-L": "missing"}
    with pytest.raises(Exception):  # noqa: B017 -- the asset officer does not approve
        settle(stocktake, approval_ref="x", user=officer)
    settle(stocktake, approval_ref="馆务会纪要〔2025〕12号", user=leader)
    for card in (found, moved, lost):
        card.refresh_from_db()
    assert moved.location == "三楼库房"
    assert lost.status == Asset.Status.DISPOSED and lost.disposed_on is not None
    write_off = Disposal.objects.get()
    assert write_off.kind == "loss" and write_off.value == Decimal("4800.00")
    gained = StockTakeLine.objects.get(result="surplus").new_asset
    assert (gained.original_value, gained.value_basis) == (Decimal(1), "nominal")
    assert StockTake.objects.get().state == "settled"


def test_only_the_counters_count_through_the_label(client, org, officer, staff_a, head_b):
    card = make_asset(org["a"], number="ZC-Q", location="一楼")
    stocktake = campaign(org, officer, [staff_a])
    url = reverse("assets_label", args=["ZC-Q"])
    client.force_login(head_b)  # neither counting nor seeing 借阅部's assets
    assert client.get(url).status_code == 404
    client.force_login(staff_a)
    page = client.get(url).content.decode()
    assert "账实相符" in page and "ZC-Q" in page
    line = stocktake.lines.get()
    response = client.post(url, {"line": line.pk, "action": "here"})
    assert response.url == reverse("assets_stocktake_count", args=[stocktake.pk])
    line.refresh_from_db()
    assert line.result == "matched" and line.counted_by == staff_a
    # Once closed, the label opens the card for those who may see it (not a count).
    close_counting(stocktake, user=officer)
    client.force_login(officer)
    assert client.get(url).url == reverse("assets_asset:inspect", args=[card.pk])


def test_the_label_sheet_reads_back_with_a_qr_decoder(org, tmp_path):
    zbarimg = require_tool("zbarimg", "apt-get install zbar-tools")
    require_tool("pdftoppm", "apt-get install poppler-utils")
    cards = [make_asset(org["a"], number=f"ZC2025-{n:04d}", name="阅览桌") for n in range(5)]
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(label_sheets(cards, organisation="测试市图书馆"))
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert sorted(decoded) == sorted(label_url(card) for card in cards)
    assert label_url(cards[0]).endswith("/admin/assets/label/ZC2025-0000/")


def test_the_report_and_the_campaign_page(client, org, officer, staff_a):
    make_asset(org["a"], number="ZC-R")
    stocktake = campaign(org, officer, [staff_a])
    close_counting(stocktake, user=officer)
    client.force_login(officer)
    page = client.get(reverse("assets_stocktake:inspect", args=[stocktake.pk])).content.decode()
    assert "盘亏" in page and "ZC-R" in page
    response = client.get(reverse("assets_stocktake_report", args=[stocktake.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    client.force_login(staff_a)  # a counter reads the campaign but does not close it
    assert client.get(reverse("assets_stocktake:inspect", args=[stocktake.pk])).status_code == 200


def test_the_home_page_warns_of_a_year_without_a_completed_stock_take(
    client, org, officer, staff_a
):
    make_asset(org["a"], number="ZC-H", added=dt.date(2020, 5, 1))
    client.force_login(officer)
    year = dt.date.today().year
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f"{year} 年尚无已完成的资产盘点" in page
    stocktake = open_stocktake(
        name="盘点",
        year=year,
        units=[org["a"]],
        ends_on=dt.date.today(),
        counters=[staff_a],
        user=officer,
    )
    close_counting(stocktake, user=officer)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f"{year} 年尚无已完成的资产盘点" not in page
    assert f"{year - 1} 年尚无已完成的资产盘点" in page


def test_the_stock_take_listing_costs_the_same_for_3_and_30_campaigns(
    client, org, officer, staff_a, django_assert_max_num_queries
):
    make_asset(org["a"], number="ZC-S")

    def grow(n):
        for _ in range(n):
            campaign(org, officer, [staff_a])

    grow(3)
    client.force_login(officer)
    url = reverse("assets_stocktake:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    grow(27)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
