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
from staffing.management.commands.bench_staffing import (
    _cells,
    baseline_write,
    compliance_rows,
    generate,
    import_writes,
    raw_export,
    raw_short,
    raw_structure,
    staff_sheets,
    structure_figures,
    table_state,
    written_models,
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


def test_the_import_baselines_write_the_same_rows_as_the_import(bench):
    new, changed = staff_sheets(export_staff(Staff.objects.all(), personal=True))
    hr = _user(bench.user_id)
    before = {m: table_state(m) for m in written_models()}

    for data in (new, changed):
        writes = import_writes(data, hr)
        assert writes.inserted[Staff] if data is new else writes.changed[Staff]
        with rolled_back():
            baseline_write(data, writes)
            theirs = {m: table_state(m) for m in written_models()}
        assert theirs == writes.after
        assert theirs != before
    # the histories and the log are part of what is compared, not only the staff rows
    assert any(writes.inserted[m] for m in written_models() if m is not Staff)
    assert {m: table_state(m) for m in written_models()} == before  # each run rolled back


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
