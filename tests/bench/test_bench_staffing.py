"""The staffing bench on a few staff: each baseline computes the same result as ours —
the structure's counts, the people short of training, the rows an import leaves, the
cells of the export (no timing asserted)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from reporting.management.commands.bench import rolled_back
from staffing.documents import export_staff
from staffing.importers.staff import import_staff
from staffing.management.commands.bench_staffing import (
    NEW_PREFIX,
    _cells,
    baseline_insert,
    baseline_update,
    compliance_rows,
    generate,
    raw_export,
    raw_short,
    raw_structure,
    staff_sheets,
    staff_state,
    structure_figures,
)
from staffing.models import Staff, TitleRecord
from staffing.selectors.compliance import compliance_listing
from staffing.selectors.structure import structure_for


@pytest.fixture
def bench(db):
    return generate(staff=120)


def _user(pk):
    return get_user_model().objects.get(pk=pk)  # fresh: no memoised access


@pytest.mark.parametrize("who", ["head_id", "user_id"])
def test_the_structure_baseline_counts_the_same(bench, who):
    pk = getattr(bench, who)

    ours = structure_figures(structure_for(_user(pk), as_of=bench.as_of))

    assert ours == raw_structure(as_of=bench.as_of, user=_user(pk))
    assert sum(n for (key, _v), n in ours.items() if key == "unit") > 10


@pytest.mark.parametrize("who", ["head_id", "user_id"])
def test_the_compliance_baseline_lists_the_same_people_short(bench, who):
    pk, year = getattr(bench, who), bench.as_of.year

    ours = compliance_rows(compliance_listing(_user(pk), year=year, short_only=True))

    assert ours == raw_short(_user(pk), year=year)
    assert ours


def test_the_compliance_baseline_leaves_out_the_people_not_short(bench):
    hr, year = _user(bench.user_id), bench.as_of.year

    short = raw_short(hr, year=year)

    assert 0 < len(short) < compliance_listing(hr, year=year).count()


def test_the_import_baselines_leave_the_same_rows(bench):
    new, changed = staff_sheets(export_staff(Staff.objects.all(), personal=True))
    hr = _user(bench.user_id)
    before = staff_state()

    for data, baseline, prefix in (
        (new, baseline_insert, NEW_PREFIX),
        (changed, baseline_update, ""),
    ):
        with rolled_back():
            import_staff(data, user=hr)
            ours = staff_state(prefix)
        with rolled_back():
            baseline(data)
            theirs = staff_state(prefix)
        assert ours == theirs
        assert ours != before and len(ours) == len(before)
    assert staff_state() == before  # each run rolled back


def test_the_export_baseline_writes_the_same_cells(bench):
    ours = _cells(export_staff(Staff.objects.all(), personal=True))

    assert ours == _cells(raw_export())
    assert len(ours) == 1 + Staff.objects.count()


@pytest.mark.django_db
def test_bench_staffing_prints_a_line_per_measure():
    out = StringIO()

    call_command("bench_staffing", staff=40, runs=1, skip="roster", stdout=out)

    text = out.getvalue()
    for label in ("workforce structure, head", "compliance short only, HR", "new rows",
                  "rows all changed", "staff export"):  # fmt: skip
        assert f"| {label}" in text or label in text, label
    assert Staff.objects.exists() and TitleRecord.objects.exists()  # committed: children read it


@pytest.mark.django_db
def test_bench_staffing_refuses_a_real_database(monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/shuxiang/db.sqlite3")

    with pytest.raises(CommandError, match="Refusing"):
        call_command("bench_staffing", staff=40, runs=1, stdout=StringIO())
