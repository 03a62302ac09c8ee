"""The unit roster PDF: A4 landscape, closed by the line HR signs (制表 with the name of
the person who printed it, 审核, 日期)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_staff, make_user
from tests.tools import pdf_text, require_cjk_font

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr", first_name="人事专员")


def roster(client, unit):
    response = client.get(reverse("staffing_roster_pdf", args=[unit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def text_of(pdf: bytes) -> str:
    return pdf_text(pdf)


def test_roster_is_a4_landscape(client, org, hr):
    make_staff(org["a"], name="借阅部张三")
    client.force_login(hr)
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", roster(client, org["a"]))
    assert boxes
    for width, height in boxes:
        assert round(float(width)) == 842 and round(float(height)) == 595


def test_roster_ends_with_the_prepared_by_line_naming_hr(client, org, hr):
    make_staff(org["a"], name="借阅部张三")
    client.force_login(hr)
    require_cjk_font()
    text = text_of(roster(client, org["a"]))
    today = timezone.localdate().isoformat()
    assert "借阅部张三" in text
    assert "在岗职工 1 人。" in text  # the people printed, counted as they stream
    line = next(line for line in text.splitlines() if "制表" in line)
    assert "制表：人事专员" in line and "审核：" in line and f"日期：{today}" in line
    assert "hr_user" not in text


def test_prepared_by_is_the_staff_records_name_when_linked(client, org, hr):
    make_staff(org["a"], name="王人事", user=hr)
    client.force_login(hr)
    require_cjk_font()
    assert "制表：王人事" in text_of(roster(client, org["a"]))


def test_the_roster_costs_the_same_queries_for_3_and_30_people(client, org, hr):
    client.force_login(hr)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            roster(client, org["library"])
        return len(captured.captured_queries)

    for _ in range(3):
        make_staff(org["a"])
    few = queries()
    for _ in range(27):
        make_staff(org["b1"])
    assert queries() == few
