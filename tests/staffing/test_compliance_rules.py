"""Continuing-education rules HR recognises: kept per year, a share of the total or a fixed
professional minimum, joiners (and leavers) pro-rated or exempt, the post and status held
in the year, and hours that cannot be negative."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from staffing.models import (
    ContinuingEducationRule,
    Enrolment,
    ExternalTraining,
    PostAppointment,
    Staff,
    TrainingProgram,
)
from staffing.selectors.compliance import (
    Requirement,
    compliance_listing,
    months_employed,
    training_years,
)
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def external(person, hours, subject="professional", *, date=dt.date(YEAR, 10, 1)):
    return ExternalTraining.objects.create(
        staff=person, name="研修", date=date, hours=Decimal(str(hours)), subject_type=subject
    )


def professional(unit, name, professional_hours=0, general_hours=0, **values):
    person = make_staff(unit, name=name, post_category="professional", **values)
    if professional_hours:
        external(person, professional_hours)
    if general_hours:
        external(person, general_hours, "general")
    return person


def rule(year, **values):
    return ContinuingEducationRule.objects.create(year=year, **values)


def listed(user, year=YEAR, **params):
    from staffing.selectors.compliance import assess_staff

    return {
        person.name: assess_staff(person, Requirement.for_year(year))
        for person in compliance_listing(user, year=year, **params)
    }


def short_names(user, year=YEAR):
    return {p.name for p in compliance_listing(user, year=year, short_only=True)}


# -- thresholds kept per year --------------------------------------------------------------


def test_changing_this_years_rule_does_not_change_last_years_result(org, hr):
    person = professional(org["a"], "张三")
    external(person, 60, date=dt.date(YEAR - 1, 5, 1))
    external(person, 10, "general", date=dt.date(YEAR - 1, 5, 1))
    rule(YEAR - 1, total_hours=Decimal(70))
    this_year = rule(YEAR, total_hours=Decimal(70))
    assert not listed(hr, YEAR - 1)["张三"].is_short

    this_year.total_hours = Decimal(90)
    this_year.save()

    assert not listed(hr, YEAR - 1)["张三"].is_short
    assert short_names(hr, YEAR - 1) == set()
    assert Requirement.for_year(YEAR).min_hours == Decimal(90)


def test_year_without_a_rule_uses_the_settings(settings, org):
    settings.SHUXIANG_CE_MIN_HOURS = 72
    rule(YEAR, total_hours=Decimal(80))
    assert Requirement.for_year(YEAR - 1).min_hours == Decimal(72)
    assert Requirement.for_year(YEAR).min_hours == Decimal(80)


def test_rule_describes_itself_in_chinese(org):
    rule(YEAR, professional_rule_kind="minimum", professional_min_hours=Decimal(60))
    text = Requirement.for_year(YEAR).description
    assert "不少于 90.0 学时" in text and "专业科目不少于 60.0 学时" in text
    assert "年内入职或离职人员：按在职月数折算" in text


def test_compliance_page_states_the_years_rule(client, org, hr):
    rule(YEAR, total_hours=Decimal(72), professional_share="1/2")
    client.force_login(hr)
    response = client.get(reverse("staffing_compliance"), {"year": YEAR})
    assert response.context["requirement"].min_hours == Decimal(72)
    assert "72" in response.content.decode()


# -- the professional-hours rule: a share or a fixed minimum -------------------------------


def test_fixed_minimum_counts_professional_hours_not_their_share(org, hr):
    rule(YEAR, professional_rule_kind="minimum", professional_min_hours=Decimal(50))
    professional(org["a"], "专业五十五", 55, 45)  # 55 % of 100: short of 2/3, not of 50 h
    professional(org["a"], "专业四十九", 49, 51)
    c = listed(hr)
    assert not c["专业五十五"].is_short
    assert c["专业四十九"].professional_short == Decimal("1.0")
    assert c["专业四十九"].professional_required == Decimal("50.0")
    assert short_names(hr) == {"专业四十九"}


def test_share_rule_of_the_same_hours_flags_the_other_way(org, hr):
    rule(YEAR, professional_rule_kind="share", professional_share="2/3")
    professional(org["a"], "专业五十五", 55, 45)
    assert listed(hr)["专业五十五"].is_short
    assert short_names(hr) == {"专业五十五"}


def test_fixed_minimum_from_the_settings(settings, org, hr):
    settings.SHUXIANG_CE_PROFESSIONAL_RULE = "minimum"
    settings.SHUXIANG_CE_MIN_PROFESSIONAL_HOURS = 70
    professional(org["a"], "专业六十五", 65, 25)  # 72 % of 90, but under 70 h
    assert listed(hr)["专业六十五"].professional_short == Decimal("5.0")
    assert short_names(hr) == {"专业六十五"}


def test_rule_needs_its_minimum_and_keeps_it_within_the_total(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        rule(YEAR, professional_rule_kind="minimum", professional_min_hours=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule(YEAR, professional_rule_kind="minimum", professional_min_hours=Decimal(100))


# -- joiners and leavers -------------------------------------------------------------------


def test_july_joiner_needs_45_hours_with_prorate(client, org, hr):
    rule(YEAR, joiners_rule="prorate")
    joiner = professional(org["a"], "七月入职", 30, 15, hire_date=dt.date(YEAR, 7, 15))
    professional(org["a"], "七月差一", 30, 14, hire_date=dt.date(YEAR, 7, 1))
    c = listed(hr)["七月入职"]
    assert (c.months, c.min_hours, c.is_short) == (6, Decimal("45.0"), False)
    assert listed(hr)["七月差一"].hours_short == Decimal("1.0")
    assert short_names(hr) == {"七月差一"}
    (year,) = training_years(joiner, YEAR, YEAR)
    assert (year.compliance.min_hours, year.compliance.is_short) == (Decimal("45.0"), False)
    client.force_login(hr)
    page = client.get(reverse("staffing_staff_training", args=[joiner.pk]), {"year": YEAR})
    assert page.context["training"].compliance.min_hours == Decimal("45.0")


def test_july_joiner_is_exempt_under_the_exempt_rule(org, hr):
    rule(YEAR, joiners_rule="exempt")
    professional(org["a"], "七月入职", 0, 0, hire_date=dt.date(YEAR, 7, 15))
    professional(org["a"], "全年在岗", 0, 0, hire_date=dt.date(YEAR - 5, 7, 15))
    c = listed(hr)["七月入职"]
    assert c.exempt and not c.is_short
    assert short_names(hr) == {"全年在岗"}


def test_july_joiner_needs_the_full_hours_under_none(org, hr):
    rule(YEAR, joiners_rule="none")
    professional(org["a"], "七月入职", 30, 15, hire_date=dt.date(YEAR, 7, 15))
    assert listed(hr)["七月入职"].hours_short == Decimal("45.0")
    assert short_names(hr) == {"七月入职"}


def test_months_employed_count_the_joining_and_leaving_month(org):
    person = make_staff(org["a"], hire_date=dt.date(YEAR, 7, 31))
    assert months_employed(person, YEAR) == 6
    assert months_employed(person, YEAR + 1) == 12
    assert months_employed(person, YEAR - 1) == 0
    (before,) = training_years(person, YEAR - 1, YEAR - 1)
    assert before.compliance.status == "当年未在职"
    person.status, person.status_date = Staff.Status.LEFT, dt.date(YEAR + 1, 4, 1)
    assert months_employed(person, YEAR + 1) == 3  # gone from 1 April: Jan–Mar
    person.status_date = dt.date(YEAR + 1, 4, 2)
    assert months_employed(person, YEAR + 1) == 4


# -- the post and status held in the year --------------------------------------------------


def test_past_year_uses_the_post_held_that_year(org, hr):
    person = make_staff(org["a"], name="转岗者", post_category="management")
    PostAppointment.objects.create(
        staff=person,
        category="professional",
        grade=9,
        start=dt.date(2015, 1, 1),
        end=dt.date(YEAR - 1, 12, 31),
    )
    PostAppointment.objects.create(
        staff=person, category="management", grade=8, start=dt.date(YEAR, 1, 1)
    )
    assert set(listed(hr, YEAR - 1)) == {"转岗者"}
    assert listed(hr, YEAR) == {}
    last, this = training_years(person, YEAR - 1, YEAR)
    assert (last.compliance.required, this.compliance.required) == (True, False)


def test_leavers_count_in_the_years_they_worked(org, hr):
    professional(org["a"], "去年离职", 0, 0, status="left", status_date=dt.date(YEAR - 1, 11, 1))
    professional(org["a"], "今年退休", 20, 10, status="retired", status_date=dt.date(YEAR, 5, 1))
    professional(org["a"], "日期不明", 0, 0, status="left", status_date=None)
    assert set(listed(hr, YEAR)) == {"今年退休"}
    assert set(listed(hr, YEAR - 1)) == {"去年离职", "今年退休"}
    c = listed(hr, YEAR)["今年退休"]  # January to April: 4/12 of 90
    assert (c.months, c.min_hours, c.is_short) == (4, Decimal("30.0"), False)


# -- hours cannot be negative --------------------------------------------------------------


def test_hours_cannot_be_negative_in_the_database(org):
    person = make_staff(org["a"])
    program = TrainingProgram.objects.create(
        name="培训",
        kind="routine",
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 1, 1),
        hours=Decimal(8),
        subject_type="professional",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingProgram.objects.filter(pk=program.pk).update(hours=Decimal(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(program=program, staff=person, hours=Decimal("-0.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        external(person, -2)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule(YEAR, total_hours=Decimal(-90))


# -- HR keeps the rules in the admin -------------------------------------------------------


def test_hr_adds_a_years_rule_in_the_admin(client, org, hr):
    client.force_login(hr)
    response = client.post(
        reverse("staffing_continuingeducationrule:add"),
        {
            "year": YEAR,
            "total_hours": "90",
            "professional_rule_kind": "minimum",
            "professional_share": "",
            "professional_min_hours": "60",
            "joiners_rule": "exempt",
        },
    )
    assert response.status_code == 302
    saved = Requirement.for_year(YEAR)
    assert (saved.by_minimum, saved.professional_min_hours, saved.joiners_rule) == (
        True,
        Decimal(60),
        "exempt",
    )
    listing = client.get(reverse("staffing_continuingeducationrule:index"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "继续教育规则" in html and "专业科目不少于固定学时" in html and "当年免于考核" in html


def test_admin_refuses_a_minimum_rule_without_its_hours(client, org, hr):
    client.force_login(hr)
    response = client.post(
        reverse("staffing_continuingeducationrule:add"),
        {
            "year": YEAR,
            "total_hours": "90",
            "professional_rule_kind": "minimum",
            "professional_share": "2/3",
            "professional_min_hours": "",
            "joiners_rule": "prorate",
        },
    )
    assert response.status_code == 200
    assert not ContinuingEducationRule.objects.exists()


def test_staff_and_heads_cannot_open_the_rules(client, org, staff_a, head_a):
    for user in (staff_a, head_a):
        client.force_login(user)
        response = client.get(reverse("staffing_continuingeducationrule:index"))
        assert response.status_code in (302, 403, 404)


def test_listing_costs_the_same_with_histories_for_few_and_many_staff(org, hr):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rule(YEAR, joiners_rule="prorate")

    def grow(n):
        for i in range(n):
            person = professional(
                org["a"],
                f"批量{Staff.objects.count()}",
                30,
                10,
                hire_date=dt.date(YEAR, 1 + i % 12, 1),
            )
            PostAppointment.objects.create(
                staff=person, category="professional", grade=9, start=dt.date(2010, 1, 1)
            )

    def queries():
        list(compliance_listing(hr, year=YEAR, short_only=True))  # warm the user's caches
        with CaptureQueriesContext(connection) as captured:
            rows = list(compliance_listing(hr, year=YEAR, short_only=True))
        return len(captured), len(rows)

    grow(5)
    few, _rows = queries()
    grow(40)
    many, rows = queries()
    assert many == few
    assert rows > 0
