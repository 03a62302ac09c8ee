"""Disposals: drafted by the asset officer, checked on submission (collective decision,
an appraisal for the types that need one), the approval level by value (settings), the
cards 待处置 while waiting; approved by leadership they are disposed of and stay in the
ledger; refused, they return to what they were. Nobody else decides."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assets.models import Asset, Disposal
from assets.services import approval_level, decide, draft, run_depreciation, submit
from tests.assets.test_depreciation import make_asset
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(org):
    return make_user("asset_officer", role="asset_officer")


@pytest.fixture
def leader(org):
    return make_user("leader", role="leadership")


def scrap(officer, *numbers, **fields):
    values = {"kind": "scrap", "grounds": "worn_out", "reason": "已超过使用年限，无法修复",
              "decision_ref": "馆务会纪要〔2026〕3号", **fields}  # fmt: skip
    return draft(numbers=numbers, user=officer, **values)


def test_the_level_follows_the_value(settings):
    settings.SHUXIANG_DISPOSAL_LEVELS = [("library", 100_000), ("supervisor", None)]
    assert approval_level(Decimal("100000.00")) == "本馆（集体决策后审批）"
    assert approval_level(Decimal("100000.01")) == "主管部门审批"


def test_approved_the_cards_are_disposed_of_and_kept(org, officer, leader):
    make_asset(org["a"], number="ZC-1", value="6000.00", life=72)
    make_asset(org["a"], number="ZC-2", value="4000.00", life=72)
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    run_depreciation(last_month.year, last_month.month, user=officer)
    disposal = submit(scrap(officer, "ZC-1", "ZC-2"), user=officer)
    assert disposal.value == 10000 and disposal.level
    assert set(Asset.objects.values_list("status", flat=True)) == {"pending"}
    with pytest.raises(PermissionDenied):
        decide(disposal, approve=True, reference="x", user=officer)
    decide(disposal, approve=True, reference="馆长办公会〔2026〕5号", user=leader)
    assert set(Asset.objects.values_list("status", flat=True)) == {"disposed"}
    assert Asset.objects.count() == 2  # never deleted
    # Disposed of this month: not charged this month nor after.
    assert run_depreciation(today.year, today.month, user=officer).cards == 0
    assert run_depreciation(2099, 1, user=officer).cards == 0


def test_refused_the_cards_return_to_what_they_were(org, officer, leader):
    make_asset(org["a"], number="ZC-3", status=Asset.Status.IDLE)
    disposal = submit(scrap(officer, "ZC-3"), user=officer)
    with pytest.raises(ValidationError):
        decide(disposal, approve=False, reference=" ", user=leader)
    decide(disposal, approve=False, reference="尚可修复使用", user=leader)
    assert Asset.objects.get().status == Asset.Status.IDLE
    assert Disposal.objects.get().state == "refused"


def test_submission_checks_the_decision_and_the_appraisal(org, officer):
    make_asset(org["a"], number="ZC-4")
    no_decision = scrap(officer, "ZC-4", decision_ref="")
    with pytest.raises(ValidationError, match="集体决策"):
        submit(no_decision, user=officer)
    sale = scrap(officer, "ZC-4", kind="sale", proceeds="800.00")
    with pytest.raises(ValidationError, match="评估"):
        submit(sale, user=officer)
    assert Asset.objects.get().status == Asset.Status.IN_USE
    with pytest.raises(ValidationError):
        scrap(officer, "ZC-404")  # not on the books


def test_the_screens_draft_submit_and_approve(client, org, officer, leader, head_a):
    card = make_asset(org["a"], number="ZC-5", value="3200.00")
    client.force_login(officer)
    response = client.post(reverse("assets_disposal_new"), {
        "kind": "scrap", "grounds": "obsolete", "reason": "主板损坏，维修费用高于残值",
        "decision_ref": "馆务会纪要〔2026〕3号", "appraisal_ref": "", "proceeds": "0",
        "numbers": "ZC-5"})  # fmt: skip
    disposal = Disposal.objects.get()
    assert response.url == reverse("assets_disposal:inspect", args=[disposal.pk])
    client.post(reverse("assets_disposal_submit", args=[disposal.pk]))
    client.force_login(head_a)  # a head neither sees nor decides disposals
    assert client.post(reverse("assets_disposal_approve", args=[disposal.pk]),
                       {"reference": "x"}).status_code == 404  # fmt: skip
    client.force_login(leader)
    assert "1 项资产处置等待审批" in client.get(reverse("wagtailadmin_home")).content.decode()
    page = client.get(reverse("assets_disposal:inspect", args=[disposal.pk])).content.decode()
    assert "ZC-5" in page and "3,200.00" in page
    client.post(reverse("assets_disposal_approve", args=[disposal.pk]),
                {"reference": "馆长办公会〔2026〕5号"})  # fmt: skip
    card.refresh_from_db()
    assert card.status == Asset.Status.DISPOSED
    page = client.get(reverse("assets_asset:inspect", args=[card.pk])).content.decode()
    assert "报废" in page  # the disposal stays on the card


def test_the_disposal_listing_costs_the_same_for_3_and_30(
    client, org, officer, django_assert_max_num_queries
):
    def grow(n):
        for _ in range(n):
            make_asset(org["a"], number=None)
            scrap(officer, Asset.objects.order_by("-pk").first().number)

    grow(3)
    client.force_login(officer)
    url = reverse("assets_disposal:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    grow(27)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
