"""The structure page by library: each library a block with its subtotal and its
departments beneath, then the grand total."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import OrgUnit
from staffing.models import TitleRecord
from staffing.selectors.structure import units_by_library, workforce_structure
from tests.factories import make_staff, make_unit, make_user

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


@pytest.fixture
def county(org):
    library = make_unit(org["system"], name="临川区图书馆", kind=OrgUnit.Kind.LIBRARY, code="T-LC")
    return {"library": library, "lend": make_unit(library, name="借阅部", code="T-LC-LEND")}


def person(unit, level=None):
    staff = make_staff(unit, hire_date=dt.date(2010, 1, 1))
    if level:
        TitleRecord.objects.create(
            staff=staff, title="馆员", level=level, obtained=dt.date(2015, 1, 1)
        )
    return staff


@pytest.fixture
def people(org, county):
    person(org["library"], 4)  # the library's own staff
    person(org["a"], 3)
    person(org["a1"])
    person(org["b"], 1)
    person(county["lend"], 3)
    person(county["lend"])


def test_units_are_grouped_by_library_with_subtotals(people, org, county):
    structure = workforce_structure(as_of=AS_OF)
    blocks = {b.library.name: b for b in units_by_library(structure)}
    city, lc = blocks["测试市图书馆"], blocks["临川区图书馆"]
    assert city.count == 4 and lc.count == 2
    assert sum(b.count for b in blocks.values()) == structure.headcount == 6
    assert str(city.intermediate_share) == "50.00" and str(lc.intermediate_share) == "50.00"
    assert [(line.row.unit.name, line.indent, line.own) for line in city.lines] == [
        ("测试市图书馆", 0, True),
        ("借阅部", 0, False),
        ("自助借还点", 1, False),
        ("少儿部", 0, False),
    ]
    assert [line.row.unit.name for line in lc.lines] == ["借阅部"]


def test_structure_page_shows_each_library_with_departments_then_the_total(client, hr, people):
    client.force_login(hr)
    html = client.get(reverse("staffing_structure"), {"as_of": AS_OF.isoformat()}).content.decode()
    table = html[html.index('data-testid="units"') :]
    table = table[: table.index("</table>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
    assert "按馆及部门" in html
    city = text.index("测试市图书馆 · 小计")
    lc = text.index("临川区图书馆 · 小计")
    total = text.index("合计")
    # departments beneath their library, the grand total last
    first, second = sorted([city, lc])
    assert first < text.index("借阅部", first) < second < total
    assert text.index("少儿部") < total and "馆本级（未分部门）" in text
    assert re.search(r"合计 6 100.0", text)


def test_structure_page_costs_the_same_for_few_and_many_libraries(
    client, hr, org, django_assert_max_num_queries
):
    person(org["a"], 3)
    client.force_login(hr)
    url = reverse("staffing_structure")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        library = make_unit(
            org["system"], name=f"县馆{i}", kind=OrgUnit.Kind.LIBRARY, code=f"T-X{i}"
        )
        for j in range(3):
            unit = make_unit(library, name=f"部门{j}", code=f"T-X{i}-{j}")
            person(unit, 3)
    with django_assert_max_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "县馆4 · 小计" in html
