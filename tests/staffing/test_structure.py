"""Workforce structure on a date from the histories, its targets, who may see it, the
unit roster PDF and the plan indicator fed by the same figures."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.indicators import get_provider
from governance.models import Indicator
from staffing.models import PostAppointment, Staff, StructureTarget, TitleRecord
from staffing.selectors.structure import may_see_structure, workforce_structure
from tests.factories import make_staff, make_user
from tests.tools import pdf_text

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2020, 6, 30)


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def title(person, level, obtained):
    return TitleRecord.objects.create(
        staff=person, title=f"L{level}", level=level, obtained=obtained
    )


def post(person, category, start, end=None, grade=9):
    return PostAppointment.objects.create(
        staff=person, category=category, grade=grade, start=start, end=end
    )


def counts(structure, key):
    return {row.key: row.count for row in structure.breakdown(key).rows if row.count}


@pytest.fixture
def people(org):
    """Two in A, one in A1 and two in B, with histories around AS_OF."""
    promoted = make_staff(org["a"], name="晋升者", hire_date=dt.date(2010, 9, 1))
    title(promoted, 2, dt.date(2015, 1, 1))
    title(promoted, 3, dt.date(2021, 1, 1))  # after AS_OF: still assistant then
    post(promoted, "professional", dt.date(2010, 9, 1), dt.date(2019, 12, 31))
    post(promoted, "management", dt.date(2020, 1, 1))

    between_posts = make_staff(org["a"], name="待岗者", hire_date=None)  # unknown hire date
    title(between_posts, 4, dt.date(2012, 1, 1))
    post(between_posts, "worker", dt.date(2012, 1, 1), dt.date(2020, 6, 29))  # ended the day before

    servicer = make_staff(org["a1"], name="服务点员工", hire_date=dt.date(2018, 3, 1))
    title(servicer, 3, dt.date(2020, 6, 30))  # obtained on the day: counts
    post(servicer, "professional", dt.date(2018, 3, 1), dt.date(2020, 6, 30))  # ends on the day

    left = make_staff(
        org["b"],
        name="离职者",
        hire_date=dt.date(2011, 1, 1),
        status=Staff.Status.LEFT,
        status_date=dt.date(2019, 5, 1),
    )
    title(left, 5, dt.date(2015, 1, 1))
    newcomer = make_staff(org["b"], name="新入职", hire_date=dt.date(2021, 7, 1))
    title(newcomer, 1, dt.date(2021, 7, 1))
    return {"promoted": promoted, "left": left, "newcomer": newcomer}


def test_past_date_reads_titles_and_posts_from_the_histories(people):
    structure = workforce_structure(as_of=AS_OF)

    assert structure.headcount == 3  # the leaver and the newcomer are not counted
    assert counts(structure, "title_level") == {2: 1, 3: 1, 4: 1}
    assert counts(structure, "post_category") == {"management": 1, "professional": 1, None: 1}


def test_today_counts_the_later_promotion_and_the_newcomer(people):
    structure = workforce_structure(as_of=dt.date(2022, 1, 1))

    assert structure.headcount == 4
    assert counts(structure, "title_level") == {1: 1, 3: 2, 4: 1}


def test_leaver_counts_until_the_day_before_leaving(people):
    assert workforce_structure(as_of=dt.date(2019, 4, 30)).headcount == 4
    assert workforce_structure(as_of=dt.date(2019, 5, 1)).headcount == 3


def test_leaver_without_a_leaving_date_is_never_counted(org):
    make_staff(org["a"], hire_date=dt.date(2000, 1, 1), status=Staff.Status.RETIRED)
    make_staff(org["a"], hire_date=dt.date(2000, 1, 1), status=Staff.Status.SECONDED)

    assert workforce_structure(as_of=AS_OF).headcount == 1


def test_age_bands_are_the_age_on_the_date(org):
    for birth in (
        dt.date(1990, 7, 1),  # 29
        dt.date(1989, 7, 1),  # 30 (31 tomorrow)
        dt.date(1989, 6, 30),  # 31 today
        dt.date(1980, 6, 30),  # 40
        dt.date(1979, 6, 30),  # 41
        dt.date(1970, 7, 1),  # 49
        dt.date(1969, 6, 30),  # 51
        None,
    ):
        make_staff(org["a"], birth_date=birth)

    structure = workforce_structure(as_of=AS_OF)

    assert counts(structure, "age_band") == {"30-": 2, "31-40": 2, "41-50": 2, "51+": 1, None: 1}


def test_targets_count_the_value_or_higher_and_say_how_far_short(org):
    for level, education, category in ((3, 4, "professional"), (4, 6, "management")):
        person = make_staff(org["a"], education=education, discipline="library")
        title(person, level, dt.date(2015, 1, 1))
        post(person, category, dt.date(2015, 1, 1))
    for _ in range(2):
        make_staff(org["a"], education=3, discipline="it")
    StructureTarget.objects.create(
        year=2020, dimension="title_level", value="3", min_share=Decimal(50)
    )
    StructureTarget.objects.create(
        year=2020, dimension="education", value="5", min_share=Decimal("30")
    )
    StructureTarget.objects.create(
        year=2020, dimension="post_category", value="professional", min_share=Decimal(25)
    )
    StructureTarget.objects.create(
        year=2020, dimension="discipline", value="library", min_share=Decimal("60.5")
    )
    StructureTarget.objects.create(  # another year: not shown
        year=2021, dimension="title_level", value="3", min_share=Decimal(90)
    )

    checks = {c.target.dimension: c for c in workforce_structure(as_of=AS_OF).targets}

    assert len(checks) == 4
    assert checks["title_level"].share == Decimal("50.00") and checks["title_level"].met
    assert checks["education"].share == Decimal("25.00")  # doctorate only: ≥ master
    assert not checks["education"].met and checks["education"].gap == Decimal("5.00")
    assert checks["post_category"].share == Decimal("25.00") and checks["post_category"].met
    assert checks["discipline"].gap == Decimal("10.50")


def test_target_met_and_short_on_the_page(client, org, hr):
    person = make_staff(org["a"])
    title(person, 3, dt.date(2015, 1, 1))
    make_staff(org["a"])
    StructureTarget.objects.create(
        year=2020, dimension="title_level", value="3", min_share=Decimal(45)
    )
    StructureTarget.objects.create(
        year=2020, dimension="title_level", value="4", min_share=Decimal("12.5")
    )
    client.force_login(hr)

    html = client.get(reverse("staffing_structure"), {"as_of": "2020-06-30"}).content.decode()

    rows = html.split('data-testid="targets"')[1].split("</table>")[0].split("<tr>")[2:]
    assert len(rows) == 2
    assert "45.00" in rows[0] and "50.00" in rows[0] and 'data-result="met"' in rows[0]
    assert "12.50" in rows[1] and 'data-result="short"' in rows[1]


def test_hr_sees_the_whole_system(client, people, hr):
    client.force_login(hr)

    response = client.get(reverse("staffing_structure"), {"as_of": "2020-06-30"})

    assert response.status_code == 200
    assert response.context["structure"].headcount == 3
    html = response.content.decode()
    assert "借阅部" in html and "自助借还点" in html


def test_head_sees_only_their_units(client, org, people, head_a):
    make_staff(org["b"], name="少儿部在岗", hire_date=dt.date(2015, 1, 1))
    client.force_login(head_a)

    response = client.get(reverse("staffing_structure"), {"as_of": "2020-06-30"})

    structure = response.context["structure"]
    assert structure.headcount == 3
    assert [row.unit.name for row in structure.units] == ["借阅部", "自助借还点"]
    html = response.content.decode()
    assert "少儿部" not in html


def test_head_cannot_pick_another_units_subtree(client, org, people, head_a):
    client.force_login(head_a)

    response = client.get(
        reverse("staffing_structure"), {"unit": org["b"].pk, "as_of": "2022-01-01"}
    )

    assert response.status_code == 200
    structure = response.context["structure"]
    assert structure.unit is None and structure.headcount == 3  # A's figures, not B's
    assert "少儿部" not in response.content.decode()


def test_unit_filter_narrows_to_the_subtree(client, org, people, hr):
    client.force_login(hr)

    response = client.get(
        reverse("staffing_structure"), {"unit": org["a1"].pk, "as_of": "2020-06-30"}
    )

    assert response.context["structure"].headcount == 1


def test_staff_member_is_refused(client, people, staff_a):
    client.force_login(staff_a)

    response = client.get(reverse("staffing_structure"))

    assert response.status_code in (302, 403)
    assert "structure" not in (response.context or {})
    assert not may_see_structure(staff_a)


def test_head_gets_404_for_another_units_roster(client, org, people, head_b, staff_a):
    client.force_login(head_b)
    assert client.get(reverse("staffing_roster_pdf", args=[org["a"].pk])).status_code == 404
    assert client.get(reverse("staffing_roster_pdf", args=[org["b"].pk])).status_code == 200
    client.force_login(staff_a)
    assert client.get(reverse("staffing_roster_pdf", args=[org["a"].pk])).status_code == 404


def test_roster_lists_names_but_no_personal_data(client, org, people, hr):
    people["promoted"].birth_date = dt.date(1985, 3, 12)
    people["promoted"].phone = "13900001111"
    people["promoted"].save()
    client.force_login(hr)

    response = client.get(reverse("staffing_roster_pdf", args=[org["a"].pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, mode="-raw")
    assert "晋升者" in text and "服务点员工" in text and "待岗者" in text
    assert "离职者" not in text and "新入职" not in text  # one left, one is in B
    assert people["promoted"].staff_number in text
    assert (
        people["promoted"].id_number not in text and people["promoted"].id_number[6:14] not in text
    )
    assert "1985" not in text and "13900001111" not in text
    assert any(re.fullmatch(r"\D*3\D*", line) for line in text.splitlines())  # the count


@pytest.mark.parametrize("who", ["hr", "head_a"])
def test_structure_page_costs_the_same_for_50_and_2000_staff(client, org, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)

    def grow(n):
        start = Staff.objects.count()
        created = Staff.objects.bulk_create(
            Staff(
                staff_number=f"B{start + i:06d}",
                name=f"批量{i}",
                gender="M",
                employment_type="contract",
                unit=org["a"] if i % 2 else org["a1"],
                birth_date=dt.date(1970 + i % 30, 1, 1),
                education=1 + i % 6,
                hire_date=dt.date(2000 + i % 20, 1, 1),
            )
            for i in range(n)
        )
        TitleRecord.objects.bulk_create(
            TitleRecord(staff=s, title="馆员", level=1 + i % 5, obtained=dt.date(2010, 1, 1))
            for i, s in enumerate(created)
        )
        PostAppointment.objects.bulk_create(
            PostAppointment(staff=s, category="professional", grade=9, start=dt.date(2010, 1, 1))
            for s in created
        )

    def queries():
        url = reverse("staffing_structure")
        client.get(url, {"as_of": "2020-06-30"})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"as_of": "2020-06-30"})
        assert response.status_code == 200
        return len(captured), response.context["structure"].headcount

    grow(50)
    few, headcount = queries()
    assert headcount == 50
    grow(1950)
    many, headcount = queries()
    assert headcount == 2000
    assert few == many, f"{few} queries with 50 staff, {many} with 2,000"


def test_indicator_provider_gives_the_title_share_at_the_end_of_the_year(org, people):
    provider = get_provider("staffing.intermediate_title_share")
    indicator = Indicator(code="T1", name="中级及以上职称占比", provider=provider.key)

    # End of 2020: assistant, associate senior, intermediate → 2 of 3.
    assert provider.compute(indicator, 2020) == Decimal("66.67")
    # End of 2021: the promotion and the newcomer (junior) → 3 of 4.
    assert provider.compute(indicator, 2021) == Decimal("75.00")
    senior = get_provider("staffing.senior_title_share")
    assert senior.compute(indicator, 2021) == Decimal("25.00")
    # End of 2000: only the one with an unknown hire date, without a title yet.
    assert provider.compute(indicator, 2000) == Decimal("0.00")


def test_indicator_provider_is_unknown_when_nobody_is_counted(db):
    provider = get_provider("staffing.intermediate_title_share")

    assert provider.compute(Indicator(code="T1"), 2020) is None
