"""The staff sheet's cell readers on their own: post grades, month-only dates, names, ID
numbers and title levels as HR writes them (no database)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from staffing.importers import sheet
from staffing.validators import id_number_from_15, validate_id_number

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def english():
    """The messages are matched in English here; the import tests read the Chinese."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("written", "post"),
    [
        (12, (None, 12)),
        (12.0, (None, 12)),
        ("12级", (None, 12)),
        ("十二级", (None, 12)),
        ("十级", (None, 10)),
        ("一级", (None, 1)),
        ("专技12级", ("professional", 12)),
        ("专技岗十二级", ("professional", 12)),
        ("专业技术岗位十三级", ("professional", 13)),
        ("管理八级", ("management", 8)),
        ("管理岗位 八级", ("management", 8)),
        ("八级职员", ("management", 8)),
        ("工勤技能三级", ("worker", 3)),
        ("技术工二级", ("worker", 2)),
        ("专技７级（副高）", ("professional", 7)),
    ],
)
def test_post_grades_as_written(written, post):
    assert sheet.parse_post(written) == post


@pytest.mark.parametrize("written", ["十四级", "0", "二十级", "副高", "专技", "高级工", "12.5"])
def test_what_is_not_a_post_grade(written):
    with pytest.raises(ValueError, match="post grade"):
        sheet.parse_post(written)


@pytest.mark.parametrize(
    "written", ["2019.7", "2019.07", "2019-07", "2019/7", "2019年7月", "2019年07月", "201907"]
)
def test_a_month_is_its_first_day_where_months_are_written(written):
    assert sheet.parse_date(written, today=TODAY, months=True) == dt.date(2019, 7, 1)
    assert sheet.month_only(written)
    with pytest.raises(ValueError, match="not a date"):
        sheet.parse_date(written, today=TODAY)  # elsewhere a day is needed


def test_months_excel_stored_as_numbers():
    assert sheet.parse_date(2019.7, today=TODAY, months=True) == dt.date(2019, 7, 1)
    assert sheet.parse_date(2019.12, today=TODAY, months=True) == dt.date(2019, 12, 1)
    assert sheet.parse_date(201907, today=TODAY, months=True) == dt.date(2019, 7, 1)
    with pytest.raises(ValueError, match="2019.10 into 2019.1"):
        sheet.parse_date(2019.1, today=TODAY, months=True)


def test_full_dates_and_excel_serials_still_read_with_months():
    assert sheet.parse_date("2019.7.15", today=TODAY, months=True) == dt.date(2019, 7, 15)
    assert sheet.parse_date(20190715, today=TODAY, months=True) == dt.date(2019, 7, 15)
    assert sheet.parse_date(43661, today=TODAY, months=True) == dt.date(2019, 7, 15)
    assert not sheet.month_only("2019.7.15") and not sheet.month_only(dt.date(2019, 7, 15))
    assert sheet.month_only(2019.7) and not sheet.month_only(43661.5)


def test_a_month_in_the_future_is_refused():
    with pytest.raises(ValueError, match="future"):
        sheet.parse_date("2026.12", today=TODAY, months=True)
    assert sheet.parse_date("2026.11", today=TODAY, months=True) == dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("王　芳", "王芳"),
        ("王 芳", "王芳"),
        (" 王芳\u3000", "王芳"),
        ("买买提·艾力", "买买提·艾力"),
        ("Anna  Lee", "Anna Lee"),
    ],
)
def test_names_lose_their_padding(written, name):
    assert sheet.parse_name(written, max_length=50) == name


def test_fifteen_digit_id_number_gets_its_century_and_check_digit():
    eighteen = id_number_from_15("361002850312124")

    assert eighteen[:17] == "36100219850312124"
    validate_id_number(eighteen)  # the check digit is right
    assert sheet.parse_id_number("361002850312124") == eighteen
    assert sheet.parse_id_number(361002850312124) == eighteen  # 15 digits survive Excel
    assert sheet.parse_id_number("'361002850312124") == eighteen  # text marked by a quote


def test_a_fifteen_digit_number_with_an_impossible_birth_date_is_refused():
    with pytest.raises(ValidationError):
        sheet.parse_id_number("361002851332124")


@pytest.mark.parametrize("written", [3.61002198503121e17, 361002198503121234, "3.61002E+17"])
def test_id_numbers_stored_as_numbers_are_refused(written):
    with pytest.raises(ValueError, match="lost its last digits"):
        sheet.parse_id_number(written)


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("馆员", 3),
        ("助理馆员", 2),
        ("副研究馆员", 4),
        ("研究馆员", 5),
        ("图书资料馆员", 3),
        ("馆员（中级）", 3),
        ("初级", 2),
        ("中级", 3),
        ("副高", 4),
        ("正高", 5),
        ("高级工程师", 4),
        ("经理", None),
    ],
)
def test_title_names_say_their_level(title, level):
    assert sheet.title_level_of(title) == level


def test_every_exported_header_is_read_back():
    for header, key in sheet.COLUMNS.items():
        assert sheet.READ_COLUMNS[header] == key
    # 工号 and 姓名 must be there; the unit may come from any of its columns.
    assert not {sheet.READ_COLUMNS[h] for h in sheet.OPTIONAL} & {"staff_number", "name"}


def test_no_header_is_read_as_two_columns():
    keys: dict[str, set[str]] = {}
    pairs = [*sheet.COLUMNS.items()]
    pairs += [(alias, key) for key, aliases in sheet.ALIASES.items() for alias in aliases]
    for header, key in pairs:
        keys.setdefault("".join(header.split()), set()).add(key)
    assert {h: k for h, k in keys.items() if len(k) > 1} == {}
