"""The compliance page shows 未达标 prominently, pass rates per unit grouped by library
with subtotals, and filters to only those short."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import OrgUnit
from staffing.models import ExternalTraining
from staffing.selectors.compliance import pass_rates_by_library
from tests.factories import make_staff, make_unit, make_user

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


@pytest.fixture
def county(org):
    library = make_unit(org["system"], name="临川区图书馆", kind=OrgUnit.Kind.LIBRARY, code="T-LC")
    return {"library": library, "lend": make_unit(library, name="借阅部", code="T-LC-LEND")}


def professional(unit, name, hours):
    person = make_staff(unit, name=name, post_category="professional")
    if hours:
        ExternalTraining.objects.create(
            staff=person,
            name="培训",
            date=dt.date(YEAR, 6, 1),
            hours=Decimal(hours),
            subject_type="professional",
        )
    return person


@pytest.fixture
def people(org, county):
    return [
        professional(org["a"], "达标甲", 90),
        professional(org["a"], "未达标乙", 30),
        professional(org["b"], "达标丙", 95),
        professional(county["lend"], "未达标丁", 0),
        professional(county["lend"], "达标戊", 100),
    ]


def page(client, **params):
    response = client.get(reverse("staffing_compliance"), {"year": YEAR, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_short_people_carry_a_red_badge_and_the_count_is_shown(client, hr, people):
    client.force_login(hr)
    html = page(client)
    assert html.count('class="shx-badge-short">未达标<') == 2
    assert 'class="shx-row-short"' in html
    assert "仅看未达标（2 人）" in html
    assert "临川区图书馆 · 借阅部" in html and "测试市图书馆 · 借阅部" in html
    assert ">临川区图书馆 · 借阅部</option>" in html  # the unit picker too


def test_pass_rates_per_unit_grouped_by_library_with_subtotals(client, hr, people, county):
    groups, total = pass_rates_by_library(hr, year=YEAR)
    by_library = {g.library.name: g for g in groups}
    assert set(by_library) == {"测试市图书馆", "临川区图书馆"}
    city = by_library["测试市图书馆"]
    assert (city.total.assessed, city.total.short, city.total.rate) == (3, 1, Decimal("66.7"))
    assert [(r.unit.name, r.assessed, r.short) for r in city.units] == [
        ("借阅部", 2, 1),
        ("少儿部", 1, 0),
    ]
    lc = by_library["临川区图书馆"]
    assert (lc.total.assessed, lc.total.short, lc.total.rate) == (2, 1, Decimal("50.0"))
    assert (total.assessed, total.short, total.rate) == (5, 2, Decimal("60.0"))

    client.force_login(hr)
    html = page(client)
    assert "各单位达标率" in html
    assert "测试市图书馆 · 小计" in html and "临川区图书馆 · 小计" in html
    assert "66.7%" in html and "50.0%" in html and "60.0%" in html and "合计" in html


def test_only_short_filter_lists_only_those_short(client, hr, people):
    client.force_login(hr)
    html = page(client, short="1")
    assert "未达标乙" in html and "未达标丁" in html
    assert "达标甲" not in html and "达标戊" not in html


def test_head_sees_pass_rates_of_own_units_only(client, head_a, people):
    client.force_login(head_a)
    html = page(client)
    assert "测试市图书馆 · 小计" in html and "临川区图书馆" not in html
    assert "少儿部" not in html


def test_compliance_page_costs_the_same_for_few_and_many_units_and_staff(
    client, hr, org, county, django_assert_max_num_queries
):
    professional(org["a"], "甲", 10)
    client.force_login(hr)
    page(client)
    with CaptureQueriesContext(connection) as few:
        page(client)
    for i in range(6):
        unit = make_unit(county["library"], name=f"部门{i}", code=f"T-LC-{i}")
        for j in range(4):
            professional(unit, f"人{i}{j}", 10 * j)
    with django_assert_max_num_queries(len(few)):
        page(client)
