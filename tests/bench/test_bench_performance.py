"""The appraisal bench on a small library: raw SQL finalising leaves the same rows as the
service (no timing asserted), and the table shows milliseconds where seconds would read
0.00."""

import datetime as dt

import pytest

from performance.management.commands.bench_performance import (
    final_state,
    generate,
    raw_finalise,
)
from performance.models import AppraisalCycle, Grade
from performance.services import finalise_cycle
from reporting.management.commands.bench import Result, rolled_back, table


@pytest.fixture
def bench(db):
    return generate(60)


def test_raw_finalising_writes_the_same_rows_as_the_service(bench):
    cycle, hr = bench
    with rolled_back():
        finalise_cycle(cycle, user=hr, today=dt.date(2026, 1, 5))
        ours = final_state(cycle.pk)
    with rolled_back():
        raw_finalise(cycle.pk)
        theirs = final_state(cycle.pk)
    assert ours == theirs
    assert ours["status"] == AppraisalCycle.Status.FINAL
    grades = set(ours["grades"].values())
    assert {Grade.EXCELLENT, Grade.COMPETENT, Grade.UNGRADED} <= grades  # late joiners ungraded


def test_short_times_read_in_milliseconds():
    line = table([Result("x", "SQLite", [0.0123, 0.0125], [0.004, 0.0041])]).splitlines()[-1]
    assert "12.4 (12.3–12.5) ms" in line and "4.05 (4.00–4.10) ms" in line
