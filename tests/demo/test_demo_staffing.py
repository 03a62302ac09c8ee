"""The demo staff: about 250 people with valid ID numbers and histories that agree with
their records, the demo users' own records, and a 2025 in which most professional staff
reach their 90 hours of continuing education."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from demo.loaders.org import counties, load_org_tree, load_users
from demo.loaders.staffing import load_staffing
from governance.roles import setup_roles
from staffing.models import (
    Certificate,
    Enrolment,
    ExternalTraining,
    PostAppointment,
    PostCategory,
    Staff,
    StructureTarget,
    TitleRecord,
    TrainingProgram,
)
from staffing.validators import id_birth_date, validate_id_number

pytestmark = pytest.mark.django_db
MODELS = [
    Staff,
    PostAppointment,
    TitleRecord,
    TrainingProgram,
    Enrolment,
    ExternalTraining,
    Certificate,
    StructureTarget,
]
# Professional grades allowed with each title level (1 = 管理员 … 5 = 研究馆员).
BANDS = {None: {13}, 1: {13}, 2: {11, 12}, 3: {8, 9, 10}, 4: {5, 6, 7}, 5: {1, 2, 3, 4}}


@pytest.fixture
def loaded():
    setup_roles()
    load_org_tree()
    load_users()
    started = time.perf_counter()
    counts = load_staffing()
    return counts, time.perf_counter() - started


@pytest.fixture
def counts(loaded):
    return loaded[0]


def hours_2025(staff):
    """Staff annotated with their hours credited in 2025: attended programs ending that
    year (their own hours or the program's) and training taken elsewhere."""
    decimal = DecimalField(max_digits=8, decimal_places=1)
    zero = Value(Decimal(0), output_field=decimal)
    programs = (
        Enrolment.objects.filter(staff=OuterRef("pk"), attended=True, program__end__year=2025)
        .values("staff")
        .annotate(total=Sum(Coalesce("hours", "program__hours")))
        .values("total")
    )
    external = (
        ExternalTraining.objects.filter(staff=OuterRef("pk"), date__year=2025)
        .values("staff")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return staff.annotate(
        hours=Coalesce(Subquery(programs, output_field=decimal), zero)
        + Coalesce(Subquery(external, output_field=decimal), zero)
    )


def test_loads_about_250_staff_in_under_ten_seconds(loaded):
    counts, seconds = loaded
    assert seconds < 10, f"load_staffing took {seconds:.1f} s"
    assert 240 <= counts["staff"] == Staff.objects.count() <= 260
    assert counts["programs"] == TrainingProgram.objects.count() == 60
    assert counts["enrolments"] == Enrolment.objects.count() > 1000


def test_staff_spread_over_the_city_library_and_every_county(counts):
    city = Staff.objects.filter(unit__code__startswith="FZ-SLIB")
    assert 80 <= city.count() <= 100
    per_unit = {
        code: city.filter(unit__code__startswith=code).count()
        for code in ["FZ-SLIB-LEND", "FZ-SLIB-CHILD", "FZ-SLIB-ACQ", "FZ-SLIB-FIN"]
    }
    assert min(per_unit["FZ-SLIB-LEND"], per_unit["FZ-SLIB-CHILD"], per_unit["FZ-SLIB-ACQ"]) > 10
    assert per_unit["FZ-SLIB-FIN"] <= 4
    for code in counties():
        assert 10 <= Staff.objects.filter(unit__code__startswith=f"{code}-").count() <= 20, code


def test_every_id_number_is_valid_and_matches_birth_date_and_gender(counts):
    rows = list(Staff.objects.values_list("id_number", "birth_date", "gender"))
    assert len({row[0] for row in rows}) == len(rows)
    for id_number, birth_date, gender in rows:
        validate_id_number(id_number)
        assert id_number.startswith("3610"), id_number
        assert id_birth_date(id_number) == birth_date, id_number
        assert int(id_number[16]) % 2 == (1 if gender == "M" else 0), id_number


def test_staff_in_post_are_23_to_59_and_mostly_women(counts):
    as_of = dt.date(2026, 11, 20)
    births = list(Staff.objects.in_post().values_list("birth_date", flat=True))
    ages = [as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day)) for b in births]
    assert min(ages) >= 23 and max(ages) <= 59
    women = Staff.objects.filter(gender="F").count() / Staff.objects.count()
    assert 0.55 <= women <= 0.75


