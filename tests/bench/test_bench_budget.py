"""The budget bench on a small ledger: the import and the plain bulk_create it is timed
beside write the same lines (no timing asserted), and a timed run leaves nothing."""

import pytest

from budget.management.commands.bench_budget import LEDGER_FILE, generate, timed_import, written
from budget.models import BudgetProject, Expenditure


@pytest.fixture
def bench(db, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "budget.management.commands.bench_budget.LEDGER_FILE", str(tmp_path / "ledger.xlsx")
    )
    return generate(12, 300)


def test_the_import_and_the_baseline_write_the_same_lines(bench):
    rows, finance = bench
    ours, theirs = written(finance, rows)
    assert ours == theirs and len(ours) == 300
    assert BudgetProject.objects.count() == 12 and not Expenditure.objects.exists()


def test_a_timed_import_is_undone(bench):
    _rows, finance = bench
    assert timed_import(finance.pk) > 0
    assert not Expenditure.objects.exists()
    assert LEDGER_FILE.endswith(".xlsx")
