"""The staff sheet as a file format: its Chinese column headers (and the other ways HR
heads them), the words HR writes in its cells (男/女, 在编, 专技12级, 初级, 硕士…) and
how each cell is read and written (months for dates, 15-digit ID numbers, padded names).

Nothing here touches the database; ``importers.staff`` imports and ``documents`` exports.
The vocabularies are part of the format, like the headers, so they are Chinese data here
rather than translations: the same sheet reads the same whatever the user's language.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reporting.cells import cell_text, month_only, parse_date, parse_text  # noqa: F401

from ..models import Discipline, Education, EmploymentType, Gender, PostCategory, Staff, TitleLevel
from ..validators import id_number_from_15, validate_id_number

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
# The other ways HR heads the same columns, the preferred first: when a sheet has two
# headers of one key, the first in this order is read and the other is listed as ignored.
# 参加工作时间 (the start of someone's working life) comes last for the hire date: it is
# read only from a sheet that does not say when the person came to the library.
ALIASES = {
    "staff_number": ("职工编号", "职工号", "员工编号", "员工号", "人员编号", "人事编号"),
    "name": ("职工姓名", "人员姓名", "员工姓名"),
    "id_number": (
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "身份证件号码",
        "证件号码",
        "身份证",
    ),
    "birth_date": ("出生年月", "出生年月日", "出生时间"),
    # A sheet of several libraries gives the library and the department in two columns:
    # the department is looked up within the library (every library has its 借阅部).
    "department": ("所在部门", "部门", "工作部门", "所在科室", "科室", "部门名称", "处室"),
    "library": (
        "工作单位",
        "单位",
        "所属单位",
        "单位名称",
        "所在馆",
        "所在图书馆",
        "所属图书馆",
        "馆别",
    ),
    "employment_type": ("用工形式", "用工类型", "人员性质", "编制性质", "编制类型", "编制情况"),
    "post_category": ("岗位类型", "现聘岗位类别"),
    "post_grade": ("岗位级别", "现聘岗位等级", "聘用岗位等级", "现聘岗位", "聘用岗位"),
    "title": (
        "专业技术职务",
        "专业技术职称",
        "现任专业技术职务",
        "专业技术资格",
        "职称名称",
    ),
    "title_level": ("职称等级", "职称层级", "专业技术职务等级", "专业技术职务级别"),
    "title_obtained": (
        "职称取得时间",
        "职称取得年月",
        "取得职称时间",
        "取得职称日期",
        "职称评定时间",
        "任职资格取得时间",
        "资格取得时间",
    ),
    "education": ("学历", "文化程度", "最高学历层次"),
    "degree": ("最高学位",),
    "major": ("所学专业", "毕业专业"),
    "discipline": ("学科门类", "专业类别"),
    "hire_date": (
        "入职时间",
        "入职年月",
        "入馆时间",
        "入馆日期",
        "来馆时间",
        "来馆日期",
        "进馆时间",
        "进馆日期",
        "到馆时间",
        "进入本单位时间",
        "参加工作时间",
        "参加工作日期",
        "参加工作年月",
    ),
    "status": ("人员状态", "在职状态", "在岗状态"),
    "status_date": ("离职/退休日期", "离退休日期", "状态变动日期", "变动日期"),
    "left_date": ("离职日期", "离职时间", "调离日期", "调离时间"),
    "retired_date": ("退休日期", "退休时间"),
    # When a change of unit or education found by the import took effect (else the day
    # of the import, said in the result).
    "transfer_date": ("调动日期", "调动时间", "调入日期", "调入时间", "调入本部门日期"),
    "education_date": ("学历取得时间", "学历取得日期", "毕业时间", "毕业日期", "毕业年月"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "联系方式"),
    "email": ("邮箱", "电子邮件", "Email", "E-mail"),
}
# Every header the import reads (the exported ones first, so they win).
READ_COLUMNS = {
    **COLUMNS,
    **{alias: key for key, aliases in ALIASES.items() for alias in aliases},
}
HEADER = {key: header for header, key in COLUMNS.items()} | {
    "department": "所在部门",
    "library": "工作单位",
    "left_date": "离职日期",
    "retired_date": "退休日期",
    "transfer_date": "调动日期",
    "education_date": "学历取得时间",
}
REQUIRED = ("工号", "姓名", "所在单位")
# The unit may be given by 所在单位, a department column, a library column or two of them.
UNIT_KEYS = ("department", "unit", "library")  # the most precise first
OPTIONAL = tuple(h for h, key in READ_COLUMNS.items() if key not in {"staff_number", "name"})
# Headers not worth naming among the ignored columns: a row counter.
UNNAMED = ("序号", "编号序号", "No.", "No")
# Only HR sees these (the permission staffing.view_staff_personal).
PERSONAL_HEADERS = ("身份证号", "出生日期", "电话", "电子邮箱")

GRADES = {  # the post grades of each category (事业单位岗位设置)
    PostCategory.MANAGEMENT: range(1, 11),
    PostCategory.PROFESSIONAL: range(1, 14),
    PostCategory.WORKER: range(1, 6),
}
MIN_GRADE, MAX_GRADE = 1, 13
_PARENTHESES = re.compile(r"\([^)]*\)")
# A post grade as written: 12, 12级, 十二级, 专技12级, 管理八级, 工勤技能三级, 八级职员…
_GRADE = re.compile(
    r"^(?P<category>[^\d一二三四五六七八九十]*?)(岗位|岗)?"
    r"(?P<grade>\d{1,2}|[一二三四五六七八九十]{1,3})级?(?P<suffix>职员|岗位|岗)?$"
)
_NUMERALS = "一二三四五六七八九"
# An ID number Excel has shown in scientific notation, then saved as text.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·]+$")


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


GENDER = Terms({Gender.MALE: ("男", "男性", "male"), Gender.FEMALE: ("女", "女性", "female")})
EMPLOYMENT_TYPE = Terms(
    {
        EmploymentType.ESTABLISHMENT: ("在编", "编内", "事业编制", "正式在编"),
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
        PostCategory.WORKER: (
            "工勤技能岗位",
            "工勤技能岗",
            "工勤技能",
            "工勤岗",
            "工勤",
            "技术工",
        ),
    }
)
TITLE_LEVEL = Terms(
    {
        TitleLevel.JUNIOR: ("员级", "员级职称"),
        # 初级 covers 员级 and 助理级; written alone it means the 助理馆员 level.
        TitleLevel.ASSISTANT: ("助理级", "助理级职称", "初级", "初级职称"),
        TitleLevel.INTERMEDIATE: ("中级", "中级职称"),
        TitleLevel.ASSOCIATE_SENIOR: ("副高级", "副高", "副高级职称", "副高职称"),
        TitleLevel.SENIOR: ("正高级", "正高", "正高级职称", "正高职称"),
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
# The series other staff of a library hold (accounts, engineering, research, teaching):
# the staff sheet's 职称 column reads their level as well.
OTHER_SERIES_LEVELS = {
    "技术员": TitleLevel.JUNIOR,
    "会计员": TitleLevel.JUNIOR,
    "经济员": TitleLevel.JUNIOR,
    "统计员": TitleLevel.JUNIOR,
    "助理工程师": TitleLevel.ASSISTANT,
    "助理会计师": TitleLevel.ASSISTANT,
    "助理经济师": TitleLevel.ASSISTANT,
    "助理统计师": TitleLevel.ASSISTANT,
    "助理研究员": TitleLevel.ASSISTANT,
    "助教": TitleLevel.ASSISTANT,
    "工程师": TitleLevel.INTERMEDIATE,
    "会计师": TitleLevel.INTERMEDIATE,
    "经济师": TitleLevel.INTERMEDIATE,
    "统计师": TitleLevel.INTERMEDIATE,
    "讲师": TitleLevel.INTERMEDIATE,
    "高级工程师": TitleLevel.ASSOCIATE_SENIOR,
    "高级会计师": TitleLevel.ASSOCIATE_SENIOR,
    "高级经济师": TitleLevel.ASSOCIATE_SENIOR,
    "高级统计师": TitleLevel.ASSOCIATE_SENIOR,
    "副研究员": TitleLevel.ASSOCIATE_SENIOR,
    "副教授": TitleLevel.ASSOCIATE_SENIOR,
    "正高级工程师": TitleLevel.SENIOR,
    "正高级会计师": TitleLevel.SENIOR,
    "正高级经济师": TitleLevel.SENIOR,
    "研究员": TitleLevel.SENIOR,
    "教授": TitleLevel.SENIOR,
}
# A title cell that says there is none: left empty.
NO_TITLE = {"无", "无职称", "暂无", "未评", "-", "—", "/", "\\"}
EDUCATION = Terms(
    {
        Education.BELOW_SECONDARY: ("初中及以下", "初中", "小学"),
        Education.SECONDARY: ("高中/中专", "高中", "中专", "高中及中专", "职高", "技校"),
        Education.COLLEGE: ("大专", "专科", "大学专科"),
        Education.BACHELOR: ("本科", "大学本科", "大学"),
        Education.MASTER: ("硕士研究生", "硕士", "研究生"),
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
        Staff.Status.LEFT: ("离职", "调离", "辞职", "调出", "解聘", "已离职"),
        Staff.Status.RETIRED: ("退休", "已退休", "离休"),
    }
)


# --- reading cells ----------------------------------------------------------------------


def parse_name(raw, *, max_length: int) -> str:
    """A name without the spaces HR types to line names up: a Chinese name loses every
    space (“王　芳” is 王芳: full-width spaces are folded first), other names keep one space
    between their parts."""
    text = " ".join(cell_text(raw).split())
    if _HAN.match(text.replace(" ", "")):
        text = text.replace(" ", "")
    return parse_text(text, max_length=max_length)


def _numeral(text: str) -> int:
    """12 or 十二 (up to 九十九) as a number."""
    if text.isdigit():
        return int(text)
    tens, ten, units = text.rpartition("十")
    if not ten:
        return _NUMERALS.index(text) + 1 if text in _NUMERALS else 0
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in _NUMERALS):
        return 0
    high = _NUMERALS.index(tens) + 1 if tens else 1
    return 10 * high + (_NUMERALS.index(units) + 1 if units else 0)


def parse_post(raw) -> tuple[str | None, int] | None:
    """A post grade as written, with the category it names if any: 12, 12级, 十二级,
    专技12级, 专业技术十级, 管理八级, 八级职员 (a management grade), 工勤技能三级."""
    text = _PARENTHESES.sub("", _key(cell_text(raw)))
    if not text:
        return None
    match = _GRADE.match(text)
    grade = _numeral(match.group("grade")) if match else 0
    category = None
    if match and match.group("category"):
        try:
            category = POST_CATEGORY.parse(match.group("category"))
        except ValueError:
            grade = 0
    elif match and match.group("suffix") == "职员":
        category = PostCategory.MANAGEMENT
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise ValueError(
            _(
                "“%(value)s” is not a post grade: write a grade from %(min)s to %(max)s, "
                "like 12, 十二级 or 专技12级."
            )
            % {"value": cell_text(raw), "min": MIN_GRADE, "max": MAX_GRADE}
        )
    return category, grade


def parse_grade(raw) -> int | None:
    """A post grade as written (see ``parse_post``), without its category."""
    post = parse_post(raw)
    return post[1] if post else None


def title_level_of(title: str) -> int | None:
    """The level a title's name says (馆员, 图书资料副研究馆员, 中级…), or None."""
    key = _PARENTHESES.sub("", _key(title))
    levels = SERIES_LEVELS | OTHER_SERIES_LEVELS
    for name in sorted(levels, key=len, reverse=True):
        if key.endswith(name):
            return levels[name]
    try:
        return TITLE_LEVEL.parse(key)
    except ValueError:
        return None


