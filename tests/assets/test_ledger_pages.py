"""The asset ledger's screens: the cards listing as each reader may see it (a head their
units', staff the cards in their custody), its queries flat from 50 to 5,000 cards, a life
below the category's minimum refused on the form, and a month posted and reversed from
the screens."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assets.models import Asset, AssetCategory, DepreciationRun
from assets.services import run_depreciation
from tests.assets.test_depreciation import make_asset
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(org):
    return make_user("asset_officer", role="asset_officer")


def test_a_head_sees_their_units_cards_and_staff_their_own(client, org, head_b):
    keeper = make_user("keeper", role="staff", units=[org["a"]])
    make_asset(org["a"], name="借阅部扫描仪")
    make_asset(org["a"], name="借阅部服务器", custodian=keeper)
    make_asset(org["b"], name="少儿部绘本架", code="A05-01", life=180)
    url = reverse("assets_asset:index")
    client.force_login(head_b)
    page = client.get(url).content.decode()
    assert "少儿部绘本架" in page and "借阅部" not in page
    client.force_login(keeper)
    page = client.get(url).content.decode()
    assert "借阅部服务器" in page and "借阅部扫描仪" not in page and "少儿部" not in page
    other = Asset.objects.get(name="借阅部扫描仪")
    assert client.get(reverse("assets_asset:inspect", args=[other.pk])).status_code == 404


def test_the_listing_costs_the_same_for_50_and_5000_cards(
    client, org, officer, django_assert_max_num_queries
):
    category = AssetCategory.objects.get(code="A05-01")

    def grow(n):
        start = Asset.objects.count()
        Asset.objects.bulk_create(
            Asset(number=f"ZC{start + i:07d}", name="阅览椅", category=category,
                  original_value=Decimal("360.00"), life_months=180,
                  acquired_on=dt.date(2024, 1, 1), unit=org["a"] if i % 2 else org["b"])
            for i in range(n)
        )  # fmt: skip

    grow(50)
    client.force_login(officer)
    url = reverse("assets_asset:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    grow(4950)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_life_below_the_categorys_minimum_is_refused(client, org, officer):
    client.force_login(officer)
    data = {"number": "ZC-NEW-1", "name": "笔记本电脑", "category":
            AssetCategory.objects.get(code="A02-01").pk, "model": "", "quantity": 1,
            "measure_unit": "台", "life_months": 36, "original_value": "6500.00",
            "value_basis": "cost", "acquired_on": "2025-06-01", "funding_source": "",
            "supplier": "", "invoice": "", "unit": org["a"].pk, "custodian": "",
            "location": "", "status": "in_use", "disposed_on": ""}  # fmt: skip
    response = client.post(reverse("assets_asset:add"), data)
    assert response.status_code == 200 and "72" in response.content.decode()
    assert not Asset.objects.exists()
    response = client.post(reverse("assets_asset:add"), {**data, "life_months": 72})
    assert response.status_code == 302 and Asset.objects.get().life_months == 72
    # Edited after a month is posted: the value may not fall below what is charged, and a
    # new value is spread over the months left.
    run_depreciation(2025, 6, user=officer)  # 6500 / 72 = 90.28
    card = Asset.objects.get()
    edit = reverse("assets_asset:edit", args=[card.pk])
    response = client.post(edit, {**data, "life_months": 72, "original_value": "50.00"})
    assert response.status_code == 200 and "90.28" in response.content.decode()
    assert Asset.objects.get().original_value == Decimal("6500.00")
    response = client.post(edit, {**data, "life_months": 72, "original_value": "7210.28"})
    assert response.status_code == 302
    run_depreciation(2025, 7, user=officer)  # (7210.28 − 90.28) / 71 = 100.28
    assert Asset.objects.get().accumulated_depreciation == Decimal("190.56")


def test_a_month_is_posted_and_reversed_from_the_screens(client, org, officer, head_a):
    make_asset(org["a"], value="1200.00", life=12, added=dt.date(2025, 3, 1))
    client.force_login(head_a)
    post = reverse("assets_post_depreciation")
    assert client.get(post).url == reverse("wagtailadmin_home")
    client.force_login(officer)
    response = client.post(post, {"year": 2025, "month": 3})
    run = DepreciationRun.objects.get(live=True)
    assert response.url == reverse("assets_depreciationrun:inspect", args=[run.pk])
    assert run.total == Decimal("100.00")
    assert "冲销本月" in client.get(response.url).content.decode()
    client.post(reverse("assets_reverse_depreciation", args=[run.pk]), {"reason": "原值录入有误"})
    run.refresh_from_db()
    assert not run.live and run.reversed_by.total == Decimal("-100.00")


def test_the_accountant_gets_the_month_by_account_and_funding_source(client, org, officer):
    from io import BytesIO

    from openpyxl import load_workbook

    make_asset(org["a"], value="1200.00", life=12, added=dt.date(2025, 1, 1),
               funding_source="财政拨款")  # fmt: skip
    make_asset(org["a"], value="600.00", life=6, added=dt.date(2025, 1, 1),
               funding_source="其他资金")  # fmt: skip
    make_asset(org["b"], code="A05-01", value="1800.00", life=180, added=dt.date(2025, 1, 1),
               funding_source="财政拨款", name="书架")  # fmt: skip
    client.force_login(officer)
    client.post(reverse("assets_post_depreciation"), {"year": 2025, "month": 1})
    run = DepreciationRun.objects.get()
    response = client.get(reverse("assets_run_summary", args=[run.pk]))
    header, *rows = load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
    assert header[:4] == ("会计科目", "资金来源", "计提卡片数", "本月折旧额（元）")
    by_key = {(row[0], row[1]): row for row in rows}
    assert by_key["通用设备", "财政拨款"][3] == 100  # 1200 / 12
    assert by_key["通用设备", "其他资金"][3] == 100  # 600 / 6
    assert by_key["家具、用具、装具及动植物", "财政拨款"][3] == 10  # 1800 / 180
    assert by_key["合计", None][3] == 210 and by_key["合计", None][2] == 3


def test_amounts_show_their_thousands_separated(client, org, officer):
    card = make_asset(org["a"], code="A01-01", value="36000000.00", life=600, name="馆舍")
    client.force_login(officer)
    listing = client.get(reverse("assets_asset:index")).content.decode()
    page = client.get(reverse("assets_asset:inspect", args=[card.pk])).content.decode()
    assert "36,000,000.00" in listing and "36,000,000.00" in page
    assert "36000000.00" not in listing
