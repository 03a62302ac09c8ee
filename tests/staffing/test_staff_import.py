"""The staff sheet: import (all-or-nothing, by staff number, with post and title history),
export (ID numbers for HR only), the admin upload and download, and the commands."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from staffing.documents import export_staff
from staffing.importers.staff import import_staff
from staffing.models import PostAppointment, Staff, TitleRecord
from tests.factories import make_staff, make_user, valid_id_number

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


def test_leaving_is_dated_by_the_status_date_column_never_today(org):
    import_staff(xlsx(zhang(), li()))

    with pytest.raises(ImportFailed) as caught:
        import_staff(xlsx(zhang(状态="退休", 状态日期="2025-03-31"), li(状态="离职")))
    assert cells_of(caught.value) == {(3, "状态日期")}

    import_staff(xlsx(zhang(状态="退休", 状态日期="2025-03-31"), li()))
    a, b = Staff.objects.order_by("staff_number")
    assert (a.status, a.status_date) == ("retired", dt.date(2025, 3, 31))
    assert (b.status, b.status_date) == ("in_post", None)
    assert sheet_values(export_staff(Staff.objects.filter(pk=a.pk), personal=False))[
        "状态日期"
    ] == dt.datetime(2025, 3, 31)


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
    make_staff(org["a1"], name="王五", birth_date=dt.date(1985, 3, 12), status="retired")
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
