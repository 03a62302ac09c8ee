"""The staff sheet: import (all-or-nothing, by staff number, with post and title history),
export (ID numbers for HR only), the admin upload and download, and the commands."""

import datetime as dt
import re
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from governance.models import OrgUnit
from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from staffing.documents import export_staff
from staffing.importers.staff import import_staff
from staffing.models import PostAppointment, Staff, TitleRecord
from tests.factories import make_staff, make_unit, make_user, valid_id_number

pytestmark = pytest.mark.django_db

ZHANG_ID = valid_id_number("19850312", "124")  # 17th digit even: a woman
LI_ID = valid_id_number("19900105", "013")  # odd: a man


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


def zhang(**cells):
    row = {
        "工号": "A001",
        "姓名": "张三",
        "性别": "女",
        "身份证号": ZHANG_ID,
        "出生日期": dt.date(1985, 3, 12),
        "所在单位": "T-A 借阅部",
        "用工性质": "在编",
        "岗位类别": "专业技术岗位",
        "岗位等级": 10,
        "职称": "馆员",
        "职称级别": "中级",
        "职称取得日期": dt.date(2015, 6, 1),
        "最高学历": "本科",
        "学位": "学士",
        "专业": "图书馆学",
        "学科类别": "图书情报",
        "入职日期": dt.date(2009, 7, 1),
        "状态": "在岗",
        "电话": "13800000000",
        "电子邮箱": "zhang@example.org",
    }
    row.update(cells)
    return row


def li(**cells):
    row = {
        "工号": "A002",
        "姓名": "李四",
        "身份证号": LI_ID,
        "所在单位": "少儿部",  # a unique name works as well as the code
        "用工性质": "编外",
        "岗位类别": "工勤",
        "岗位等级": "3级",
        "最高学历": "硕士",
        "入职日期": "2019年7月1日",
    }
    row.update(cells)
    return row


def xlsx(*rows) -> bytes:
    header = list(dict.fromkeys(h for row in rows for h in row))
    return write_xlsx([("职工", header, [[row.get(h) for h in header] for row in rows])])


def cells_of(error: ImportFailed) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in error.errors}


def stored() -> list[dict]:
    """Every staff row and history row as plain values, to compare before and after."""
    return [
        *Staff.objects.order_by("staff_number").values(),
        *PostAppointment.objects.order_by("pk").values(),
        *TitleRecord.objects.order_by("pk").values(),
    ]


def sheet_values(data: bytes) -> dict:
    """The first data row of an exported sheet, by header."""
    header, row = load_workbook(BytesIO(data)).active.iter_rows(max_row=2, values_only=True)
    return dict(zip(header, row, strict=True))


def header_of(data: bytes) -> list:
    return list(next(load_workbook(BytesIO(data)).active.iter_rows(values_only=True)))


def test_good_sheet_imports_every_row(org):
    result = import_staff(xlsx(zhang(), li()))

    assert (result.created, result.updated) == (2, 0)
    a = Staff.objects.get(staff_number="A001")
    assert (a.name, a.gender, a.id_number, a.unit) == ("张三", "F", ZHANG_ID, org["a"])
    assert (a.employment_type, a.education, a.discipline) == ("establishment", 4, "library")
    assert (a.post_category, a.post_grade, a.title, a.title_level) == (
        "professional",
        10,
        "馆员",
        3,
    )
    assert (a.hire_date, a.phone, a.email) == (
        dt.date(2009, 7, 1),
        "13800000000",
        "zhang@example.org",
    )
    b = Staff.objects.get(staff_number="A002")
    assert (b.unit, b.employment_type, b.education) == (org["b"], "contract", 5)
    assert (b.post_category, b.post_grade, b.hire_date) == ("worker", 3, dt.date(2019, 7, 1))
    # Left empty: the birth date and the gender come from the ID number.
    assert (b.birth_date, b.gender) == (dt.date(1990, 1, 5), "M")


def test_first_post_and_title_start_the_histories(org):
    import_staff(xlsx(zhang()))

    post = PostAppointment.objects.get(staff__staff_number="A001")
    assert (post.category, post.grade, post.start, post.end) == (
        "professional",
        10,
        dt.date(2009, 7, 1),
        None,
    )
    title = TitleRecord.objects.get(staff__staff_number="A001")
    assert (title.title, title.level, title.obtained) == ("馆员", 3, dt.date(2015, 6, 1))