def test_demo_users_have_records_in_their_departments(counts):
    records = {
        s.user.username: s for s in Staff.objects.filter(user__isnull=False).select_related("unit")
    }
    assert sorted(records) == ["head1", "head2", "staff1"]
    assert records["head1"].unit.code == "FZ-SLIB-LEND"
    assert records["head2"].unit.code == "FZ-SLIB-CHILD"
    assert records["staff1"].unit.code == "FZ-SLIB-LEND"
    assert {records["head1"].title, records["head2"].title} <= {"副研究馆员", "馆员"}
    assert records["staff1"].title == "助理馆员"
    assert records["staff1"].post_category == PostCategory.PROFESSIONAL


def test_staff1_is_a_little_short_of_90_hours_in_2025(counts):
    staff1 = hours_2025(Staff.objects.filter(user__username="staff1")).get()
    assert 80 <= staff1.hours < 90


def test_current_post_and_title_are_the_latest_history_rows(counts):
    staff = Staff.objects.prefetch_related("appointments", "titles")
    for s in staff:
        appointments = sorted(s.appointments.all(), key=lambda a: a.start)
        titles = sorted(s.titles.all(), key=lambda t: t.obtained)
        post = (appointments[-1].category, appointments[-1].grade) if appointments else ("", None)
        title = (titles[-1].title, titles[-1].level) if titles else ("", None)
        assert (s.post_category, s.post_grade) == post, s
        assert (s.title, s.title_level) == title, s


def test_histories_are_contiguous_and_grades_fit_the_titles_held(counts):
    for s in Staff.objects.prefetch_related("appointments", "titles"):
        appointments = sorted(s.appointments.all(), key=lambda a: a.start)
        titles = sorted(s.titles.all(), key=lambda t: t.obtained)
        for earlier, later in zip(appointments, appointments[1:], strict=False):
            assert earlier.end == later.start - dt.timedelta(days=1), s
        if appointments and s.status in (Staff.Status.LEFT, Staff.Status.RETIRED):
            assert appointments[-1].end == s.status_date - dt.timedelta(days=1), s
        elif appointments:
            assert appointments[-1].end is None, s
        for a in appointments:
            held = [t.level for t in titles if t.obtained <= a.start]
            if a.category == PostCategory.PROFESSIONAL:
                assert a.grade in BANDS[held[-1] if held else None], (s, a)


def test_some_titles_were_obtained_in_2025_or_later(counts):
    recent = TitleRecord.objects.filter(obtained__gte=dt.date(2025, 1, 1))
    promotions = [
        t for t in recent if TitleRecord.objects.filter(staff=t.staff, obtained__lt=t.obtained)
    ]
    assert len(promotions) >= 3


def test_most_professional_staff_reach_90_hours_in_2025(counts):
    # Those in post and employed for the whole year.
    professional = Staff.objects.in_post().filter(
        post_category=PostCategory.PROFESSIONAL, hire_date__lt=dt.date(2025, 1, 1)
    )
    reached = hours_2025(professional).filter(hours__gte=90).count()
    assert 0.60 <= reached / professional.count() <= 0.90


def test_structure_targets_for_2025_and_2026(counts):
    targets = set(StructureTarget.objects.values_list("year", "dimension", "value"))
    for year in (2025, 2026):
        assert {
            (year, "title_level", "3"),
            (year, "title_level", "4"),
            (year, "education", "4"),
            (year, "discipline", "library"),
        } <= targets


def test_running_again_creates_nothing(counts):
    before = [model.objects.count() for model in MODELS]
    again = load_staffing()
    assert set(again.values()) == {0}
    assert [model.objects.count() for model in MODELS] == before


def test_transfers_place_people_in_their_old_unit_in_the_past(counts):
    from staffing.selectors.structure import workforce_structure

    assert counts["transfers"] == 3 and counts["ce_rules"] == 2
    mover = Staff.objects.get(staff_number="FZ0033")
    stays = mover.unit_assignments.order_by("start")
    assert [(s.unit.code, s.end) for s in stays] == [
        ("FZ-SLIB-ACQ", dt.date(2019, 2, 28)),
        ("FZ-SLIB-LEND", None),
    ]
    lend = mover.unit
    before = workforce_structure(as_of=dt.date(2019, 2, 28), unit=lend)
    after = workforce_structure(as_of=dt.date(2019, 3, 1), unit=lend)
    assert after.headcount == before.headcount + 1