def parse_title(raw, *, max_length: int) -> str:
    """The title's name; a cell saying there is none (无, —) is empty."""
    text = parse_text(raw, max_length=max_length)
    return "" if text in NO_TITLE else text


def parse_title_level(raw) -> int | None:
    text = cell_text(raw)
    if text in SERIES_LEVELS:
        return SERIES_LEVELS[text]
    return TITLE_LEVEL.parse(raw)


def parse_id_number(raw) -> str:
    """The ID number upper-cased (a final x becomes X), a first-generation 15-digit number
    made 18, checked (GB 11643). A number Excel stored as a number has lost its last digits
    (Excel keeps 15): refused with how to type it again."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # 15 digits survive Excel: a first-generation number is whole.
        if not (float(raw).is_integer() and len(str(int(raw))) == 15):
            raise ValueError(id_as_number_message())
    # A leading ' is how Excel is told to keep digits as text; WPS may keep it in the value.
    number = "".join(cell_text(raw).split()).upper().lstrip("'")
    if _SCIENTIFIC.match(number):
        raise ValueError(id_as_number_message())
    number = id_number_from_15(number)
    if number:
        try:
            validate_id_number(number)  # ValidationError with a translated message
        except ValidationError:
            if number.endswith("000") and number.isdigit():
                # What is left of a number Excel rounded, typed back as text.
                raise ValueError(id_as_number_message()) from None
            raise
    return number


def id_as_number_message() -> str:
    return _(
        "Excel has stored the ID number as a number and lost its last digits: format the "
        "column as text and type the ID numbers again."
    )


def id_number_key(raw) -> str:
    """The ID number a cell holds as ``parse_id_number`` reads it, or "" (no errors)."""
    try:
        return parse_id_number(raw)
    except (ValueError, ValidationError):
        return ""


def gender_from_id(number: str) -> str:
    """The 17th digit of an ID number is odd for men and even for women ("" if unreadable)."""
    if len(number) != 18 or not number[16].isdigit():
        return ""
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


# --- writing rows -----------------------------------------------------------------------


def header(*, personal: bool) -> list[str]:
    return [h for h in COLUMNS if personal or h not in PERSONAL_HEADERS]


# The columns written as a word of the sheet's vocabulary rather than as stored; the others
# are written as stored (``unit`` as "CODE name": the code is what the import matches, the name is
# for people; ``title_obtained`` the date).
LABELS = {
    "gender": GENDER,
    "employment_type": EMPLOYMENT_TYPE,
    "post_category": POST_CATEGORY,
    "title_level": TITLE_LEVEL,
    "education": EDUCATION,
    "discipline": DISCIPLINE,
    "status": STATUS,
}


def export_keys(*, personal: bool) -> list[str]:
    """The keys of ``header(personal=...)``'s columns, in its order."""
    return [COLUMNS[h] for h in header(personal=personal)]


def written_row(keys: list[str], values) -> list[Any]:
    """One exported row from the stored ``values`` of ``keys`` (the unit already a label)."""
    return [
        LABELS[key].label(value) if key in LABELS else value
        for key, value in zip(keys, values, strict=True)
    ]
