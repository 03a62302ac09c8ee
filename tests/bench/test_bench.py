"""The bench's harness (reporting's ``bench`` command): it writes only into throwaway
databases and refuses to time a baseline that computes something else."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.management.commands.bench import (
    Disagreement,
    Result,
    compare,
    is_throwaway,
    judge,
    same,
    table,
)


def test_bench_only_writes_into_a_throwaway_database():
    assert is_throwaway({"NAME": "file:memorydb_default?mode=memory&cache=shared"})
    assert is_throwaway({"NAME": "/work/main/var/bench.sqlite3"})
    assert is_throwaway({"NAME": "test_shuxiang"})
    assert is_throwaway({"NAME": "shx_bench"})
    assert not is_throwaway({"NAME": "/work/main/db.sqlite3"})
    assert not is_throwaway({"NAME": "shuxiang"})
    assert not is_throwaway({"NAME": "benchmarks_prod"})


def test_bench_refuses_to_drop_a_postgres_database_not_named_bench():
    with pytest.raises(CommandError, match="Refusing to drop"):
        call_command(
            "bench", postgres="postgres://postgres@127.0.0.1/shuxiang", no_sqlite=True,
            stdout=StringIO(),
        )  # fmt: skip


def test_a_baseline_computing_something_else_is_never_timed():
    timed = []

    def ours():
        timed.append("ours")
        return {"a": 1, "b": 2}

    with pytest.raises(Disagreement, match="b"):
        compare("x", ours, lambda: {"a": 1, "b": 3}, runs=3, check=same)
    assert timed == ["ours"]  # the check's run only


def test_runs_alternate_and_the_table_gives_median_min_max_and_the_verdict():
    order = []
    result = compare("x", lambda: order.append("A"), lambda: order.append("B"), runs=3, check=same)
    assert order == ["A", "B"] + ["A", "B"] * 3
    assert len(result.ours) == len(result.baseline) == 3

    line = table([judge(Result("m", "SQLite", [3.0, 1.0, 2.0], [1.0, 1.0, 1.0]), at_most=1.5)])
    assert (
        "| m | SQLite | 2.00 (1.00–3.00) s | 1.00 (1.00–1.00) s | 2.00× | ≤ 1.5× | **no** |" in line
    )
