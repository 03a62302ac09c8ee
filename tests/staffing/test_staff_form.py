"""HR's staff form: a change of unit, education or status goes through the services with
the date it took effect, so the dated histories follow (never silently today's date)."""

import datetime as dt

import pytest
from django.urls import reverse

from staffing.models import EducationRecord, Staff, UnitAssignment
from tests.factories import make_staff, make_user


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


@pytest.fixture
def person(org):
    return make_staff(org["a"], name="王芳", hire_date=dt.date(2015, 3, 1), education=4)


def form_data(staff: Staff, **changes) -> dict:
    data = {
        "staff_number": staff.staff_number,
        "name": staff.name,
        "gender": staff.gender,
        "id_number": staff.id_number,
        "birth_date": "",
        "phone": "",
        "email": "",
        "user": "",
        "unit": staff.unit_id,
        "employment_type": staff.employment_type,
        "education": staff.education or "",
        "degree": staff.degree,
        "major": staff.major,
        "discipline": staff.discipline,
        "changed_on": "",
        "hire_date": staff.hire_date.isoformat() if staff.hire_date else "",
        "status": staff.status,
        "status_date": "",
    }
    data.update(changes)
    return data


def edit(client, user, staff, **changes):
    client.force_login(user)
    return client.post(reverse("staffing_staff:edit", args=[staff.pk]), form_data(staff, **changes))


def test_a_transfer_in_the_form_is_dated_and_kept_in_the_unit_history(client, hr, person, org):
    response = edit(client, hr, person, unit=org["b"].pk, changed_on="2024-07-01")

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.unit == org["b"]
    stays = list(UnitAssignment.objects.filter(staff=person).order_by("pk"))
    assert [(s.unit_id, s.start, s.end) for s in stays] == [
        (org["a"].pk, dt.date(2015, 3, 1), dt.date(2024, 6, 30)),
        (org["b"].pk, dt.date(2024, 7, 1), None),
    ]


def test_a_transfer_without_its_date_is_refused_and_nothing_saved(client, hr, person, org):
    response = edit(client, hr, person, unit=org["b"].pk, name="王芳芳")

    assert response.status_code == 200
    assert "请填写单位或学历变动的日期" in response.content.decode()
    person.refresh_from_db()
    assert (person.unit, person.name) == (org["a"], "王芳")
    assert not UnitAssignment.objects.filter(staff=person).exists()


def test_a_new_degree_in_the_form_is_dated_in_the_education_history(client, hr, person):
    edit(client, hr, person, education=5, degree="硕士", changed_on="2023-06-30")

    person.refresh_from_db()
    assert (person.education, person.degree) == (5, "硕士")
    latest = EducationRecord.objects.filter(staff=person).latest("pk")
    assert (latest.level, latest.obtained) == (5, dt.date(2023, 6, 30))


def test_a_change_of_status_needs_its_date_never_today(client, hr, person):
    response = edit(client, hr, person, status=Staff.Status.RETIRED)

    assert response.status_code == 200
    assert "请填写状态变为“退休”的日期" in response.content.decode()
    person.refresh_from_db()
    assert person.status == Staff.Status.IN_POST

    edit(client, hr, person, status=Staff.Status.RETIRED, status_date="2026-05-31")
    person.refresh_from_db()
    assert (person.status, person.status_date) == (Staff.Status.RETIRED, dt.date(2026, 5, 31))


def test_a_transfer_dated_before_the_hire_date_is_refused_on_the_form(client, hr, person, org):
    response = edit(client, hr, person, unit=org["b"].pk, changed_on="2010-01-01")

    assert response.status_code == 200
    assert "入职日期" in response.content.decode()
    person.refresh_from_db()
    assert person.unit == org["a"]


def test_editing_other_fields_needs_no_date(client, hr, person):
    response = edit(client, hr, person, phone="13800000000")

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "13800000000"


def test_the_staff_page_shows_the_dated_unit_and_education_history(client, hr, person, org):
    edit(client, hr, person, unit=org["b"].pk, changed_on="2024-07-01")
    person.refresh_from_db()
    edit(client, hr, person, education=5, degree="硕士", changed_on="2023-06-30")

    page = client.get(reverse("staffing_staff:inspect", args=[person.pk])).content.decode()

    assert "测试市图书馆 · 少儿部" in page and "测试市图书馆 · 借阅部" in page
    assert "2024-06-30" in page and "2024-07-01" in page
    assert "2023-06-30" in page and "硕士" in page


def test_hr_finds_a_link_to_correct_the_history_and_a_head_does_not(client, hr, person, org):
    client.force_login(hr)
    page = client.get(reverse("staffing_staff:inspect", args=[person.pk])).content.decode()
    assert f"{reverse('staffing_unitassignment:index')}?q={person.staff_number}" in page
    assert "更正履历" in page

    client.force_login(make_user("head", role="department_head", units=[org["a"]]))
    page = client.get(reverse("staffing_staff:inspect", args=[person.pk])).content.decode()
    assert "更正履历" not in page


def test_the_history_listing_found_by_the_staff_number_shows_that_person(client, hr, person, org):
    other = make_staff(org["b"], name="赵六", hire_date=dt.date(2016, 1, 1))
    edit(client, hr, person, unit=org["b"].pk, changed_on="2024-07-01")
    edit(client, hr, other, unit=org["a"].pk, changed_on="2024-08-01")
    url = f"{reverse('staffing_unitassignment:index')}?q={person.staff_number}"
    client.get(url)  # shows (and clears) the "saved" message of the last edit
    page = client.get(url).content.decode()
    assert "王芳" in page and "赵六" not in page
