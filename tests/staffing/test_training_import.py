"""The training office's registers as files: programs, who took part, training taken
elsewhere. All-or-nothing with bad cells by row and column; importing again updates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from staffing.importers.training import (
    import_enrolments,
    import_external_training,
    import_programs,
)
from staffing.models import Enrolment, ExternalTraining, TrainingProgram
from tests.factories import make_staff
from tests.tools import updated_columns

pytestmark = pytest.mark.django_db

PROGRAMS = [
    "项目名称",
    "类别",
    "主办单位",
    "开始日期",
    "结束日期",
    "学时",
    "科目类型",
    "培训方式",
    "名额",
]
ENROLMENTS = ["项目名称", "工号", "姓名", "是否参训", "认定学时"]


def xlsx(header, *rows) -> bytes:
    return write_xlsx([("培训", header, rows)])


def cells_of(error: ImportFailed) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in error.errors}


@pytest.fixture
def staff(org):
    return [
        make_staff(org["a"], staff_number="A001", name="张三"),
        make_staff(org["b"], staff_number="B001", name="李四"),
    ]


@pytest.fixture
def programs(staff):
    next_month = timezone.localdate() + dt.timedelta(days=30)
    import_programs(
        "培训项目.xlsx",
        xlsx(
            PROGRAMS,
            [
                "文献编目（RDA）培训班",
                "继续教育",
                "江西省图书馆",
                "2025-06-16",
                "2025-06-17",
                16,
                "专业科目",
            ],
            ["消防演练", "常态化业务培训", "", "2025-11-06", "2025-11-06", 4, "公需", "线下", 300],
            ["年终研讨会", "学术交流", "", next_month, next_month, 6, "专业", "线上"],
        ),
    )
    return {p.name: p for p in TrainingProgram.objects.all()}


def test_programs_are_read_with_their_chinese_terms(programs):
    cataloguing = programs["文献编目（RDA）培训班"]
    assert (cataloguing.kind, cataloguing.subject_type, cataloguing.mode) == (
        "continuing",
        "professional",
        "onsite",
    )
    assert (cataloguing.hours, cataloguing.capacity) == (Decimal(16), None)
    assert (programs["消防演练"].subject_type, programs["消防演练"].capacity) == ("general", 300)
    assert programs["年终研讨会"].mode == "online"


def test_importing_programs_again_updates_them(programs):
    import_programs(
        "培训项目.csv",
        "项目名称,类别,开始日期,结束日期,学时,科目类型\n"
        "文献编目（RDA）培训班,继续教育,2025-06-16,2025-06-18,24,专业科目\n".encode(),
    )

    assert TrainingProgram.objects.count() == 3
    assert TrainingProgram.objects.get(name="文献编目（RDA）培训班").hours == Decimal(24)


def test_bad_program_rows_are_reported_by_cell(staff):
    rows = [
        ["讲座", "讲座类", "", "2025-06-16", "2025-06-15", "两小时", "专业科目", "线下", 0],
        ["讲座2", "学术交流", "", None, "2025-06-15", 2.25, "必修", "线下", None],
    ]

    with translation.override("en"), pytest.raises(ImportFailed) as caught:
        import_programs("p.xlsx", xlsx(PROGRAMS, *rows))

    assert cells_of(caught.value) == {
        (2, "类别"),
        (2, "结束日期"),
        (2, "学时"),
        (2, "名额"),
        (3, "开始日期"),
        (3, "学时"),
        (3, "科目类型"),
    }
    assert "“讲座类” is not one of: 高级人才培训、常态化业务培训" in str(caught.value.errors[0])
    assert not TrainingProgram.objects.exists()


def test_enrolments_with_partial_hours_and_reimport(programs):
    rows = [
        ["文献编目（RDA）培训班", "A001", "张三", "是", 8],
        ["文献编目（RDA）培训班", "B001", None, "否", None],
        ["消防演练", "A001", "张三", "是", None],
        ["年终研讨会", "B001", "李四", "否", None],  # signed up, still to come
    ]
    import_enrolments("参训记录.xlsx", xlsx(ENROLMENTS, *rows))
    rows[1][3] = "是"
    result = import_enrolments("参训记录.xlsx", xlsx(ENROLMENTS, *rows))

    assert result.rows == 4 and Enrolment.objects.count() == 4
    a001 = Enrolment.objects.filter(staff__staff_number="A001")
    credited = dict(a001.values_list("program__name", "hours"))
    assert credited == {"文献编目（RDA）培训班": Decimal(8), "消防演练": None}
    assert Enrolment.objects.get(
        staff__staff_number="B001", program__name="文献编目（RDA）培训班"
    ).attended


def test_bad_enrolments_are_reported_by_cell(programs):
    rows = [
        ["文献编目（RDA）培训班", "A001", "张三", "是", 20],  # more than the program's 16 hours
        ["年终研讨会", "A001", "张三", "是", None],  # not started yet
        ["文献编目（RDA）培训班", "B001", "李四", "否", 4],  # hours without attending
        ["读书会", "A001", None, "是", None],  # no such program
        ["消防演练", "A001", None, "也许", None],
    ]

    with pytest.raises(ImportFailed) as caught:
        import_enrolments("e.xlsx", xlsx(ENROLMENTS, *rows))

    assert cells_of(caught.value) == {
        (2, "认定学时"),
        (3, "是否参训"),
        (4, "认定学时"),
        (5, "项目名称"),
        (6, "是否参训"),
    }
    assert not Enrolment.objects.exists()


EXTERNAL_HEADER = ["工号", "姓名", "培训名称", "主办单位", "培训日期", "学时", "科目类型"]
EXTERNAL_ROW = (
    "A001",
    "张三",
    "古籍普查登记业务培训",
    "江西省古籍保护中心",
    "2025-04-10",
    16,
    "专业科目",
)


def test_external_training_is_added_once_and_checked(staff):
    header, good = EXTERNAL_HEADER, list(EXTERNAL_ROW)
    import_external_training("外出培训.xlsx", xlsx(header, good))
    import_external_training("外出培训.xlsx", xlsx(header, good))

    assert ExternalTraining.objects.get().hours == Decimal(16)
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ImportFailed) as caught:
        import_external_training(
            "外出培训.xlsx",
            xlsx(header, good[:4] + [future, 16, "专业科目"], good[:5] + [-2, "专业科目"]),
        )
    assert cells_of(caught.value) == {(2, "培训日期"), (3, "学时")}


def test_program_reimport_writes_only_the_changed_columns_and_stays_all_or_nothing(programs):
    header = "项目名称,类别,主办单位,开始日期,结束日期,学时,科目类型\n"
    row = "文献编目（RDA）培训班,继续教育,江西省图书馆,2025-06-16,2025-06-17,24,专业科目\n"

    with CaptureQueriesContext(connection) as queries:
        import_programs("p.csv", (header + row).encode())

    assert updated_columns(queries, TrainingProgram) == [{"hours"}]
    with pytest.raises(ImportFailed):
        import_programs("p.csv", (header + row.replace("24", "32") + "讲座,讲座类,,,,,\n").encode())
    assert TrainingProgram.objects.get(name="文献编目（RDA）培训班").hours == Decimal(24)


def test_enrolment_reimport_writes_only_the_changed_columns_and_stays_all_or_nothing(programs):
    rows = [
        ["文献编目（RDA）培训班", "A001", "张三", "是", 8],
        ["文献编目（RDA）培训班", "B001", None, "否", None],
    ]
    import_enrolments("e.xlsx", xlsx(ENROLMENTS, *rows))
    rows[1][3] = "是"

    with CaptureQueriesContext(connection) as queries:
        import_enrolments("e.xlsx", xlsx(ENROLMENTS, *rows))

    assert updated_columns(queries, Enrolment) == [{"attended"}]
    rows[0][4] = 4
    with pytest.raises(ImportFailed):
        import_enrolments("e.xlsx", xlsx(ENROLMENTS, *rows, ["读书会", "A001", None, "是", None]))
    assert Enrolment.objects.get(staff__staff_number="A001").hours == Decimal(8)


def test_external_training_reimport_writes_only_the_changed_columns(staff):
    header, good = EXTERNAL_HEADER, list(EXTERNAL_ROW)
    import_external_training("t.xlsx", xlsx(header, good))

    with CaptureQueriesContext(connection) as queries:
        import_external_training("t.xlsx", xlsx(header, good[:5] + [12, "专业科目"]))

    assert updated_columns(queries, ExternalTraining) == [{"hours"}]
    with pytest.raises(ImportFailed):
        import_external_training(
            "t.xlsx", xlsx(header, good[:5] + [8, "专业科目"], good[:5] + [-2, "专业科目"])
        )
    assert ExternalTraining.objects.get().hours == Decimal(12)