@pytest.mark.parametrize(
    "text", ["2019-07-01", "2019.7.1", "2019年7月1日", "2019/07/01", "20190701"]
)
def test_dates_may_be_written_as_text(org, text):
    import_staff(xlsx(li(入职日期=text)))

    assert Staff.objects.get(staff_number="A002").hire_date == dt.date(2019, 7, 1)


def test_reimport_updates_instead_of_duplicating(org):
    import_staff(xlsx(zhang(), li()))

    result = import_staff(xlsx(zhang(电话="13900000000", 所在单位="T-A1"), li()))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Staff.objects.count() == 2
    a = Staff.objects.get(staff_number="A001")
    assert (a.phone, a.unit) == ("13900000000", org["a1"])
    assert PostAppointment.objects.count() == 2 and TitleRecord.objects.count() == 1


def test_promotion_in_reimport_adds_post_and_title_history(org):
    import_staff(xlsx(zhang()))
    today = timezone.localdate()

    import_staff(xlsx(zhang(岗位等级=9, 职称="副研究馆员", 职称级别="", 职称取得日期="2024-12-1")))

    a = Staff.objects.get(staff_number="A001")
    assert (a.post_grade, a.title, a.title_level) == (9, "副研究馆员", 4)
    posts = list(a.appointments.order_by("start").values_list("grade", "start", "end"))
    assert posts == [
        (10, dt.date(2009, 7, 1), today - dt.timedelta(days=1)),
        (9, today, None),
    ]
    titles = list(a.titles.order_by("obtained").values_list("title", "level", "obtained"))
    assert titles == [("馆员", 3, dt.date(2015, 6, 1)), ("副研究馆员", 4, dt.date(2024, 12, 1))]


def test_leaving_is_dated_by_the_status_date_column(org):
    import_staff(xlsx(zhang(), li()))

    import_staff(
        xlsx(zhang(状态="退休", 状态日期="2025-03-31"), li(状态="离职", 状态日期="2025.6.30"))
    )

    import_staff(xlsx(zhang(状态="退休", 状态日期="2025-03-31"), li()))
    a, b = Staff.objects.order_by("staff_number")
    assert (a.status, a.status_date) == ("retired", dt.date(2025, 3, 31))
    assert (b.status, b.status_date) == ("left", dt.date(2025, 6, 30))
    assert sheet_values(export_staff(Staff.objects.filter(pk=a.pk), personal=False))[
        "状态日期"
    ] == dt.datetime(2025, 3, 31)


def test_leaving_and_retiring_columns_date_the_change(org):
    import_staff(xlsx(zhang(), li()))

    import_staff(
        xlsx(
            zhang(状态="退休", 离职日期=None, 退休日期="2025-03-31"),
            li(状态="离职", 离职日期="2025/6/30", 退休日期=None),
        )
    )

    a, b = Staff.objects.order_by("staff_number")
    assert (a.status, a.status_date) == ("retired", dt.date(2025, 3, 31))
    assert (b.status, b.status_date) == ("left", dt.date(2025, 6, 30))


def test_a_change_of_status_without_its_date_is_refused(org):
    import_staff(xlsx(zhang(), li()))
    before = stored()

    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(状态="退休"), li(状态="离职", 离职日期=None)))

    assert cells_of(caught.value) == {(2, "状态日期"), (3, "离职日期")}
    messages = [str(e) for e in caught.value.errors]
    assert messages[0] == "第 2 行“状态日期”列：状态变为“退休”，请在“状态日期”列填写变动日期。"
    assert messages[1] == "第 3 行“离职日期”列：状态变为“离职”，请在“离职日期”列填写变动日期。"
    assert stored() == before  # never dated today behind HR's back


def test_a_new_leaver_needs_the_date_too(org):
    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(状态="离职")))

    assert cells_of(caught.value) == {(2, "状态日期")}
    assert not Staff.objects.exists()


