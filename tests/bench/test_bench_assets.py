"""The asset bench at a small scale: our month's depreciation and the hand-written
INSERT … SELECT charge the same cards the same amounts; the timed import and the plain
bulk_create write the same cards, and each timed run leaves nothing (no timing asserted)."""

from decimal import Decimal

import pytest
from django.db import transaction

from assets.management.commands import bench_assets as bench
from assets.models import Asset

pytestmark = pytest.mark.django_db


def undone(call):
    with transaction.atomic():
        value = call()
        transaction.set_rollback(True)
    return value


def test_ours_and_the_hand_written_month_charge_the_same(db):
    officer = bench.generate(300)
    ours = undone(lambda: bench.ours_month(officer))
    theirs = undone(lambda: bench.hand_written_month(officer))
    assert ours == theirs and ours[0] > 100 and ours[1] > Decimal(0)


def test_the_import_and_the_bulk_create_write_the_same_cards(db, monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "LEDGER_FILE", str(tmp_path / "ledger.xlsx"))
    officer = bench.generate(0)
    rows, _units = bench.ledger_rows(200)
    bench.write_ledger(rows)
    fields = ("number", "category_id", "unit_id", "original_value", "acquired_on", "life_months",
              "carried_depreciation", "carried_months", "charge_from", "location")  # fmt: skip

    def cards():
        return sorted(Asset.objects.values_list(*fields))

    def imported():
        bench.import_cards("x.xlsx", (tmp_path / "ledger.xlsx").read_bytes(), user=officer)
        return cards()

    def created():
        bench._bulk_create(bench._plain(rows))
        return cards()

    ours, theirs = undone(imported), undone(created)
    assert ours == theirs and len(ours) == 200
    assert bench.timed_import(officer.pk) > 0 and not Asset.objects.exists()
