"""The demo's asset ledger: about 3,000 cards imported from the national system's export
with depreciation posted to last month, holdings since 2021, 2025's stock-take settled
with its differences, a disposal waiting for leadership and a transfer waiting for head2;
as head2, none of 借阅部's cards; as staff1, only those in their custody. Loading it
again changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from assets.models import (
    Asset,
    CustodyEvent,
    DepreciationRun,
    Disposal,
    HoldingBatch,
    StockTake,
    StockTakeLine,
)
from demo.loaders.assets import load_assets
from demo.loaders.org import load_org_tree, load_users
from demo.loaders.staffing import load_staffing
from governance.roles import setup_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    setup_roles()
    load_org_tree()
    load_users()
    load_staffing()
    return load_assets()


def user(name):
    return get_user_model().objects.get(username=name)


def user_unit(code):
    from governance.models import OrgUnit

    return OrgUnit.objects.get(code=code).path


def test_the_ledger_with_its_depreciation_to_last_month(counts):
    assert 2900 <= counts["cards"] <= 3100
    libraries = set(Asset.objects.values_list("unit__library__code", flat=True))
    assert len(libraries - {None}) == 12  # the municipal library and the eleven counties
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    latest = DepreciationRun.objects.filter(live=True).first()
    assert (latest.year, latest.month) == (last.year, last.month)
    assert DepreciationRun.objects.filter(year=2025, live=True).count() == 12
    assert HoldingBatch.objects.filter(date__year=2021).exists()
    assert load_assets() == {"cards": 0, "runs": 0}


def test_the_stock_take_the_disposal_and_the_transfer(counts):
    stocktake = StockTake.objects.get(year=2025)
    assert stocktake.state == StockTake.State.SETTLED
    results = set(stocktake.lines.values_list("result", flat=True))
    assert {"matched", "wrong_place", "missing", "surplus"} <= results
    assert StockTakeLine.objects.filter(result="surplus", new_asset__isnull=False).exists()
    assert Disposal.objects.filter(state=Disposal.State.SUBMITTED).count() == 1
    assert CustodyEvent.objects.filter(state="pending", to_unit__code="FZ-SLIB-CHILD").exists()


def test_head2_and_staff1_see_only_theirs(counts, client):
    lending = Asset.objects.filter(unit__code="FZ-SLIB-LEND").first()
    client.force_login(user("head2"))
    page = client.get(reverse("assets_asset:index")).content.decode()
    shown = {n for n in Asset.objects.values_list("number", flat=True) if n in page}
    children = Asset.objects.filter(unit__path__startswith=user_unit("FZ-SLIB-CHILD"))
    assert shown and shown <= set(children.values_list("number", flat=True))
    assert client.get(reverse("assets_asset:inspect", args=[lending.pk])).status_code == 404
    staff1 = user("staff1")
    theirs = set(Asset.objects.filter(custodian=staff1).values_list("number", flat=True))
    assert theirs
    client.force_login(staff1)
    page = client.get(reverse("assets_asset:index")).content.decode()
    shown = {n for n in Asset.objects.values_list("number", flat=True) if n in page}
    assert shown == theirs
