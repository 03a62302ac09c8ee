"""Monthly depreciation against hand-computed schedules: straight-line without residual
value from the month an asset is added, not in the month it leaves, recalculated after a
change of value or life, the last month taking the rounding, capped at cost; nothing for
a non-depreciable class or a nominal-value asset; a run idempotent, set-based (its queries
do not grow with the cards), locked and reversed only whole."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from assets.models import Asset, AssetCategory, DepreciationCharge, DepreciationRun
from assets.services import reverse_run, run_depreciation
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal
_numbers = iter(range(1, 10**6))


@pytest.fixture
def officer(org):
    return make_user("asset_officer", role="asset_officer")


def make_asset(unit, *, code="A02-01", value="100.00", life=3, added=dt.date(2025, 3, 17), **kw):
    return Asset.objects.create(
        number=kw.pop("number", None) or f"ZC{next(_numbers):06d}",
        name=kw.pop("name", "台式计算机"),
        category=AssetCategory.objects.get(code=code),
        original_value=D(value),
        life_months=life,
        acquired_on=added,
        unit=unit,
        **kw,
    )


def charged(asset) -> Decimal:
    asset.refresh_from_db()
    return asset.accumulated_depreciation


def months(officer, *pairs):
    return [run_depreciation(year, month, user=officer) for year, month in pairs]


def test_straight_line_from_the_month_added_the_last_month_taking_the_rounding(org, officer):
    mid_month = make_asset(org["a"])  # added 17 March: charged from March
    schedule = []
    for run in months(officer, (2025, 3), (2025, 4), (2025, 5), (2025, 6)):
        schedule.append(DepreciationCharge.objects.filter(run=run, asset=mid_month)
                        .values_list("amount", flat=True).first())  # fmt: skip
    # 100 / 3 = 33.33; 66.67 / 2 = 33.335 → 33.34; the last month what remains: 33.33.
    assert schedule == [D("33.33"), D("33.34"), D("33.33"), None]  # then capped at cost
    assert charged(mid_month) == D("100.00") and mid_month.months_charged == 3


def test_not_charged_in_the_month_it_leaves(org, officer):
    leaving = make_asset(org["a"], added=dt.date(2025, 3, 5), life=10, value="1000.00")
    run_depreciation(2025, 3, user=officer)
    Asset.objects.filter(pk=leaving.pk).update(
        status=Asset.Status.DISPOSED, disposed_on=dt.date(2025, 4, 10)
    )
    run_depreciation(2025, 4, user=officer)
    assert charged(leaving) == D("100.00")  # March only


def test_a_change_of_value_or_life_is_spread_over_the_months_left(org, officer):
    revalued = make_asset(org["a"], value="1200.00", life=12, added=dt.date(2025, 1, 1))
    run_depreciation(2025, 1, user=officer)  # 1200 / 12 = 100
    revalued.original_value = D("1500.00")
    revalued.save()
    assert charged(revalued) == D("100.00")  # what was charged stays
    run_depreciation(2025, 2, user=officer)  # (1500 - 100) / 11 = 127.27
    assert charged(revalued) == D("227.27")
    revalued.life_months = 6
    revalued.save(update_fields=["life_months"])  # the basis is saved with it
    run_depreciation(2025, 3, user=officer)  # (1500 - 227.27) / (6 - 2) = 318.18
    assert charged(revalued) == D("545.45")
    run_depreciation(2025, 4, user=officer)  # 1272.73 × 2 / 4 = 636.37 (636.365 rounded)
    assert charged(revalued) == D("863.64") and revalued.months_charged == 4
    with pytest.raises(TypeError):  # a bare update would rewrite what was charged
        Asset.objects.filter(pk=revalued.pk).update(original_value=D("1.00"))


def test_a_change_after_a_month_is_posted_is_undone_with_the_month(org, officer):
    card = make_asset(org["a"], value="1200.00", life=12, added=dt.date(2025, 1, 1))
    january, february = months(officer, (2025, 1), (2025, 2))  # 100 a month
    card.original_value = D("2200.00")  # found wrong after February was posted
    card.save()
    assert charged(card) == D("200.00")
    reverse_run(february, user=officer, reason="卡片价值有误")
    assert charged(card) == D("100.00") and card.months_charged == 1
    run_depreciation(2025, 2, user=officer)  # (2200 - 100) / 11 = 190.91
    assert charged(card) == D("290.91") and card.months_charged == 2


def test_nothing_for_a_non_depreciable_class_or_a_nominal_value(org, officer):
    books = make_asset(org["a"], code="A04-01", life=None, name="馆藏古籍")
    heritage = make_asset(org["a"], code="A03-01", life=None, name="陈列品")
    nominal = make_asset(org["a"], value="1.00", value_basis=Asset.ValueBasis.NOMINAL)
    computer = make_asset(org["a"])
    run = run_depreciation(2025, 3, user=officer)
    assert [charged(a) for a in (books, heritage, nominal)] == [D(0), D(0), D(0)]
    assert run.cards == 1 and run.total == D("33.33") and charged(computer) == D("33.33")


def test_a_run_is_idempotent_and_reversed_only_whole_and_latest_first(org, officer):
    asset = make_asset(org["a"], value="1200.00", life=12, added=dt.date(2025, 1, 1))
    march, april = months(officer, (2025, 3), (2025, 4))
    assert march.total == D("300.00")  # the first run catches up from January
    assert run_depreciation(2025, 4, user=officer) == april  # the month's run in force
    assert charged(asset) == D("400.00")
    with pytest.raises(ValidationError, match="先"):
        reverse_run(march, user=officer, reason="金额有误")  # April rests on it
    with pytest.raises(ValidationError):
        run_depreciation(2025, 2, user=officer)  # before a month already posted
    correction = reverse_run(april, user=officer, reason="四月卡片价值有误")
    assert correction.total == D("-100.00") and charged(asset) == D("300.00")
    with pytest.raises(ValidationError):
        reverse_run(april, user=officer, reason="再冲")
    again = run_depreciation(2025, 4, user=officer)
    assert again != april and charged(asset) == D("400.00")
    assert DepreciationRun.objects.filter(year=2025, month=4, live=True).get() == again


def test_a_month_starts_the_month_after_when_the_setting_says_so(org, officer, settings):
    settings.SHUXIANG_ASSET_DEPRECIATION_FROM = "next_month"
    asset = make_asset(org["a"])  # added 17 March
    run_depreciation(2025, 3, user=officer)
    assert charged(asset) == D(0)
    run_depreciation(2025, 4, user=officer)
    assert charged(asset) == D("33.33")


def test_only_the_asset_officer_posts(org, head_a, officer):
    make_asset(org["a"])
    with pytest.raises(PermissionDenied):
        run_depreciation(2025, 3, user=head_a)


def test_a_run_costs_the_same_queries_for_few_and_many_cards(
    org, officer, django_assert_max_num_queries
):
    for _ in range(5):
        make_asset(org["a"])
    with django_assert_max_num_queries(40) as few:
        run_depreciation(2025, 3, user=officer)
    Asset.objects.bulk_create(
        Asset(number=f"B{n:06d}", name="椅子", category=AssetCategory.objects.get(code="A05-01"),
              original_value=D("360.00"), life_months=180, acquired_on=dt.date(2025, 1, 1),
              unit=org["b"])
        for n in range(300)
    )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        run = run_depreciation(2025, 4, user=officer)
    assert run.cards == 305
    done = Asset.objects.with_depreciation().filter(depreciation_to_date=F("original_value"))
    assert done.count() == 0
