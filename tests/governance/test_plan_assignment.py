"""Assigning items in bulk through the spreadsheet: round trip, bad rows, all-or-nothing."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from governance.documents import export_assignment
from governance.importers.assignment import COLUMNS, import_assignment
from governance.models import PlanItem
from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from tests.factories import Node, item, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org):
    return make_plan([Node("一、", "主要任务", [Node("（1）", "甲"), Node("（2）", "乙")])])


def sheet(rows):
    return write_xlsx([("分配", list(COLUMNS), rows)])


def test_export_then_import_assigns_units(plan, org, head_a):
    rows = list(load_workbook(BytesIO(export_assignment(plan))).active.iter_rows(values_only=True))
    assert rows[0] == tuple(COLUMNS)
    filled = [list(r) for r in rows[1:]]
    filled[1][3] = "T-A"  # 甲: lead by code
    filled[1][4] = "少儿部、T-A1"  # partners by unique name and by code
    filled[1][5] = "head_a"
    filled[1][6], filled[1][7], filled[1][8] = 2022, 2024, 3
    assert import_assignment(plan, sheet(filled)) == 3
    a = item(plan, "甲")
    assert a.lead_unit == org["a"] and a.responsible == head_a
    assert set(a.partner_units.all()) == {org["b"], org["a1"]}
    assert (a.start_year, a.end_year, a.weight) == (2022, 2024, 3)
    again = list(load_workbook(BytesIO(export_assignment(plan))).active.iter_rows(values_only=True))
    assert again[2][3] == "T-A 借阅部"
    assert import_assignment(plan, sheet([list(r) for r in again[1:]])) == 3  # round trip
    assert item(plan, "甲").lead_unit == org["a"]


def test_bad_rows_are_all_reported_and_nothing_is_saved(plan, org):
    a, b = item(plan, "甲"), item(plan, "乙")
    rows = [
        [a.pk, "", "", "T-A", "", "", 2030, 2021, "x"],
        [b.pk, "", "", "不存在的部门", "", "nobody", None, None, None],
        [999999, "", "", "T-A", "", "", None, None, None],
    ]
    with pytest.raises(ImportFailed) as error:
        import_assignment(plan, sheet(rows))
    cells = {(e.row, e.column) for e in error.value.errors}
    assert cells == {(2, "开始年度"), (2, "权重"), (3, "牵头部门"), (3, "责任人"), (4, "ID")}
    assert not PlanItem.objects.filter(lead_unit__isnull=False).exists()


def test_ambiguous_unit_name_asks_for_the_code(plan, org):
    from tests.factories import make_unit

    make_unit(org["b"], name="借阅部", code="T-B-LEND")
    with pytest.raises(ImportFailed, match="T-|code|编码"):
        import_assignment(
            plan, sheet([[item(plan, "甲").pk, "", "", "借阅部", "", "", None, None, None]])
        )


def test_upload_screen_lists_errors_in_chinese(client, plan, planner):
    client.force_login(planner)
    data = sheet([[item(plan, "甲").pk, "", "", "不存在", "", "", None, None, None]])
    response = client.post(
        reverse("plan_assignment_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("a.xlsx", data)},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in html and "牵头部门" in html and "未保存" in html


def test_head_cannot_assign(client, plan, head_a):
    client.force_login(head_a)
    assert client.get(reverse("plan_assignment_xlsx", args=[plan.pk])).status_code == 302


def test_left_out_columns_keep_values_and_empty_partner_cell_clears(plan, org, head_a):
    a = item(plan, "甲")
    PlanItem.objects.filter(pk=a.pk).update(responsible=head_a, start_year=2022, end_year=2024)
    a.partner_units.add(org["b"])
    data = write_xlsx([("分配", ["ID", "牵头部门"], [[a.pk, "T-A"]])])
    import_assignment(plan, data)
    a.refresh_from_db()
    assert (a.responsible, a.start_year, a.end_year) == (head_a, 2022, 2024)
    assert list(a.partner_units.all()) == [org["b"]]
    import_assignment(plan, sheet([[a.pk, "", "", "T-A", "", "head_a", 2022, 2024, 1]]))
    assert not a.partner_units.exists()


def test_too_large_weight_is_a_cell_error(plan, org):
    with pytest.raises(ImportFailed) as error:
        import_assignment(
            plan, sheet([[item(plan, "甲").pk, "", "", "T-A", "", "", None, None, 12345678]])
        )
    assert [(e.row, e.column) for e in error.value.errors] == [(2, "权重")]
