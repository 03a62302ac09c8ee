"""Assigning items in bulk through the spreadsheet: round trip, bad rows, all-or-nothing,
drop-downs and reference sheets, and a preview of the changes before anything is saved."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from governance.access import may_for_instance
from governance.documents import export_assignment
from governance.importers.assignment import COLUMNS, import_assignment
from governance.models import PlanItem
from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from tests.factories import Node, fresh, item, make_plan, make_staff, make_user
from tests.tools import updated_columns

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
    assert again[2][3] == "T-A 测试市图书馆 · 借阅部"
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


def workbook(plan):
    return load_workbook(BytesIO(export_assignment(plan)))


def test_sheet_offers_drop_downs_for_units_and_people(plan, org, head_a):
    book = workbook(plan)
    sheet = book.worksheets[0]
    lists = {str(v.sqref).split(":")[0][:1]: v for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"D", "E", "F"}  # lead unit, partner units, responsible person
    units, people = book.worksheets[1], book.worksheets[2]
    assert lists["D"].type == "list" and lists["D"].formula1.startswith(f"'{units.title}'!$A$2")
    assert lists["F"].formula1.startswith(f"'{people.title}'!$A$2")
    assert units.title == "部门" and people.title == "人员"


def test_reference_sheets_list_unit_codes_with_their_library_and_people_with_staff_numbers(
    plan, org, head_a
):
    make_staff(org["a"], name="王小明", user=head_a, staff_number="S0042")
    book = workbook(plan)
    units = list(book.worksheets[1].iter_rows(values_only=True))
    assert units[0][:4] == ("表中选项", "单位编码", "图书馆", "单位")
    assert ("T-A 测试市图书馆 · 借阅部", "T-A", "测试市图书馆", "借阅部") in [r[:4] for r in units]
    people = list(book.worksheets[2].iter_rows(values_only=True))
    assert ("王小明（S0042）", "王小明", "S0042", "head_a", "T-A 测试市图书馆 · 借阅部") in people


def test_responsible_picked_from_the_list_by_name_or_staff_number(plan, org, head_a):
    make_staff(org["a"], name="王小明", user=head_a, staff_number="S0042")
    a, b = item(plan, "甲"), item(plan, "乙")
    import_assignment(
        plan,
        sheet(
            [
                [
                    a.pk,
                    "",
                    "",
                    "T-A 测试市图书馆 · 借阅部",
                    "",
                    "王小明（S0042）",
                    None,
                    None,
                    None,
                ],
                [b.pk, "", "", "借阅部", "", "s0042", None, None, None],
            ]
        ),
    )
    assert item(plan, "甲").responsible == head_a and item(plan, "乙").responsible == head_a
    assert item(plan, "乙").lead_unit == org["a"]


def test_import_gives_the_responsible_person_the_right_to_report(plan, org, staff_a):
    a = item(plan, "甲")
    import_assignment(plan, sheet([[a.pk, "", "", "T-A", "", "staff_a", None, None, None]]))
    from governance.models import ProgressReport

    assert may_for_instance(fresh(staff_a), item(plan, "甲"), "report")
    assert not may_for_instance(fresh(staff_a), ProgressReport(item=item(plan, "乙")), "add")


def upload(client, plan, rows):
    return client.post(
        reverse("plan_assignment_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("分工.xlsx", sheet(rows))},
    )


def test_upload_previews_the_changes_and_saves_nothing_until_confirmed(
    client, plan, org, planner, head_a
):
    a, b = item(plan, "甲"), item(plan, "乙")
    PlanItem.objects.filter(pk=b.pk).update(lead_unit=org["b"])
    client.force_login(planner)
    response = upload(
        client,
        plan,
        [
            [a.pk, "", "", "T-A", "少儿部", "head_a", None, None, None],
            [b.pk, "", "", "T-B", "", "", None, None, None],
        ],
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "甲" in html and "牵头部门" in html and "借阅部" in html and "配合部门" in html
    assert "1 行保持不变" in html and "确认前不会保存" in html
    assert item(plan, "甲").lead_unit is None and not item(plan, "甲").partner_units.exists()
    assert not ModelLogEntry.objects.filter(action="shuxiang.plan.assign").exists()
    url = reverse("plan_assignment_import", args=[plan.pk])
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    assert item(plan, "甲").lead_unit == org["a"] and item(plan, "甲").responsible == head_a
    assert list(item(plan, "甲").partner_units.all()) == [org["b"]]
    assert ModelLogEntry.objects.filter(action="shuxiang.plan.assign", user=planner).count() == 1


def test_cancelled_preview_saves_nothing(client, plan, org, planner):
    client.force_login(planner)
    upload(client, plan, [[item(plan, "甲").pk, "", "", "T-A", "", "", None, None, None]])
    url = reverse("plan_assignment_import", args=[plan.pk])
    response = client.post(url, {"action": "cancel"}, follow=True)
    assert "未保存" in response.content.decode()
    assert item(plan, "甲").lead_unit is None
    assert client.post(url, {"action": "confirm"}, follow=True).status_code == 200
    assert item(plan, "甲").lead_unit is None  # the staged file is gone with the cancel


def test_head_cannot_upload_an_assignment(client, plan, org, head_a):
    client.force_login(head_a)
    response = upload(
        client, plan, [[item(plan, "甲").pk, "", "", "T-A", "", "", None, None, None]]
    )
    assert response.status_code in (302, 403)
    assert item(plan, "甲").lead_unit is None


def test_ambiguous_person_name_asks_for_the_staff_number(plan, org):
    make_user("wang1", first_name="小明", last_name="王")
    make_user("wang2", first_name="小明", last_name="王")
    with pytest.raises(ImportFailed, match="工号"):
        import_assignment(
            plan, sheet([[item(plan, "甲").pk, "", "", "T-A", "", "王小明", None, None, None]])
        )


def test_reimport_writes_only_the_changed_columns_and_stays_all_or_nothing(plan, org, head_a):
    a, b = item(plan, "甲"), item(plan, "乙")
    rows = [
        [a.pk, "", "", "T-A", "", "head_a", 2022, 2024, 3],
        [b.pk, "", "", "T-B", "", "", None, None, None],
    ]
    import_assignment(plan, sheet(rows))
    rows[0][7] = 2025

    with CaptureQueriesContext(connection) as queries:
        import_assignment(plan, sheet(rows))

    assigned = {"lead_unit_id", "responsible_id", "start_year", "end_year", "weight"}
    writes = [columns for columns in updated_columns(queries, PlanItem) if columns & assigned]
    assert writes == [{"end_year"}]
    assert item(plan, "甲").end_year == 2025
    rows[0][8], rows[1][3] = 7, "不存在的部门"
    with pytest.raises(ImportFailed):
        import_assignment(plan, sheet(rows))
    assert (item(plan, "甲").weight, item(plan, "乙").lead_unit) == (3, org["b"])
