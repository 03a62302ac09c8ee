"""The plan benchmark command: a smoke test on a tiny plan (no timing assertions)."""

from io import StringIO

import pytest
from django.core.management import call_command

from governance.management.commands.bench_plan import is_throwaway
from governance.models import Plan


@pytest.mark.django_db
def test_bench_plan_prints_the_three_timings_and_rolls_back():
    out = StringIO()

    call_command("bench_plan", items=60, periods=2, repeat=1, stdout=out)

    lines = out.getvalue().splitlines()
    for label in ("rollup_progress", "plan_dashboard", "raw SQL"):
        assert any(line.startswith(label) and "best" in line for line in lines), label
    assert "agrees with rollup_progress within 0.01 on 60 of 60 items" in out.getvalue()
    assert not Plan.objects.exists()


def test_bench_plan_only_writes_into_a_throwaway_database():
    assert is_throwaway({"NAME": "file:memorydb_default?mode=memory&cache=shared"})
    assert is_throwaway({"NAME": "/work/main/var/bench.sqlite3"})
    assert is_throwaway({"NAME": "test_shuxiang"})
    assert not is_throwaway({"NAME": "/work/main/db.sqlite3"})
    assert not is_throwaway({"NAME": "shuxiang"})
