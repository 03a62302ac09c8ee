"""Unit transfers and education as dated histories, status changes with their date: the
structure of a past date counts people where they were and with the degree they had."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from staffing.importers.staff import import_staff
from staffing.models import EducationRecord, Staff, UnitAssignment
from staffing.selectors.structure import structure_for, workforce_structure
from staffing.services import (
    STATUS_ACTION,
    TRANSFER_ACTION,
    change_status,
    record_earlier_unit,
    record_education,
    refresh_current,
    transfer_staff,
)
from tests.factories import make_staff, make_user
from tests.staffing.test_staff_import import xlsx, zhang

pytestmark = pytest.mark.django_db
MOVED = dt.date(2022, 3, 1)
BEFORE, AFTER = dt.date(2021, 12, 31), dt.date(2022, 12, 31)


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def unit_counts(structure):
    return {row.unit.code: row.count for row in structure.units}


def education_counts(structure):
    return {row.key: row.count for row in structure.breakdown("education").rows if row.count}


@pytest.fixture
def mover(org, hr):
    """Hired into A in 2015, transferred to B on MOVED."""
    person = make_staff(org["a"], name="调动者", hire_date=dt.date(2015, 9, 1))
    transfer_staff(person, unit=org["b"], date=MOVED, user=hr)
    return person


# -- transfers -----------------------------------------------------------------------------


def test_transfer_keeps_the_old_stay_and_moves_the_current_unit(org, mover):
    stays = list(UnitAssignment.objects.filter(staff=mover).order_by("start"))
    assert [(s.unit, s.start, s.end) for s in stays] == [
        (org["a"], dt.date(2015, 9, 1), MOVED - dt.timedelta(days=1)),
        (org["b"], MOVED, None),
    ]
    mover.refresh_from_db()
    assert mover.unit == org["b"]
    entry = ModelLogEntry.objects.get(object_id=str(mover.pk), action=TRANSFER_ACTION)
    assert entry.data["date"] == MOVED.isoformat()


def test_past_structure_counts_a_transferred_person_in_the_unit_they_were_in(org, mover):
    make_staff(org["a"], name="留在借阅部", hire_date=dt.date(2010, 1, 1))

    assert unit_counts(workforce_structure(as_of=BEFORE)) == {"T-A": 2}
    assert unit_counts(workforce_structure(as_of=AFTER)) == {"T-A": 1, "T-B": 1}
    assert workforce_structure(as_of=BEFORE, unit=org["b"]).headcount == 0
    assert workforce_structure(as_of=AFTER, unit=org["b"]).headcount == 1
    assert workforce_structure(as_of=BEFORE, unit=org["a"]).headcount == 2


def test_head_sees_the_people_who_were_in_their_unit_on_the_date(org, mover, head_a):
    assert structure_for(head_a, as_of=BEFORE).headcount == 1
    assert structure_for(head_a, as_of=AFTER).headcount == 0


def test_transfer_needs_a_date_not_before_the_hire_date(org, hr):
    person = make_staff(org["a"], hire_date=dt.date(2015, 9, 1))
    with pytest.raises(ValidationError):
        transfer_staff(person, unit=org["b"], date=None, user=hr)
    with pytest.raises(ValidationError):
        transfer_staff(person, unit=org["b"], date=dt.date(2014, 1, 1), user=hr)
    with pytest.raises(ValidationError):
        transfer_staff(person, unit=org["a"], date=dt.date(2020, 1, 1), user=hr)
    assert not UnitAssignment.objects.filter(staff=person).exists()


def test_second_transfer_on_the_same_day_corrects_the_first(org, mover, hr):
    transfer_staff(mover, unit=org["a1"], date=MOVED, user=hr)
    stays = list(UnitAssignment.objects.filter(staff=mover).order_by("start"))
    assert [(s.unit, s.end) for s in stays] == [
        (org["a"], MOVED - dt.timedelta(days=1)),
        (org["a1"], None),
    ]


def test_editing_the_unit_history_moves_the_current_unit(org, mover):
    UnitAssignment.objects.filter(staff=mover, end__isnull=True).update(unit=org["b1"])
    refresh_current([mover.pk])
    mover.refresh_from_db()
    assert mover.unit == org["b1"]


def test_transfer_from_before_the_history_places_the_earlier_stay(org, hr):
    person = make_staff(org["b"], name="早年调入", hire_date=dt.date(2010, 9, 1))
    record_earlier_unit(person, unit=org["a"], until=dt.date(2018, 2, 28), user=hr)

    stays = UnitAssignment.objects.filter(staff=person).order_by("start")
    assert [(s.unit, s.start, s.end) for s in stays] == [
        (org["a"], dt.date(2010, 9, 1), dt.date(2018, 2, 28)),
        (org["b"], dt.date(2018, 3, 1), None),
    ]
    assert unit_counts(workforce_structure(as_of=dt.date(2018, 2, 28))) == {"T-A": 1}
    person.refresh_from_db()
    assert person.unit == org["b"]
    with pytest.raises(ValidationError):  # the current stay now starts after that day
        record_earlier_unit(person, unit=org["a1"], until=dt.date(2019, 1, 1), user=hr)


# -- education -----------------------------------------------------------------------------


def test_past_structure_counts_the_degree_held_then(org, hr):
    person = make_staff(org["a"], hire_date=dt.date(2015, 9, 1), education=4, degree="学士")
    record_education(person, level=4, degree="学士", obtained=None, user=hr)  # since before
    record_education(person, level=5, degree="硕士", obtained=dt.date(2022, 6, 30), user=hr)

    assert education_counts(workforce_structure(as_of=BEFORE)) == {4: 1}
    assert education_counts(workforce_structure(as_of=AFTER)) == {5: 1}
    person.refresh_from_db()
    assert (person.education, person.degree) == (5, "硕士")


def test_first_dated_degree_keeps_the_previous_one_for_earlier_dates(org, hr):
    person = make_staff(org["a"], hire_date=dt.date(2015, 9, 1), education=4, degree="学士")
    record_education(person, level=5, degree="硕士", obtained=dt.date(2022, 6, 30), user=hr)

    records = EducationRecord.objects.filter(staff=person).order_by("pk")
    assert [(r.level, r.obtained) for r in records] == [(4, None), (5, dt.date(2022, 6, 30))]
    assert education_counts(workforce_structure(as_of=BEFORE)) == {4: 1}


def test_people_without_a_history_are_read_from_their_row(org):
    make_staff(org["a"], hire_date=dt.date(2015, 9, 1), education=3)
    structure = workforce_structure(as_of=BEFORE)
    assert education_counts(structure) == {3: 1}
    assert unit_counts(structure) == {"T-A": 1}


def test_structure_with_histories_costs_the_same_for_few_and_many_staff(org, hr):
    def grow(n):
        people = [
            make_staff(org["a"], hire_date=dt.date(2015, 1, 1), education=4) for _ in range(n)
        ]
        for person in people[:2]:
            transfer_staff(person, unit=org["b"], date=MOVED, user=hr)
            record_education(person, level=5, obtained=MOVED, user=hr)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            structure = workforce_structure(as_of=AFTER, unit=org["library"])
        return len(captured), structure.headcount

    grow(5)
    few, headcount = queries()
    assert headcount == 5
    grow(60)
    many, headcount = queries()
    assert (many, headcount) == (few, 65)


def test_structure_page_of_a_past_date_shows_the_old_unit(client, org, mover, hr):
    client.force_login(hr)
    response = client.get(reverse("staffing_structure"), {"as_of": BEFORE.isoformat()})
    assert response.status_code == 200
    assert unit_counts(response.context["structure"]) == {"T-A": 1}


# -- status --------------------------------------------------------------------------------


def test_status_change_needs_its_date(org, hr):
    person = make_staff(org["a"], hire_date=dt.date(2015, 9, 1))
    with pytest.raises(ValidationError, match="状态变动日期"):
        change_status(person, status=Staff.Status.LEFT, date=None, user=hr)
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("in_post", None)


def test_status_change_takes_the_date_given_not_today(org, hr):
    person = make_staff(org["a"], hire_date=dt.date(2015, 9, 1))
    change_status(person, status=Staff.Status.RETIRED, date=dt.date(2024, 3, 31), user=hr)
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("retired", dt.date(2024, 3, 31))
    entry = ModelLogEntry.objects.get(object_id=str(person.pk), action=STATUS_ACTION)
    assert entry.data == {"from": "in_post", "to": "retired", "date": "2024-03-31"}
    assert workforce_structure(as_of=dt.date(2024, 3, 30)).headcount == 1
    assert workforce_structure(as_of=dt.date(2024, 3, 31)).headcount == 0


def test_status_change_cannot_be_dated_before_the_hire_date(org, hr):
    person = make_staff(org["a"], hire_date=dt.date(2015, 9, 1))
    with pytest.raises(ValidationError):
        change_status(person, status=Staff.Status.LEFT, date=dt.date(2010, 1, 1), user=hr)


# -- the staff sheet -----------------------------------------------------------------------


def test_sheet_starts_the_histories_and_dates_a_transfer_by_the_import(org):
    import_staff(xlsx(zhang()))
    person = Staff.objects.get(staff_number="A001")
    (stay,) = UnitAssignment.objects.filter(staff=person)
    assert (stay.unit, stay.start, stay.end) == (org["a"], dt.date(2009, 7, 1), None)
    (degree,) = EducationRecord.objects.filter(staff=person)
    assert (degree.level, degree.degree, degree.obtained) == (4, "学士", None)

    import_staff(xlsx(zhang(所在单位="T-B 少儿部", 最高学历="硕士", 学位="硕士")))

    today = timezone.localdate()
    stays = UnitAssignment.objects.filter(staff=person).order_by("start")
    assert [(s.unit, s.start, s.end) for s in stays] == [
        (org["a"], dt.date(2009, 7, 1), today - dt.timedelta(days=1)),
        (org["b"], today, None),
    ]
    degrees = EducationRecord.objects.filter(staff=person).order_by("pk")
    assert [(d.level, d.obtained) for d in degrees] == [(4, None), (5, today)]
    assert unit_counts(workforce_structure(as_of=today - dt.timedelta(days=1))) == {"T-A": 1}


def test_sheet_dates_a_transfer_and_a_degree_by_its_own_columns(org):
    import_staff(xlsx(zhang()))
    result = import_staff(
        xlsx(
            zhang(
                所在单位="T-B 少儿部",
                调动日期="2024.3",
                最高学历="硕士",
                学位="硕士",
                毕业时间="2023年6月",
            )
        )
    )

    person = Staff.objects.get(staff_number="A001")
    stays = UnitAssignment.objects.filter(staff=person).order_by("start")
    assert [(s.unit, s.start, s.end) for s in stays] == [
        (org["a"], dt.date(2009, 7, 1), dt.date(2024, 2, 29)),
        (org["b"], dt.date(2024, 3, 1), None),
    ]
    assert EducationRecord.objects.filter(staff=person).latest("pk").obtained == dt.date(2023, 6, 1)
    assert "今天" not in str(result)


def test_sheet_says_when_it_dates_a_change_by_the_import(org):
    import_staff(xlsx(zhang()))
    result = import_staff(xlsx(zhang(所在单位="T-B 少儿部")))
    assert "1 项单位或学历变动" in str(result)


def test_sheet_status_change_takes_the_sheets_date(org):
    import_staff(xlsx(zhang()))
    import_staff(xlsx(zhang(状态="离职", 状态日期="2025-06-30")))
    person = Staff.objects.get(staff_number="A001")
    assert (person.status, person.status_date) == ("left", dt.date(2025, 6, 30))


# -- existing staff: the data migration's rule ---------------------------------------------


def test_migration_starts_each_history_from_the_current_values(org):
    hired = make_staff(org["a"], hire_date=dt.date(2015, 9, 1), education=4, major="图书馆学")
    unknown = make_staff(org["b"], hire_date=None)
    migration = importlib.import_module("staffing.migrations.0007_histories_from_current_values")

    migration.start_histories(apps, None)
    migration.start_histories(apps, None)  # a second run adds nothing

    stays = {s.staff_id: (s.unit_id, s.start, s.end) for s in UnitAssignment.objects.all()}
    assert stays == {
        hired.pk: (org["a"].pk, dt.date(2015, 9, 1), None),
        unknown.pk: (org["b"].pk, None, None),
    }
    (degree,) = EducationRecord.objects.all()
    assert (degree.staff, degree.level, degree.major, degree.obtained) == (
        hired,
        4,
        "图书馆学",
        None,
    )


# -- HR corrects a history row in the admin ------------------------------------------------


def test_hr_corrects_a_transfer_date_in_the_admin(client, org, mover, hr):
    stay = UnitAssignment.objects.get(staff=mover, end__isnull=True)
    client.force_login(hr)
    response = client.post(
        reverse("staffing_unitassignment:edit", args=[stay.pk]),
        {"staff": mover.pk, "unit": org["b1"].pk, "start": "2022-03-01", "end": "", "basis": ""},
    )
    assert response.status_code == 302
    mover.refresh_from_db()
    assert mover.unit == org["b1"]
    listing = client.get(reverse("staffing_unitassignment:index")).content.decode()
    assert "调动者" in listing and "任职部门" in listing


def test_hr_adds_a_dated_degree_in_the_admin(client, org, hr):
    person = make_staff(org["a"], name="进修者", hire_date=dt.date(2015, 9, 1), education=4)
    client.force_login(hr)
    response = client.post(
        reverse("staffing_educationrecord:add"),
        {
            "staff": person.pk,
            "level": 5,
            "degree": "硕士",
            "major": "图书馆学",
            "discipline": "library",
            "obtained": "2023-06-30",
            "basis": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.education, person.degree) == (5, "硕士")
    assert education_counts(workforce_structure(as_of=AFTER)) == {4: 1}  # held before
    assert education_counts(workforce_structure(as_of=dt.date(2023, 12, 31))) == {5: 1}


def test_sheet_new_leaver_needs_a_date_but_a_new_secondee_does_not(org):
    from reporting.imports import ImportFailed

    with pytest.raises(ImportFailed):
        import_staff(xlsx(zhang(状态="离职")))
    import_staff(xlsx(zhang(状态="借调")))
    assert Staff.objects.get(staff_number="A001").status == "seconded"