def test_a_new_title_needs_the_date_it_was_obtained(org):
    import_staff(xlsx(zhang()))

    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(职称="副研究馆员", 职称级别="副高级", 职称取得日期=None)))

    assert cells_of(caught.value) == {(2, "职称取得日期")}
    assert Staff.objects.get(staff_number="A001").title == "馆员"


def test_bad_rows_save_nothing_and_report_each_cell(org):
    future = timezone.localdate() + dt.timedelta(days=30)
    bad_check_digit = ZHANG_ID[:-1] + ("1" if ZHANG_ID[-1] != "1" else "2")
    rows = [
        zhang(),
        li(工号="B1", 身份证号=bad_check_digit),
        li(工号="B2", 身份证号="", 性别="男", 所在单位="XX-NOWHERE"),
        li(工号="B3", 身份证号="", 性别="男", 入职日期=future),
        li(工号="B4", 身份证号="", 性别="男", 入职日期="2019-13-45"),
        li(工号="B5", 身份证号="", 性别="男", 岗位等级=14),
        li(工号="A001", 身份证号="", 性别="男", 入职日期="去年"),
    ]

    with translation.override("en"):
        with pytest.raises(ImportFailed) as caught:
            import_staff(xlsx(*rows))
        report = [str(e) for e in caught.value.errors]

    assert cells_of(caught.value) == {
        (3, "身份证号"),
        (4, "所在单位"),
        (5, "入职日期"),
        (6, "入职日期"),
        (7, "岗位等级"),
        (8, "工号"),
        (8, "入职日期"),  # the rest of a row is checked even when its number is wrong
    }
    assert not Staff.objects.exists() and not PostAppointment.objects.exists()
    assert report[0].startswith("Row 3, column “身份证号”: The ID number's check digit is wrong")
    assert "XX-NOWHERE" in report[1]
    assert f"{future.isoformat()} is in the future" in report[2]
    assert "“2019-13-45” is not a date" in report[3]
    assert "staff number A001 is also in row 2" in report[5]
    assert "“去年” is not a date" in report[6]
    with translation.override("zh-hans"):
        with pytest.raises(ImportFailed) as caught:
            import_staff(xlsx(*rows))
        assert str(caught.value.errors[0]).startswith("第 3 行“身份证号”列：身份证号校验码错误")


def test_id_number_of_another_staff_member_is_refused(org):
    make_staff(org["a"], staff_number="OLD1", id_number=LI_ID)

    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(li()))

    assert cells_of(caught.value) == {(2, "身份证号")}
    assert "OLD1" in str(caught.value)


def test_birth_date_must_agree_with_id_number(org):
    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(出生日期="1985-03-13")))

    assert cells_of(caught.value) == {(2, "出生日期")}


def test_missing_required_column_is_reported(org):
    row = zhang()
    del row["所在单位"]

    with translation.override("en"), pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(row))

    assert "Required columns are missing: “所在单位”" in str(caught.value.errors[0])


