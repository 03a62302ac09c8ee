"""A training program lists its attendees; HR marks who attended in one POST (one
history entry), hours defaulting to the program's; others cannot."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from staffing.models import Enrolment, TrainingProgram
from staffing.selectors.compliance import with_training_hours
from staffing.services import ATTENDANCE_ACTION, mark_attendance
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


@pytest.fixture
def program(org):
    return TrainingProgram.objects.create(
        name="古籍保护培训班",
        kind="routine",
        start=dt.date(2024, 4, 1),
        end=dt.date(2024, 4, 3),
        hours=Decimal(24),
        subject_type="professional",
    )


def enrol(program, unit, n, **values):
    people = [make_staff(unit, name=f"学员{unit.code}{i}") for i in range(n)]
    Enrolment.objects.bulk_create(Enrolment(program=program, staff=p, **values) for p in people)
    return people


def inspect(client, program):
    response = client.get(reverse("staffing_trainingprogram:inspect", args=[program.pk]))
    assert response.status_code == 200
    return response.content.decode()


def mark(client, program, people, attended="1"):
    return client.post(
        reverse("staffing_trainingprogram:attendance", args=[program.pk]),
        {"staff": [p.pk for p in people], "attended": attended},
    )


def test_program_page_lists_attendees_with_checkboxes_for_hr(client, hr, org, program):
    people = enrol(program, org["a"], 2)
    Enrolment.objects.filter(staff=people[0]).update(hours=Decimal(6))
    client.force_login(hr)
    html = inspect(client, program)
    assert "学员T-A0" in html and "学员T-A1" in html
    assert f'name="staff" value="{people[0].pk}"' in html
    assert "参训人员" in html and "标记所选为已参加" in html
    assert "24.0" in html and "（项目学时）" in html and "6.0" in html
    assert "否" in html and "False" not in html
    assert "测试市图书馆 · 借阅部" in html  # the unit with its library


def test_hr_marks_the_ticked_as_attended_in_one_post_with_one_log_entry(client, hr, org, program):
    people = enrol(program, org["a"], 3)
    client.force_login(hr)
    response = mark(client, program, people[:2])
    assert response.status_code == 302
    assert set(Enrolment.objects.filter(attended=True).values_list("staff", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }
    entries = ModelLogEntry.objects.filter(action=ATTENDANCE_ACTION)
    assert entries.count() == 1 and entries.get().user == hr
    # hours default to the program's
    hours = with_training_hours(type(people[0]).objects.filter(pk=people[0].pk), 2024).get()
    assert hours.professional_hours == Decimal(24)
    html = client.get(response.url).content.decode()
    assert "2 人已标记为已参加" in html


def test_marking_absent_undoes_attendance(client, hr, org, program):
    people = enrol(program, org["a"], 2, attended=True)
    client.force_login(hr)
    mark(client, program, people[:1], attended="0")
    assert list(Enrolment.objects.filter(attended=True).values_list("staff", flat=True)) == [
        people[1].pk
    ]


def test_service_refuses_someone_not_enrolled(org, hr, program):
    enrolled = enrol(program, org["a"], 1)
    stranger = make_staff(org["a"], name="未报名者")
    with pytest.raises(ValidationError, match="古籍保护培训班"):
        mark_attendance(program, staff_ids=[enrolled[0].pk, stranger.pk], attended=True, user=hr)
    assert not Enrolment.objects.filter(attended=True).exists()
    assert not ModelLogEntry.objects.filter(action=ATTENDANCE_ACTION).exists()


def test_head_cannot_open_the_program_or_mark_attendance(client, head_a, org, program):
    mine = enrol(program, org["a"], 1)
    client.force_login(head_a)
    url = reverse("staffing_trainingprogram:inspect", args=[program.pk])
    assert client.get(url).status_code == 404
    assert mark(client, program, mine).status_code == 404
    assert not Enrolment.objects.filter(attended=True).exists()


def test_attendance_is_marked_only_by_post(client, hr, org, program):
    enrol(program, org["a"], 1)
    client.force_login(hr)
    url = reverse("staffing_trainingprogram:attendance", args=[program.pk])
    assert client.get(url).status_code == 405


def test_attendance_page_costs_the_same_for_2_and_40_attendees(
    client, hr, org, program, django_assert_max_num_queries
):
    other = TrainingProgram.objects.create(
        name="小班",
        kind="routine",
        start=dt.date(2024, 4, 1),
        end=dt.date(2024, 4, 1),
        hours=Decimal(3),
        subject_type="general",
    )
    enrol(other, org["b"], 2)
    enrol(program, org["a"], 40)
    client.force_login(hr)
    inspect(client, other)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        inspect(client, other)
    with django_assert_max_num_queries(len(few)):
        inspect(client, program)


def test_enrolment_page_shows_attended_as_yes_or_no_and_empty_hours_as_a_dash(
    client, hr, org, program
):
    person = enrol(program, org["a"], 1, attended=True)[0]
    enrolment = Enrolment.objects.get(staff=person)
    client.force_login(hr)
    response = client.get(reverse("staffing_enrolment:inspect", args=[enrolment.pk]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "已参加 是" in text and "认定学时 —" in text
    assert "True" not in text and "None" not in text


def test_marking_those_already_marked_says_how_many_were_ticked(client, hr, org, program):
    people = enrol(program, org["a"], 2, attended=True)
    client.force_login(hr)
    response = mark(client, program, people)
    assert "2 人已标记为已参加" in client.get(response.url).content.decode()
    assert ModelLogEntry.objects.get(action=ATTENDANCE_ACTION).data["count"] == 0
