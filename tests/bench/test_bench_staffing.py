"""The staffing benchmark command: a smoke test on a few staff (no timing assertions)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from staffing.models import Staff, TitleRecord


@pytest.mark.django_db
def test_bench_staffing_prints_the_three_timings_agrees_and_rolls_back():
    out = StringIO()

    call_command("bench_staffing", staff=40, repeat=1, date="2020-12-31", stdout=out)

    text = out.getvalue()
    lines = text.splitlines()
    for label in ("structure", "title share", "raw SQL"):
        assert any(line.startswith(label) and "best" in line for line in lines), label
    agreed = re.search(r"agrees with the structure on (\d+) of (\d+) figures", text)
    assert agreed and agreed[1] == agreed[2] and int(agreed[1]) > 10, text
    assert "As of 2020-12-31" in text
    assert not Staff.objects.exists() and not TitleRecord.objects.exists()


@pytest.mark.django_db
def test_bench_staffing_refuses_a_real_database(settings, monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/shuxiang/db.sqlite3")

    with pytest.raises(CommandError, match="Refusing"):
        call_command("bench_staffing", staff=40, repeat=1, stdout=StringIO())
