"""HR's registers as files: the post and title histories replace a person's history and
set their current post and title; post qualifications add or update. All-or-nothing, bad
cells reported by row and column."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from staffing.importers.records import (
    import_certificates,
    import_post_history,
    import_title_history,
)
from staffing.models import Certificate, PostAppointment, Staff, TitleRecord
from tests.factories import make_staff
from tests.tools import updated_columns

pytestmark = pytest.mark.django_db


def xlsx(header, *rows) -> bytes:
    return write_xlsx([("记录", header, rows)])


def cells_of(error: ImportFailed) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in error.errors}


@pytest.fixture
def zhang(org):
    return make_staff(org["a"], staff_number="A001", name="张三", status="left")


POSTS = ["工号", "姓名", "岗位类别", "岗位等级", "聘用起始日期", "聘用终止日期", "聘用依据"]
TITLES = ["工号", "职称系列", "职称", "职称级别", "取得日期", "取得依据"]


def test_post_history_replaces_the_old_one_and_sets_the_current_post(zhang):
    PostAppointment.objects.create(staff=zhang, category="worker", grade=3, start="2001-1-1")

    result = import_post_history(
        "岗位聘用记录.xlsx",
        xlsx(
            POSTS,
            ["A001", "张三", "专业技术岗位", 12, "2010-01-01", "2016-03-31", "岗位设置首次聘用"],
            ["A001", "张三", "专技", "10级", dt.date(2016, 4, 1), dt.date(2024, 6, 30), ""],
        ),
    )

    assert (result.staff, result.rows) == (1, 2)
    posts = list(zhang.appointments.order_by("start").values_list("grade", "start", "end", "basis"))
    assert posts == [
        (12, dt.date(2010, 1, 1), dt.date(2016, 3, 31), "岗位设置首次聘用"),
        (10, dt.date(2016, 4, 1), dt.date(2024, 6, 30), ""),
    ]
    zhang.refresh_from_db()
    # Someone who has left keeps their last post on their record.
    assert (zhang.post_category, zhang.post_grade) == ("professional", 10)
    entry = ModelLogEntry.objects.get(action="shuxiang.staff.history_import")
    assert (entry.object_id, entry.data) == (str(zhang.pk), {"history": "posts"})


def test_post_history_as_csv(zhang):
    data = "工号,岗位类别,岗位等级,聘用起始日期\nA001,管理岗位,8,2019/7/1\n".encode("gbk")

    import_post_history("posts.csv", data)

    assert list(zhang.appointments.values_list("category", "grade", "end")) == [
        ("management", 8, None)
    ]


def test_bad_post_rows_save_nothing_and_are_reported_by_cell(zhang, org):
    make_staff(org["b"], staff_number="B001", name="李四")
    future = timezone.localdate() + dt.timedelta(days=10)
    rows = [
        ["A001", "张三", "专业技术岗位", 12, "2010-01-01", "2016-03-31", ""],
        ["A001", "张三", "专业技术岗位", 10, "2016-03-01", None, ""],  # overlaps row 2
        ["B001", "王五", "管理岗位", 8, "2019-01-01", None, ""],  # not B001's name
        ["X999", None, "管理岗位", 8, "2019-01-01", None, ""],
        ["B001", None, "科研岗", 14, future, "2018-01-01", ""],
    ]

    with translation.override("en"), pytest.raises(ImportFailed) as caught:
        import_post_history("posts.xlsx", xlsx(POSTS, *rows))

    assert cells_of(caught.value) == {
        (3, "聘用起始日期"),
        (4, "姓名"),
        (5, "工号"),
        (6, "岗位类别"),
        (6, "岗位等级"),
        (6, "聘用起始日期"),
    }
    messages = " ".join(str(e) for e in caught.value.errors)
    assert "overlaps the post from 2010-01-01 in row 2" in messages
    assert "staff member B001 is 李四" in messages
    assert "no staff member has the number “X999”" in messages
    assert not PostAppointment.objects.exists()


def test_title_history_keeps_the_series_and_sets_the_latest_title(zhang):
    import_title_history(
        "职称记录.xlsx",
        xlsx(
            TITLES,
            ["A001", "会计", "会计师", "中级", "2016-05-20", "评审通过"],
            ["A001", None, "助理馆员", None, "2010-09-30", ""],  # level from the title
        ),
    )

    records = list(zhang.titles.order_by("obtained").values_list("series", "title", "level"))
    assert records == [("图书资料", "助理馆员", 2), ("会计", "会计师", 3)]
    zhang.refresh_from_db()
    assert (zhang.title, zhang.title_level) == ("会计师", 3)


def test_a_title_needs_a_level_and_a_date(zhang):
    with pytest.raises(ImportFailed) as caught:
        import_title_history("t.xlsx", xlsx(TITLES, ["A001", "会计", "会计师", None, None, ""]))

    assert cells_of(caught.value) == {(2, "职称级别"), (2, "取得日期")}
    assert not TitleRecord.objects.exists()


CERTIFICATES = ["工号", "姓名", "资格名称", "证书编号", "发证日期", "有效期至"]


def test_certificates_are_added_then_updated_by_number(zhang):
    row = ["A001", "张三", "阅读推广人", "YDTG-2020-0001", "2020-05-01", None]
    import_certificates("c.xlsx", xlsx(CERTIFICATES, row))

    result = import_certificates("c.xlsx", xlsx(CERTIFICATES, row[:5] + ["2030-04-30"]))

    certificate = Certificate.objects.get()
    assert (certificate.kind, certificate.expires) == ("阅读推广人", dt.date(2030, 4, 30))
    assert result.rows == 1


def test_a_certificate_cannot_expire_before_it_is_issued(zhang):
    row = ["A001", "张三", "少儿阅读指导", "", "2020-05-01", "2019-05-01"]

    with pytest.raises(ImportFailed) as caught:
        import_certificates("c.xlsx", xlsx(CERTIFICATES, row, row))

    assert cells_of(caught.value) == {(2, "有效期至"), (3, "有效期至")}
    assert not Certificate.objects.exists()


def test_a_staff_number_is_found_whatever_the_case_of_its_letters(zhang):
    import_title_history(
        "职称记录.xlsx",
        xlsx(TITLES, ["a001", "图书资料", "馆员", "中级", "2018-12-01", "评审通过"]),
    )
    assert TitleRecord.objects.get(staff=zhang).title == "馆员"


def test_history_reimport_writes_only_the_changed_columns_and_stays_all_or_nothing(zhang):
    rows = [
        ["A001", "张三", "专业技术岗位", 12, "2010-01-01", "2016-03-31", "首次聘用"],
        ["A001", "张三", "专业技术岗位", 10, "2016-04-01", "2024-06-30", ""],
    ]
    import_post_history("p.xlsx", xlsx(POSTS, *rows))
    rows[1][6] = "竞聘"

    with CaptureQueriesContext(connection) as queries:
        import_post_history("p.xlsx", xlsx(POSTS, *rows))

    assert updated_columns(queries, PostAppointment) == [{"basis"}]
    assert updated_columns(queries, Staff) == []  # the current post did not change
    rows[1][3], rows[0][4] = 9, "不是日期"
    with pytest.raises(ImportFailed):
        import_post_history("p.xlsx", xlsx(POSTS, *rows))
    zhang.refresh_from_db()
    assert zhang.post_grade == 10
    assert sorted(zhang.appointments.values_list("grade", "basis")) == [
        (10, "竞聘"),
        (12, "首次聘用"),
    ]


def test_certificate_reimport_writes_only_the_changed_dates_and_stays_all_or_nothing(zhang):
    row = ["A001", "张三", "阅读推广人", "YDTG-2020-0001", "2020-05-01", None]
    import_certificates("c.xlsx", xlsx(CERTIFICATES, row))

    with CaptureQueriesContext(connection) as queries:
        import_certificates("c.xlsx", xlsx(CERTIFICATES, row[:5] + ["2030-04-30"]))

    assert updated_columns(queries, Certificate) == [{"expires"}]
    bad = ["A001", "张三", "少儿阅读指导", "", "2020-05-01", "2019-05-01"]
    with pytest.raises(ImportFailed):
        import_certificates("c.xlsx", xlsx(CERTIFICATES, row[:5] + ["2031-04-30"], bad))
    assert Certificate.objects.get().expires == dt.date(2030, 4, 30)


def test_title_reimport_writes_only_the_changed_columns_and_stays_all_or_nothing(zhang):
    rows = [
        ["A001", "图书资料", "助理馆员", "初级", "2010-09-30", ""],
        ["A001", "图书资料", "馆员", "中级", "2016-05-20", "评审通过"],
    ]
    import_title_history("t.xlsx", xlsx(TITLES, *rows))
    rows[1][2] = "副研究馆员"  # the latest title, so the staff row's current title as well
    rows[1][3] = "副高级"

    with CaptureQueriesContext(connection) as queries:
        import_title_history("t.xlsx", xlsx(TITLES, *rows))

    assert updated_columns(queries, TitleRecord) == [{"title", "level"}]
    assert updated_columns(queries, Staff) == [{"title", "title_level"}]
    with pytest.raises(ImportFailed):
        import_title_history("t.xlsx", xlsx(TITLES, rows[0], rows[1][:4] + [None, ""]))
    zhang.refresh_from_db()
    assert zhang.title == "副研究馆员"