def test_export_imports_back_unchanged(org):
    import_staff(xlsx(zhang(), li(职称="助理馆员", 职称取得日期="2021-9-1")))
    make_staff(
        org["a1"],
        name="王五",
        id_number=valid_id_number("19850312", "246"),  # a woman's, as make_staff's gender
        birth_date=dt.date(1985, 3, 12),
        status="retired",
        status_date=dt.date(2024, 6, 30),
    )
    before = stored()

    data = export_staff(Staff.objects.all(), personal=True)
    result = import_staff(data)

    assert "工号" in header_of(data) and "身份证号" in header_of(data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert stored() == before


def test_export_without_personal_data_leaves_out_id_and_birth_date(org):
    import_staff(xlsx(zhang()))
    before = stored()

    data = export_staff(Staff.objects.all(), personal=False)
    import_staff(data)

    header = header_of(data)
    assert "身份证号" not in header and "出生日期" not in header and "工号" in header
    assert ZHANG_ID not in str(list(load_workbook(BytesIO(data)).active.values))
    assert stored() == before


def test_commands_export_and_import_back(org, tmp_path):
    import_staff(xlsx(zhang(), li()))
    before = stored()
    path = tmp_path / "staff.xlsx"

    call_command("export_staff", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_staff", str(path), stdout=out)

    assert "身份证号" in header_of(path.read_bytes())
    assert ZHANG_ID in str(list(load_workbook(path).active.values))
    assert stored() == before
    assert "0" in out.getvalue()


def test_import_command_fails_with_the_report_on_stderr(org, tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(xlsx(zhang(), li(所在单位="XX-NOWHERE")))
    err = StringIO()

    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        call_command("import_staff", str(path), stdout=StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert "第 3 行“所在单位”列：" in err.getvalue()
    assert not Staff.objects.exists()


# --- admin --------------------------------------------------------------------------------


def upload(client, data: bytes, name="staff.xlsx"):
    return client.post(reverse("staffing_import"), {"file": SimpleUploadedFile(name, data)})


def test_hr_imports_the_sheet_in_the_admin(client, hr):
    client.force_login(hr)

    response = upload(client, xlsx(zhang(), li()))

    assert response.status_code == 302
    assert Staff.objects.count() == 2
    entries = ModelLogEntry.objects.filter(action="shuxiang.staff.import", user=hr)
    assert sorted(e.label for e in entries) == ["张三（A001）", "李四（A002）"]


def test_admin_upload_lists_every_bad_cell(client, hr):
    client.force_login(hr)

    html = upload(client, xlsx(zhang(所在单位="XX"), li(入职日期="去年"))).content.decode()

    assert "第 2 行“所在单位”列" in html and "第 3 行“入职日期”列" in html
    assert not Staff.objects.exists()


def test_non_xlsx_upload_gets_a_clear_message(client, hr):
    client.force_login(hr)

    html = upload(client, b"name,unit\n", name="staff.csv").content.decode()
    assert "请选择 Excel 工作簿（.xlsx）。" in html

    with translation.override("en"), pytest.raises(ImportFailed) as caught:
        import_staff(b"name,unit\n")
    assert str(caught.value).startswith("The file is not an Excel workbook (.xlsx).")
    html = upload(client, b"name,unit\n").content.decode()
    assert "第 0 行" not in html and "help-critical" in html


def test_head_cannot_import(client, head_a):
    client.force_login(head_a)

    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    for response in client.get(reverse("staffing_import")), upload(client, xlsx(zhang())):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not Staff.objects.exists()


def test_import_menu_item_is_shown_to_hr_only(client, hr, head_a):
    client.force_login(hr)
    assert reverse("staffing_import") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(head_a)
    assert (
        reverse("staffing_import") not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_head_downloads_own_units_staff_without_personal_columns(client, org, head_a):
    mine = make_staff(org["a1"], name="服务点李四")
    make_staff(org["b"], name="少儿部王五")
    client.force_login(head_a)

    response = client.get(reverse("staffing_export"))

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "身份证号" not in rows[0] and "出生日期" not in rows[0]
    assert [row[rows[0].index("姓名")] for row in rows[1:]] == ["服务点李四"]
    assert mine.id_number not in str(rows)


def test_hr_download_has_id_numbers_and_honours_filters(client, org, hr):
    make_staff(org["a"], name="借阅部张三")
    make_staff(org["b"], name="少儿部王五")
    client.force_login(hr)

    response = client.get(reverse("staffing_export"), {"unit": org["b"].pk})

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "身份证号" in rows[0]
    assert [row[rows[0].index("姓名")] for row in rows[1:]] == ["少儿部王五"]


# --- queries ------------------------------------------------------------------------------


def many(count: int, *, offset: int = 0, grade: int = 10) -> bytes:
    return xlsx(
        *(
            zhang(
                工号=f"N{offset + i:04d}",
                姓名=f"职工{i}",
                性别=None,  # from the ID number
                身份证号=valid_id_number(f"19{60 + i % 40}0101", f"{i % 1000:03d}"),
                出生日期=None,
                岗位等级=grade,
            )
            for i in range(offset, offset + count)
        )
    )


def queries_for(data: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_staff(data)
    return len(queries)


def test_import_queries_do_not_grow_per_row(org):
    small, large = many(20), many(200, offset=100)

    created = queries_for(small), queries_for(large)
    promoted = queries_for(many(20, grade=9)), queries_for(many(200, offset=100, grade=9))

    # A few more on SQLite only: its 999-parameter limit splits bulk writes into batches.
    assert created[1] <= created[0] + 12
    assert promoted[1] <= promoted[0] + 12
    assert Staff.objects.count() == 220


# --- the sheet as HR fills it --------------------------------------------------------------


def handmade(header: list, *rows: list) -> bytes:
    """A workbook typed into Excel: numbers stay numbers, text stays text."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXCEL_NUMBER = "Excel 已把身份证号存成数字并丢失末几位，请把该列设为文本格式后重新填写。"


def test_id_numbers_excel_stored_as_numbers_are_refused_one_message_per_row(org):
    header = ["工号", "姓名", "性别", "身份证号", "出生日期", "所在单位", "用工性质"]
    rows = [
        # What Excel keeps of an 18-digit number: 15 significant digits.
        ["A001", "张三", "女", float(ZHANG_ID), dt.date(1985, 3, 12), "T-A", "在编"],
        ["A002", "李四", "男", int(LI_ID), None, "T-A", "在编"],
        ["A003", "王五", None, "3.61002E+17", None, "T-A", "在编"],  # the same, saved as text
        ["A004", "赵六", None, LI_ID[:-3] + "000", None, "T-A", "在编"],
    ]

    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(handmade(header, *rows))

    assert [str(e) for e in caught.value.errors] == [
        f"第 {row} 行“身份证号”列：{EXCEL_NUMBER}" for row in (2, 3, 4, 5)
    ]
    assert not Staff.objects.exists()


def test_hr_sees_the_id_number_message_once_per_row_in_the_admin(client, hr):
    client.force_login(hr)
    header = ["工号", "姓名", "身份证号", "所在单位", "用工性质"]
    rows = [[f"A00{i}", f"职工{i}", float(ZHANG_ID), "T-A", "在编"] for i in range(1, 4)]

    html = upload(client, handmade(header, *rows)).content.decode()

    assert html.count(EXCEL_NUMBER) == 3
    assert "第 2 行" in html and "第 4 行" in html
    assert not Staff.objects.exists()


def test_fifteen_digit_id_numbers_are_made_eighteen(org):
    old_zhang = ZHANG_ID[:6] + ZHANG_ID[8:17]  # 15 digits: no century, no check digit
    old_li = LI_ID[:6] + LI_ID[8:17]

    import_staff(handmade(*sheet_of(zhang(身份证号=old_zhang), li(身份证号=int(old_li)))))

    a, b = Staff.objects.order_by("staff_number")
    assert (a.id_number, b.id_number) == (ZHANG_ID, LI_ID)
    assert b.birth_date == dt.date(1990, 1, 5)


def sheet_of(*rows: dict) -> tuple:
    """``handmade``'s arguments for rows given as dicts (header → cell)."""
    header = list(dict.fromkeys(h for row in rows for h in row))
    return (header, *([row.get(h) for h in header] for row in rows))


def test_gender_must_agree_with_the_id_number(org):
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(性别="男"), li(性别="男")))

    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, "性别")
    assert "身份证号显示性别为“女”" in str(error)
    assert not Staff.objects.exists()


def test_a_birth_month_is_checked_against_the_id_number(org):
    import_staff(xlsx(zhang(出生日期="1985.3")))
    assert Staff.objects.get().birth_date == dt.date(1985, 3, 12)  # the day from the ID

    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(出生日期="1985年4月")))
    assert cells_of(caught.value) == {(2, "出生日期")}


def test_staff_numbers_are_one_whatever_their_case(org):
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(), li(工号="a001")))
    assert cells_of(caught.value) == {(3, "工号")}
    assert "不区分大小写" in str(caught.value)

    import_staff(xlsx(zhang()))
    result = import_staff(xlsx(zhang(工号="a001", 电话="13900000000")))

    assert (result.created, result.updated) == (0, 1)
    assert list(Staff.objects.values_list("staff_number", "phone")) == [("A001", "13900000000")]


