"""The staff export (下载职工表) is one query of tuples streamed into the sheet, whatever
the number of staff; without HR's right the personal columns are never read."""

import datetime as dt
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from staffing.documents import export_staff
from staffing.models import Staff, TitleRecord
from tests.factories import make_staff


def exported(data: bytes) -> list[dict]:
    rows = list(load_workbook(BytesIO(data)).active.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_export_is_one_query_for_few_or_many_staff(org):
    make_staff(org["a"])

    with CaptureQueriesContext(connection) as few:
        export_staff(Staff.objects.all(), personal=True)
    for _ in range(30):
        make_staff(org["b1"])
    with CaptureQueriesContext(connection) as many:
        data = export_staff(Staff.objects.all(), personal=True)

    assert len(few) == len(many) == 1
    assert len(exported(data)) == 31


def test_export_writes_the_sheets_words_unit_code_and_title_date(org):
    person = make_staff(
        org["a1"],
        name="张三",
        gender="M",
        post_category="professional",
        post_grade=10,
        title="馆员",
        title_level=3,
        education=5,
        hire_date=dt.date(2015, 7, 1),
    )
    TitleRecord.objects.create(staff=person, title="馆员", level=3, obtained=dt.date(2019, 9, 1))

    (row,) = exported(export_staff(Staff.objects.all(), personal=False))

    assert row["姓名"] == "张三" and row["性别"] == "男" and row["用工性质"] == "在编"
    assert row["所在单位"] == "T-A1 自助借还点"
    assert (row["岗位类别"], row["岗位等级"], row["职称级别"]) == ("专业技术岗位", 10, "中级")
    assert row["最高学历"] == "硕士研究生"
    assert row["职称取得日期"] == dt.datetime(2019, 9, 1)
    assert row["入职日期"] == dt.datetime(2015, 7, 1)


def test_export_without_personal_data_does_not_read_it(org):
    make_staff(org["a"], phone="13800000000")

    with CaptureQueriesContext(connection) as queries:
        data = export_staff(Staff.objects.all(), personal=False)

    (sql,) = [q["sql"] for q in queries]
    assert "id_number" not in sql and "birth_date" not in sql and "phone" not in sql
    assert "电话" not in exported(data)[0]
