"""The staff sheet as a file format: its Chinese column headers, the words HR writes in
its cells (男/女, 在编, 专业技术岗位, 中级, 硕士…) and how each cell is read and written.

Nothing here touches the database; ``importers.staff`` imports and ``documents`` exports.
The vocabularies are part of the format, like the headers, so they are Chinese data here
rather than translations: the same sheet reads the same whatever the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ..models import Discipline, Education, EmploymentType, Gender, PostCategory, Staff, TitleLevel
from ..validators import validate_id_number

# Header → key, in the order of the paper form (and of the exported sheet).
COLUMNS = {
    "工号": "staff_number",
    "姓名": "name",
    "性别": "gender",
    "身份证号": "id_number",
    "出生日期": "birth_date",
    "所在单位": "unit",
    "用工性质": "employment_type",
    "岗位类别": "post_category",
    "岗位等级": "post_grade",
    "职称": "title",
    "职称级别": "title_level",
    "职称取得日期": "title_obtained",
    "最高学历": "education",
    "学位": "degree",
    "专业": "major",
    "学科类别": "discipline",
    "入职日期": "hire_date",
    "状态": "status",
    "状态日期": "status_date",
    "电话": "phone",
    "电子邮箱": "email",
}
HEADER = {key: header for header, key in COLUMNS.items()}
REQUIRED = ("工号", "姓名", "所在单位")
OPTIONAL = tuple(h for h in COLUMNS if h not in REQUIRED)
# Only HR sees these (the permission staffing.view_staff_personal).
PERSONAL_HEADERS = ("身份证号", "出生日期", "电话", "电子邮箱")

MIN_GRADE, MAX_GRADE = 1, 13
_PARENTHESES = re.compile(r"\([^)]*\)")
_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")  # "2019-07-01 00:00:00" from a text export
_GRADE = re.compile(r"^(\d{1,2})级?$")
# Excel serial numbers for 1920-01-01 … 2199-12-31: a date in a cell formatted as a number.
# Eight-digit numbers (20190701) are read as yyyymmdd first; a bare year (2019) is refused.
_EXCEL_SERIALS = range(7306, 109939)


def _key(text: str) -> str:
    """Full-width folded (NFKC), without spaces, lower case: how terms are compared."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


class Terms:
    """The words a column accepts for each stored value; the first one is written out.

    The stored codes (``establishment``, ``M``, ``3``…) are accepted as well, and a
    bracketed note is ignored (``员级（管理员）`` reads as ``员级``).
    """

    def __init__(self, terms: dict[Any, tuple[str, ...]]):
        self.labels = {value: words[0] for value, words in terms.items()}
        self.values: dict[str, Any] = {}
        for value, words in terms.items():
            for word in (*words, str(value)):
                self.values[_key(word)] = value

    def label(self, value) -> str:
        return self.labels.get(value, "") if value not in (None, "") else ""

    def parse(self, raw) -> Any:
        text = cell_text(raw)
        if not text:
            return None
        key = _key(text)
        for candidate in (key, _PARENTHESES.sub("", key)):
            if candidate in self.values:
                return self.values[candidate]
        raise ValueError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": "、".join(self.labels.values())}
        )


GENDER = Terms({Gender.MALE: ("男", "male"), Gender.FEMALE: ("女", "female")})
EMPLOYMENT_TYPE = Terms(
    {
        EmploymentType.ESTABLISHMENT: ("在编", "编内", "事业编制"),
        EmploymentType.CONTRACT: ("编外", "编外合同", "合同", "合同制", "编外聘用"),
        EmploymentType.AGENCY: ("劳务派遣", "派遣"),
        EmploymentType.PURCHASED: ("购买服务", "政府购买服务"),
    }
)
POST_CATEGORY = Terms(
    {
        PostCategory.MANAGEMENT: ("管理岗位", "管理岗", "管理"),
        PostCategory.PROFESSIONAL: (
            "专业技术岗位",
            "专业技术岗",
            "专业技术",
            "专技岗位",
            "专技岗",
            "专技",
        ),
        PostCategory.WORKER: ("工勤技能岗位", "工勤技能岗", "工勤技能", "工勤岗", "工勤"),
    }
)
TITLE_LEVEL = Terms(
    {
        TitleLevel.JUNIOR: ("员级", "员级职称"),
        TitleLevel.ASSISTANT: ("助理级", "助理级职称"),
        TitleLevel.INTERMEDIATE: ("中级", "中级职称"),
        TitleLevel.ASSOCIATE_SENIOR: ("副高级", "副高", "副高级职称"),
        TitleLevel.SENIOR: ("正高级", "正高", "正高级职称"),
    }
)
# The library series: its title names say their level (used when 职称级别 is left empty).
SERIES_LEVELS = {
    "管理员": TitleLevel.JUNIOR,
    "助理馆员": TitleLevel.ASSISTANT,
    "馆员": TitleLevel.INTERMEDIATE,
    "副研究馆员": TitleLevel.ASSOCIATE_SENIOR,
    "研究馆员": TitleLevel.SENIOR,
}
EDUCATION = Terms(
    {
        Education.BELOW_SECONDARY: ("初中及以下", "初中", "小学"),
        Education.SECONDARY: ("高中/中专", "高中", "中专", "高中及中专", "职高", "技校"),
        Education.COLLEGE: ("大专", "专科", "大学专科"),
        Education.BACHELOR: ("本科", "大学本科"),
        Education.MASTER: ("硕士研究生", "硕士"),
        Education.DOCTORATE: ("博士研究生", "博士"),
    }
)
DISCIPLINE = Terms(
    {
        Discipline.LIBRARY: ("图书情报", "图书情报与档案管理", "图书馆学", "情报学", "档案学"),
        Discipline.IT: ("计算机与信息技术", "计算机", "信息技术"),
        Discipline.LANGUAGES: ("外语", "外国语言文学"),
        Discipline.HUMANITIES: ("其他人文学科", "人文"),
        Discipline.MANAGEMENT: ("管理与经济", "经济管理", "管理学", "经济学"),
        Discipline.SCIENCE: ("理工", "理学", "工学"),
        Discipline.OTHER: ("其他",),
    }
)
STATUS = Terms(
    {
        Staff.Status.IN_POST: ("在岗", "在职"),
        Staff.Status.SECONDED: ("借调",),
        Staff.Status.LEFT: ("离职", "调离", "辞职"),
        Staff.Status.RETIRED: ("退休",),
    }
)


