"""The holdings: totals by kind as of any date, a withdrawal counted only once approved
(and locked then), the plan's indicators fed through the providers (总藏量, 本年新购藏量,
藏量购置费, in 万 when the indicator counts in 万)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assets.models import HoldingBatch, HoldingWithdrawal
from assets.selectors import holdings_totals
from governance.indicators import get_provider
from governance.models import Indicator
from tests.factories import make_user
from tests.world import BUILDERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def holdings(org):
    library = org["library"]
    for date, kind, source, volumes, amount in [
        (dt.date(2020, 12, 31), "books", "opening", 800_000, "24000000.00"),
        (dt.date(2024, 4, 2), "books", "purchase", 30_000, "1200000.00"),
        (dt.date(2025, 4, 2), "books", "purchase", 40_000, "1650000.00"),
        (dt.date(2025, 5, 9), "books", "donation", 1_500, "0"),
        (dt.date(2025, 6, 1), "periodicals", "purchase", 900, "81000.00"),
    ]:
        HoldingBatch.objects.create(library=library, date=date, kind=kind, source=source,
                                    volumes=volumes, amount=Decimal(amount))  # fmt: skip
    return library


def books(rows):
    return next(r for r in rows if r["kind"] == "books")


def test_totals_as_of_a_date_count_approved_withdrawals_only(org, holdings):
    leader = make_user("leader", role="leadership")
    withdrawal = HoldingWithdrawal.objects.create(
        library=holdings, date=dt.date(2025, 9, 1), kind="books", volumes=5_000,
        amount=Decimal("50000.00"), reason="破损、内容过时",
    )  # fmt: skip
    assert books(holdings_totals(dt.date(2024, 12, 31)))["volumes"] == 830_000
    assert books(holdings_totals(dt.date(2025, 12, 31)))["volumes"] == 871_500  # not approved
    from assets.services import approve_withdrawal

    approve_withdrawal(withdrawal, reference="馆务会纪要〔2025〕9号", user=leader)
    year_end = books(holdings_totals(dt.date(2025, 12, 31)))
    assert (year_end["volumes"], year_end["bought"], year_end["spent"]) == (
        866_500, 40_000, Decimal("1650000.00"))  # fmt: skip


def test_the_providers_feed_the_plans_indicators(org, holdings):
    total = get_provider("assets.holdings_total").compute
    bought = get_provider("assets.holdings_bought").compute
    spent = get_provider("assets.holdings_spending").compute
    in_10k = Indicator(name="总藏量", measure_unit="万册")
    assert total(in_10k, 2025) == Decimal("87.24")  # 872,400 volumes
    assert bought(Indicator(name="本年新购藏量", measure_unit="册"), 2025) == 40_900
    assert spent(Indicator(name="藏量购置费", measure_unit="万元"), 2025) == Decimal("173.10")
    assert spent(Indicator(name="藏量购置费", measure_unit="万元"), 2019) is None


def test_a_withdrawal_is_approved_by_leadership_and_then_locked(client, org, holdings):
    officer = make_user("officer", role="asset_officer")
    leader = make_user("leader", role="leadership")
    withdrawal = BUILDERS[HoldingWithdrawal](holdings, "剔旧")
    client.force_login(officer)
    approve = reverse("assets_approve_withdrawal", args=[withdrawal.pk])
    assert client.post(approve, {"reference": "x"}).status_code == 404
    client.force_login(leader)
    client.post(approve, {"reference": "馆务会纪要〔2025〕9号"})
    withdrawal.refresh_from_db()
    assert withdrawal.approved_by == leader
    client.force_login(officer)
    edit = reverse("assets_holdingwithdrawal:edit", args=[withdrawal.pk])
    assert client.get(edit).status_code in (302, 404)


def test_the_holdings_page_shows_the_totals(client, org, holdings, django_assert_max_num_queries):
    client.force_login(make_user("finance", role="finance"))
    url = reverse("assets_holdings") + "?as_of=2025-12-31"
    with django_assert_max_num_queries(40):
        page = client.get(url).content.decode()
    assert "871,500" in page and "图书" in page


def test_the_batch_listing_costs_the_same_for_5_and_50(
    client, org, holdings, django_assert_max_num_queries
):
    client.force_login(make_user("officer", role="asset_officer"))
    url = reverse("assets_holdingbatch:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for n in range(45):
        BUILDERS[HoldingBatch](org["library"], f"批次{n}")
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
