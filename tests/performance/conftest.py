"""The appraisal tests' people: HR (王晓红), a member of staff with a login in unit A, and
an annual cycle being scored with them, four colleagues and someone in unit B."""

import datetime as dt

import pytest

from performance.services import advance_cycle, open_cycle
from tests.factories import make_staff, make_user


@pytest.fixture
def hr(org):
    return make_user("hr_officer", role="hr", first_name="晓红", last_name="王")


@pytest.fixture
def person(org):
    return make_user("zhou", role="staff", units=[org["a"]])


@pytest.fixture
def scoring(org, hr, person):
    """(cycle, 周雨婷, four colleagues in A, 刘明 in B): the 2025 annual cycle, scoring."""
    mine = make_staff(org["a"], name="周雨婷", user=person, hire_date=dt.date(2015, 1, 1))
    others = [make_staff(org["a"], hire_date=dt.date(2015, 1, 1)) for _ in range(4)]
    other_unit = make_staff(org["b"], name="刘明", hire_date=dt.date(2015, 1, 1))
    cycle = open_cycle(library=org["library"], kind="annual", year=2025, user=hr)
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    return cycle, mine, others, other_unit