def test_the_database_refuses_a_staff_number_differing_only_in_case(org):
    make_staff(org["a"], staff_number="A001")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_staff(org["a"], staff_number="a001")


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("王　芳", "王芳"),
        ("　王芳　", "王芳"),
        ("王 芳", "王芳"),
        ("张　小　明", "张小明"),
        ("欧阳 娜娜", "欧阳娜娜"),
        ("John  Smith", "John Smith"),
    ],
)
def test_names_lose_the_spaces_typed_to_line_them_up(org, written, name):
    import_staff(xlsx(zhang(姓名=written)))

    assert Staff.objects.get().name == name


@pytest.mark.parametrize(
    "written", ["2019.7", "2019.07", "2019-07", "2019/7", "2019年7月", "201907", 201907, 2019.07]
)
def test_month_only_dates_are_the_first_of_the_month(org, written):
    import_staff(handmade(*sheet_of(li(入职日期=written, 职称="馆员", 职称取得日期=written))))

    b = Staff.objects.get()
    assert b.hire_date == dt.date(2019, 7, 1)
    assert b.titles.get().obtained == dt.date(2019, 7, 1)


@pytest.mark.parametrize(
    "written", ["2019.7.15", "2019/7/15", "2019-07-15", "2019年7月15日", dt.date(2019, 7, 15)]
)
def test_full_dates_are_still_read(org, written):
    import_staff(handmade(*sheet_of(li(入职日期=written))))

    assert Staff.objects.get().hire_date == dt.date(2019, 7, 15)