# --- reading cells ----------------------------------------------------------------------


def cell_text(raw) -> str:
    """A cell as text: numbers typed into text columns (工号 1001, 电话) lose their ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFKC", str(raw)).strip()


def parse_text(raw, *, max_length: int) -> str:
    text = cell_text(raw)
    if len(text) > max_length:
        raise ValueError(_("at most %(max)s characters.") % {"max": max_length})
    return text


def parse_date(raw, *, today: dt.date | None = None) -> dt.date | None:
    """An Excel date, or text like 2019-07-01, 2019/7/1, 2019.7.1, 2019年7月1日, 20190701.

    Dates in the future are refused: every date of the sheet is one that has happened.
    """
    if raw is None or raw == "":
        return None
    date = None
    if isinstance(raw, dt.datetime):
        date = raw.date()
    elif isinstance(raw, dt.date):
        date = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and _COMPACT_DATE.match(str(int(raw))):
            date = _ymd(*_COMPACT_DATE.match(str(int(raw))).groups())
        elif int(raw) in _EXCEL_SERIALS:
            date = from_excel(raw).date()
    else:
        text = _TIME.sub("", cell_text(raw))
        match = _DATE.match(text) or _COMPACT_DATE.match(text)
        if match:
            date = _ymd(*match.groups())
    if date is None:
        raise ValueError(
            _("“%(value)s” is not a date: write it like 2019-07-01.") % {"value": cell_text(raw)}
        )
    if date > (today or timezone.localdate()):
        raise ValueError(_("%(date)s is in the future.") % {"date": date.isoformat()})
    return date


def _ymd(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_grade(raw) -> int | None:
    text = cell_text(raw)
    if not text:
        return None
    match = _GRADE.match(text)
    if not match or not MIN_GRADE <= int(match.group(1)) <= MAX_GRADE:
        raise ValueError(
            _("the post grade is a whole number from %(min)s to %(max)s.")
            % {"min": MIN_GRADE, "max": MAX_GRADE}
        )
    return int(match.group(1))


def parse_title_level(raw) -> int | None:
    text = cell_text(raw)
    if text in SERIES_LEVELS:
        return SERIES_LEVELS[text]
    return TITLE_LEVEL.parse(raw)


def parse_id_number(raw) -> str:
    """The ID number upper-cased (a final x becomes X), checked (GB 11643)."""
    number = cell_text(raw).upper()
    if number:
        validate_id_number(number)  # ValidationError with a translated message
    return number


def gender_from_id(number: str) -> str:
    """The 17th digit of an ID number is odd for men and even for women ("" if unreadable)."""
    if len(number) != 18 or not number[16].isdigit():
        return ""
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


# --- writing rows -----------------------------------------------------------------------


def header(*, personal: bool) -> list[str]:
    return [h for h in COLUMNS if personal or h not in PERSONAL_HEADERS]


def unit_label(unit) -> str:
    """``CODE name``: the code is what the import matches, the name is for people."""
    return f"{unit.code} {unit.name}"


def staff_row(staff: Staff, *, personal: bool, title_obtained: dt.date | None) -> list[Any]:
    values = {
        "staff_number": staff.staff_number,
        "name": staff.name,
        "gender": GENDER.label(staff.gender),
        "id_number": staff.id_number,
        "birth_date": staff.birth_date,
        "unit": unit_label(staff.unit),
        "employment_type": EMPLOYMENT_TYPE.label(staff.employment_type),
        "post_category": POST_CATEGORY.label(staff.post_category),
        "post_grade": staff.post_grade,
        "title": staff.title,
        "title_level": TITLE_LEVEL.label(staff.title_level),
        "title_obtained": title_obtained,
        "education": EDUCATION.label(staff.education),
        "degree": staff.degree,
        "major": staff.major,
        "discipline": DISCIPLINE.label(staff.discipline),
        "hire_date": staff.hire_date,
        "status": STATUS.label(staff.status),
        "status_date": staff.status_date,
        "phone": staff.phone,
        "email": staff.email,
    }
    return [values[COLUMNS[h]] for h in header(personal=personal)]
