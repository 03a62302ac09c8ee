"""How the compliance listing queries: each person's hours summed once in grouped
subqueries joined to the staff rows, the user's scope applied first, a flat query count."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffing.models import Enrolment, ExternalTraining, Staff, TrainingProgram
from staffing.selectors.compliance import (
    compliance_listing,
    pass_rates_by_library,
    with_training_hours,
)
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def professional(unit, name=None, **values):
    return make_staff(unit, name=name, post_category="professional", **values)


def train(person, hours, subject="professional", *, year=YEAR, enrolled=False):
    if enrolled:
        program = TrainingProgram.objects.create(
            name=f"培训{person.pk}-{hours}-{subject}-{year}-{Enrolment.objects.count()}",
            kind="continuing",
            start=dt.date(year, 3, 1),
            end=dt.date(year, 3, 2),
            hours=Decimal(str(hours)),
            subject_type=subject,
        )
        Enrolment.objects.create(program=program, staff=person, attended=True)
    else:
        ExternalTraining.objects.create(
            staff=person,
            name="外出研修",
            date=dt.date(year, 5, 1),
            hours=Decimal(str(hours)),
            subject_type=subject,
        )


def grow(org, staff: int, rows_each: int):
    """``staff`` more professional people, each with ``rows_each`` enrolments and as many
    external trainings, half of them general."""
    people = [professional(org["a"] if i % 2 else org["b"]) for i in range(staff)]
    for person in people:
        for i in range(rows_each):
            subject = "general" if i % 2 else "professional"
            train(person, 3, subject, enrolled=True)
            train(person, 2, subject)
    return people


def run(user, **options):
    """The listing's rows with their hours, and the statements it took."""
    with CaptureQueriesContext(connection) as captured:
        rows = [
            (s.pk, s.professional_hours, s.general_hours)
            for s in compliance_listing(user, year=YEAR, **options)
        ]
    return rows, [q["sql"] for q in captured]


def test_listing_sums_hours_in_two_grouped_subqueries_joined_once(org, hr):
    grow(org, 3, 2)
    _, statements = run(hr, short_only=True)
    listing = statements[-1]
    # One grouped derived table per source (the post held may add its own, on PostgreSQL).
    for table in ("enrolment", "externaltraining"):
        assert listing.count(f'LEFT OUTER JOIN (SELECT "staffing_{table}"."staff_id"') == 1
    assert listing.count("GROUP BY") >= 2
    assert listing.count("SUM(") == 4  # two subjects, two sources
    # No correlated subquery on the training tables (Django aliases those U0, U1...).
    assert not re.search(r'FROM "staffing_(enrolment|externaltraining)" U\d', listing)


def test_listing_statements_do_not_grow_with_staff_or_training_rows(org, hr):
    grow(org, 3, 1)
    run(hr)  # warm the per-process caches
    few, few_sql = run(hr)
    few_short, few_short_sql = run(hr, short_only=True)
    grow(org, 60, 4)
    many, many_sql = run(hr)
    many_short, many_short_sql = run(hr, short_only=True)
    assert len(many) == len(few) + 60
    assert len(many_sql) == len(few_sql) and len(many_short_sql) == len(few_short_sql)
    for before, after in ((few_sql, many_sql), (few_short_sql, many_short_sql)):
        assert [s.count("SELECT") for s in before] == [s.count("SELECT") for s in after]


def test_hours_of_each_person_add_both_sources_and_both_subjects(org, hr):
    person = professional(org["a"], "甲")
    train(person, 10, enrolled=True)
    train(person, 20, enrolled=True)
    train(person, 5, "general", enrolled=True)
    train(person, 7)
    train(person, 4, "general")
    train(person, 99, year=YEAR - 1)  # another year
    only_external = professional(org["b"], "乙")
    train(only_external, 3.5, "general")
    nothing = professional(org["b"], "丙")
    rows = {s.pk: s for s in compliance_listing(hr, year=YEAR)}
    assert (rows[person.pk].professional_hours, rows[person.pk].general_hours) == (37, 9)
    assert rows[person.pk].total_hours == Decimal("46.0")
    assert rows[only_external.pk].professional_hours == 0
    assert rows[only_external.pk].general_hours == Decimal("3.5")
    assert rows[nothing.pk].total_hours == 0


def test_a_heads_listing_sums_only_the_people_in_scope(org):
    head = make_user("head_a", role="department_head", units=[org["a"]])
    mine, other = professional(org["a"], "甲"), professional(org["b"], "乙")
    train(mine, 12, enrolled=True)
    train(other, 50, enrolled=True)
    rows, statements = run(head)
    assert rows == [(mine.pk, Decimal("12.0"), Decimal("0.0"))]
    assert statements[-1].count("IN (SELECT") >= 2  # each grouped subquery limited to scope


def test_listing_nests_in_other_queries_and_counts(org, hr):
    people = grow(org, 4, 1)
    train(people[0], 100)  # compliant; the others are short
    untrained = professional(org["a"], "无培训")  # no row in either grouped subquery
    listing = compliance_listing(hr, year=YEAR, short_only=True)
    assert listing.count() == 4
    nested = Staff.objects.filter(pk__in=listing.values("pk"))
    assert set(nested.values_list("pk", flat=True)) == {p.pk for p in people[1:]} | {untrained.pk}
    libraries, total = pass_rates_by_library(hr, year=YEAR)
    assert (total.assessed, total.short) == (5, 4)


def test_training_hours_of_two_years_on_one_queryset_stay_apart(org):
    person = professional(org["a"])
    train(person, 8)
    train(person, 30, year=YEAR - 1)
    hours = with_training_hours(Staff.objects.filter(pk=person.pk), YEAR)
    last_year = with_training_hours(Staff.objects.filter(pk__in=hours.values("pk")), YEAR - 1)
    assert hours.get().total_hours == Decimal("8.0")
    assert last_year.get().total_hours == Decimal("30.0")