def test_a_month_excel_stored_as_the_number_2019_1_is_refused(org):
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(handmade(*sheet_of(li(入职日期=2019.1))))

    assert cells_of(caught.value) == {(2, "入职日期")}
    assert "Excel 会把 2019.10 变成 2019.1" in str(caught.value)


def test_a_leaving_date_is_a_day_not_a_month(org):
    import_staff(xlsx(li()))

    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(li(状态="离职", 状态日期="2025.6")))

    assert cells_of(caught.value) == {(2, "状态日期")}


@pytest.mark.parametrize(
    ("category", "grade", "post"),
    [
        ("专业技术岗位", "十二级", ("professional", 12)),
        (None, "专技12级", ("professional", 12)),
        (None, "专业技术十级", ("professional", 10)),
        ("管理", "八级", ("management", 8)),
        (None, "管理八级", ("management", 8)),
        (None, "八级职员", ("management", 8)),
        (None, "工勤技能三级", ("worker", 3)),
        ("工勤技能岗位", "3级", ("worker", 3)),
        (None, "专技七级（副高）", ("professional", 7)),
    ],
)
def test_post_grades_as_written(org, category, grade, post):
    import_staff(xlsx(li(岗位类别=category, 岗位等级=grade)))

    b = Staff.objects.get()
    assert (b.post_category, b.post_grade) == post
    assert b.appointments.get().grade == post[1]


def test_post_grades_that_do_not_fit_are_refused(org):
    rows = [
        li(工号="B1", 岗位类别="管理岗位", 岗位等级="专技12级"),  # two categories
        li(工号="B2", 岗位类别="工勤", 岗位等级="八级"),  # worker grades are 1 to 5
        li(工号="B3", 岗位类别="管理", 岗位等级="十二级"),  # management grades are 1 to 10
        li(工号="B4", 岗位类别=None, 岗位等级="副高"),
    ]
    for row in rows[1:]:
        row.update(身份证号=None, 性别="男")

    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(*rows))

    assert cells_of(caught.value) == {
        (2, "岗位等级"),
        (3, "岗位等级"),
        (4, "岗位等级"),
        (5, "岗位等级"),
    }
    messages = [e.message for e in caught.value.errors]
    assert messages[0] == "“专技12级”是专业技术岗位的等级，不是管理岗位的等级。"
    assert messages[1] == "工勤技能岗位的等级为 1 至 5 级。"
    assert messages[2] == "管理岗位的等级为 1 至 10 级。"
    assert messages[3].startswith("“副高”不是岗位等级")


@pytest.mark.parametrize(
    ("title", "level", "stored"),
    [
        ("初级", None, ("初级", 2)),
        ("助理馆员", "初级", ("助理馆员", 2)),
        ("馆员", "中级", ("馆员", 3)),
        ("馆员", None, ("馆员", 3)),
        ("图书资料副研究馆员", None, ("图书资料副研究馆员", 4)),
        ("副研究馆员", "副高", ("副研究馆员", 4)),
        ("研究馆员", "正高", ("研究馆员", 5)),
        ("高级会计师", None, ("高级会计师", 4)),
        ("工程师", None, ("工程师", 3)),
        ("中级", None, ("中级", 3)),
    ],
)
def test_titles_and_their_levels_as_written(org, title, level, stored):
    import_staff(xlsx(li(职称=title, 职称级别=level, 职称取得日期="2018.9")))

    b = Staff.objects.get()
    assert (b.title, b.title_level) == stored


