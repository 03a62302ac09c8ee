"""The annual movement table (opening + added − disposed = closing, the year's
depreciation, the closing depreciation as it stood then), the asset card PDF (Chinese
text, for those who may see the card) and the movement spreadsheet for global readers."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assets.models import Asset, month_index
from assets.selectors import movement
from assets.services import run_depreciation
from tests.assets.test_depreciation import make_asset
from tests.factories import make_user
from tests.tools import pdf_text, require_poppler

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(org):
    return make_user("asset_officer", role="asset_officer")


def test_the_movement_of_a_year(org, officer):
    # Brought in with their depreciation to October 2025 (as an import does).
    november = month_index(dt.date(2025, 11, 1))
    old = make_asset(org["a"], number="OLD", value="1200.00", life=72, added=dt.date(2023, 5, 1),
                     carried_depreciation=Decimal("500.00"), carried_months=30,
                     charge_from=november)  # fmt: skip
    make_asset(org["a"], number="NEW", value="7200.00", life=72, added=dt.date(2025, 11, 3))
    gone = make_asset(org["a"], number="GONE", value="600.00", life=72, added=dt.date(2022, 1, 1),
                      carried_depreciation=Decimal("341.67"), carried_months=41,
                      charge_from=november)  # fmt: skip
    Asset.objects.filter(pk=gone.pk).update(status="disposed", disposed_on=dt.date(2025, 6, 30))
    for month in (11, 12):
        run_depreciation(2025, month, user=officer)
    run_depreciation(2026, 1, user=officer)  # later: not in 2025's closing figure
    [row] = movement(2025)
    assert (row["opening"], row["added"], row["disposed"], row["closing"]) == (
        Decimal("1800.00"), Decimal("7200.00"), Decimal("600.00"), Decimal("8400.00"))  # fmt: skip
    # Nov and Dec: OLD 700 / 42 = 16.67, then 700 × 2 / 42 = 33.33 less 16.67; NEW 100 + 100.
    assert row["depreciation"] == Decimal("233.33")
    # At the closing: OLD 500 + 33.33, NEW 200 (GONE has left the books).
    assert row["accumulated"] == Decimal("733.33") and row["net"] == Decimal("7666.67")
    old.refresh_from_db()
    assert old.months_charged == 33  # January 2026 is on the card, not in 2025's figures


def test_the_movement_sheet_is_for_those_who_read_the_whole_ledger(client, org, officer, head_a):
    make_asset(org["a"], number="M1", value="1000.00", life=72, added=dt.date(2024, 2, 1))
    client.force_login(head_a)
    assert client.get(reverse("assets_movement") + "?year=2024").status_code in (302, 403)
    client.force_login(make_user("finance", role="finance"))
    response = client.get(reverse("assets_movement") + "?year=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("类别", "会计科目", "年初原值")
    assert any(r[0] == "A02-01 计算机设备" and r[3] == 1000 for r in values[1:])


def test_the_asset_card_pdf(client, org, officer, head_b):
    require_poppler("pdftotext")
    card = make_asset(org["a"], number="ZC-CARD", name="自助借还机", value="58000.00", life=60)
    client.force_login(officer)
    response = client.get(reverse("assets_card_pdf", args=[card.pk]))
    text = pdf_text(response.content)
    assert "资产卡片" in text and "自助借还机" in text and "58,000.00" in text
    client.force_login(head_b)
    assert client.get(reverse("assets_card_pdf", args=[card.pk])).status_code == 404
