"""The 民主测评 tally imported from a spreadsheet: all-or-nothing with errors by row and
column, a re-import writes nothing, only while the cycle is being scored."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from performance.importers import import_votes
from performance.services import advance_cycle, open_cycle
from reporting.imports import ImportFailed
from tests.factories import make_staff

HEADER = ["工号", "姓名", "优秀", "合格", "基本合格", "不合格"]


@pytest.fixture
def cycle(org, hr):
    make_staff(org["a"], staff_number="A001", name="周雨婷", hire_date=dt.date(2015, 1, 1))
    make_staff(org["b"], staff_number="B001", name="刘明", hire_date=dt.date(2015, 1, 1))
    cycle = open_cycle(library=org["library"], kind="annual", year=2025, user=hr)
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    return cycle


def sheet(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def votes(cycle, number):
    a = cycle.appraisals.get(staff__staff_number=number)
    return (a.votes_excellent, a.votes_competent, a.votes_basic, a.votes_incompetent)


def test_the_tally_is_recorded_and_a_reimport_writes_nothing(cycle, hr):
    data = sheet(["A001", "周雨婷", 12, 20, 1, 0], ["b001", "", 3, 28, 2, 0])
    assert import_votes(cycle, "votes.xlsx", data, user=hr) == 2
    assert votes(cycle, "A001") == (12, 20, 1, 0) and votes(cycle, "B001") == (3, 28, 2, 0)
    assert import_votes(cycle, "votes.xlsx", data, user=hr) == 0


def test_bad_cells_are_listed_and_nothing_is_saved(org, cycle, hr):
    data = sheet(
        ["A001", "周雨婷", 12, 20, 1, 0],
        ["Z999", "", 1, 1, 1, 1],
        ["B001", "王五", -1, "很多", 0, 0],
    )
    with pytest.raises(ImportFailed) as failed:
        import_votes(cycle, "votes.xlsx", data, user=hr)
    messages = [str(e) for e in failed.value.errors]
    assert any("第 3 行" in m and "工号" in m for m in messages), messages
    assert any("第 4 行" in m and "姓名" in m for m in messages)  # B001 is 刘明
    assert any("第 4 行" in m and "“优秀”" in m for m in messages)
    assert votes(cycle, "A001") == (0, 0, 0, 0)  # nothing saved


def test_only_while_scoring_and_only_hr(org, hr, head_a):
    cycle = open_cycle(library=org["library"], kind="annual", year=2025, user=hr)
    with pytest.raises(ValidationError, match="评分阶段"):
        import_votes(cycle, "votes.xlsx", sheet(), user=hr)
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    with pytest.raises(PermissionDenied):
        import_votes(cycle, "votes.xlsx", sheet(), user=head_a)


def test_hr_uploads_the_tally_on_the_cycle_page(client, cycle, hr):
    client.force_login(hr)
    url = reverse("performance_cycle_votes", args=[cycle.pk])
    upload = BytesIO(sheet(["A001", "周雨婷", 5, 30, 0, 0]))
    upload.name = "测评.xlsx"
    response = client.post(url, {"file": upload}, follow=True)
    assert "1 人" in response.content.decode()
    assert votes(cycle, "A001") == (5, 30, 0, 0)
    bad = BytesIO(sheet(["A001", "周雨婷", "x", 0, 0, 0]))
    bad.name = "测评.xlsx"
    response = client.post(url, {"file": bad})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行" in page and votes(cycle, "A001") == (5, 30, 0, 0)