def test_no_title_written_as_wu_is_no_title(org):
    import_staff(xlsx(li(职称="无")))

    assert Staff.objects.get().title == ""


def test_common_header_variants_are_read_and_unknown_columns_named(org):
    header = [
        "序号",
        "职工编号",
        "姓名",
        "性别",
        "公民身份号码",
        "出生年月",
        "所在部门",
        "用工形式",
        "岗位级别",
        "专业技术职务",
        "职称取得时间",
        "学历",
        "参加工作时间",
        "入馆时间",
        "政治面貌",
        "联系电话",
        "备注",
    ]
    row = [
        1,
        "A001",
        "张　三",
        "女",
        ZHANG_ID,
        "1985.03",
        "借阅部",
        "在编",
        "专技十级",
        "馆员",
        "2015.6",
        "本科",
        "2005.7",
        "2009.7",
        "中共党员",
        "13800000000",
        "老职工",
    ]

    with translation.override("zh-hans"):
        result = import_staff(handmade(header, row))
        message = str(result)

    a = Staff.objects.get()
    assert (a.staff_number, a.name, a.gender, a.id_number) == ("A001", "张三", "F", ZHANG_ID)
    assert (a.birth_date, a.unit, a.employment_type) == (
        dt.date(1985, 3, 12),
        org["a"],
        "establishment",
    )
    assert (a.post_category, a.post_grade, a.title, a.title_level) == (
        "professional",
        10,
        "馆员",
        3,
    )
    assert a.titles.get().obtained == dt.date(2015, 6, 1)
    assert (a.education, a.phone) == (4, "13800000000")
    # 入馆时间 is when the person came to the library; 参加工作时间 is read only without it.
    assert a.hire_date == dt.date(2009, 7, 1)
    assert result.ignored == ("参加工作时间", "政治面貌", "备注")
    assert message.endswith("已忽略的列：参加工作时间、政治面貌、备注。")


def test_start_of_work_is_the_hire_date_when_the_sheet_has_no_other(org):
    header = ["工号*", "姓名", "身份证号码（18位）", "部门", "编制性质", "参加工作日期"]

    row = ["A001", "张三", ZHANG_ID, "借阅部", "在编", "2009年7月"]

    result = import_staff(handmade(header, row))

    assert Staff.objects.get().hire_date == dt.date(2009, 7, 1)
    assert result.ignored == ()


def test_errors_name_the_column_as_the_sheet_heads_it(org):
    header = ["职工编号", "姓名", "公民身份号码", "部门", "用工性质"]

    with pytest.raises(ImportFailed) as caught:
        import_staff(handmade(header, ["A001", "张三", float(ZHANG_ID), "借阅部", "在编"]))

    assert cells_of(caught.value) == {(2, "公民身份号码")}


def test_hr_is_told_which_columns_were_ignored(client, hr):
    client.force_login(hr)
    data = handmade(*sheet_of(zhang(政治面貌="群众")))

    response = client.post(
        reverse("staffing_import"), {"file": SimpleUploadedFile("staff.xlsx", data)}, follow=True
    )

    assert "已忽略的列：政治面貌" in response.content.decode()
    assert Staff.objects.count() == 1


def test_a_department_is_found_within_the_library_the_sheet_names(org):
    county = make_unit(org["system"], name="临川区图书馆", kind=OrgUnit.Kind.LIBRARY, code="LC")
    county_lending = make_unit(county, name="借阅部", code="LC-A")
    header = ["工号", "姓名", "身份证号码", "工作单位", "部门", "用工性质"]
    rows = [
        ["A001", "张三", ZHANG_ID, "临川区图书馆", "借阅部", "在编"],
        ["A002", "李四", LI_ID, "测试市图书馆", "借阅部", "在编"],
        ["A003", "王五", valid_id_number("19700101", "246"), "临川区图书馆", None, "在编"],
    ]

    import_staff(handmade(header, *rows))

    units = dict(Staff.objects.values_list("staff_number", "unit"))
    assert units == {"A001": county_lending.pk, "A002": org["a"].pk, "A003": county.pk}


def test_a_department_missing_from_the_library_is_refused(org):
    make_unit(org["system"], name="临川区图书馆", kind=OrgUnit.Kind.LIBRARY, code="LC")
    header = ["工号", "姓名", "身份证号", "单位", "所在部门", "用工性质"]
    rows = [
        ["A001", "张三", ZHANG_ID, "临川区图书馆", "借阅部", "在编"],  # none there
        ["A002", "李四", LI_ID, "南城县图书馆", "借阅部", "在编"],  # no such library
    ]

    with translation.override("zh-hans"), pytest.raises(ImportFailed) as caught:
        import_staff(handmade(header, *rows))

    assert cells_of(caught.value) == {(2, "所在部门"), (3, "单位")}
    assert caught.value.errors[0].message == "临川区图书馆下没有名为“借阅部”的单位。"


def test_a_sheet_without_any_unit_column_is_refused(org):
    with translation.override("en"), pytest.raises(ImportFailed) as caught:
        import_staff(handmade(["工号", "姓名"], ["A001", "张三"]))

    assert "Required columns are missing: “所在单位”" in str(caught.value)


# --- the write step: only the changed columns, one statement per batch (issue #9) ---------


def staff_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "staffing_staff"')]


def assigned(sql: str) -> set[str]:
    """The staff columns an UPDATE sets (``"column" =`` in its SET list)."""
    sets = sql.split(" SET ", 1)[1].split(" FROM ", 1)[0].split(" WHERE ", 1)[0]
    columns = {f.column for f in Staff._meta.concrete_fields}
    return set(re.findall(r'(?:^|, )"(\w+)" = ', sets)) & columns


def test_reimport_writes_only_the_columns_the_sheet_changed(org):
    import_staff(xlsx(zhang(), li()))

    with CaptureQueriesContext(connection) as queries:
        import_staff(xlsx(zhang(电话="13900000000", 所在单位="T-A1"), li(学位="硕士")))

    [sql] = staff_updates(queries)
    assert assigned(sql) == {"phone", "unit_id", "degree"}
    a, b = Staff.objects.order_by("staff_number")
    assert (a.phone, a.unit, a.degree, a.email) == (
        "13900000000",
        org["a1"],
        "学士",
        "zhang@example.org",
    )
    assert (b.phone, b.unit, b.degree) == ("", org["b"], "硕士")


def test_every_row_changed_is_one_update_for_20_rows_as_for_200(org):
    import_staff(many(20))
    import_staff(many(200, offset=100))

    for count, data in ((20, many(20, grade=9)), (200, many(200, offset=100, grade=9))):
        with CaptureQueriesContext(connection) as queries:
            result = import_staff(data)
        # One UPDATE, setting only the grade, whatever the number of rows.
        assert [assigned(sql) for sql in staff_updates(queries)] == [{"post_grade"}]
        assert result.updated == count
    assert Staff.objects.filter(post_grade=9).count() == 220


def test_a_bad_row_in_a_reimport_writes_no_row(org):
    import_staff(xlsx(zhang(), li()))
    before, logged = stored(), ModelLogEntry.objects.count()

    with pytest.raises(ImportFailed) as caught:
        import_staff(
            xlsx(
                zhang(电话="13900000000", 岗位等级=9),
                li(入职日期="2019-13-45"),
                li(工号="A003", 身份证号="", 性别="男"),
            )
        )

    assert cells_of(caught.value) == {(3, "入职日期")}
    assert stored() == before and ModelLogEntry.objects.count() == logged


def test_a_refusal_found_while_writing_undoes_the_rows_already_inserted(org):
    import_staff(xlsx(zhang(), li()))
    before = stored()

    # The new row is inserted before the change of status is checked against the hire date.
    with pytest.raises(ImportFailed):
        import_staff(
            xlsx(
                zhang(电话="13900000000", 状态="离职", 状态日期="2000-01-01"),
                li(工号="A003", 身份证号="", 性别="男"),
            )
        )

    assert stored() == before
    assert not Staff.objects.filter(staff_number="A003").exists()
