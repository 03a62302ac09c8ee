"""``manage.py bench_staffing``: on generated staff with post, title and training
histories — the workforce structure and the "short only" compliance list (as a head and
as HR; on PostgreSQL with JIT on and off), the staff import (every row new, every row
changed), the staff export, each beside a baseline computing the same result; and the
whole-system roster (time and peak memory). Part of ``manage.py bench`` (reporting)."""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from wagtail.log_actions import registry as log_registry

from governance.access import get_user_access, may_everywhere
from governance.models import OrgUnit
from governance.roles import role_group
from governance.services.org import create_unit, grant_scope
from reporting.management.commands.bench import (
    Result,
    add_common_arguments,
    check_common,
    child_runs,
    compare,
    judge,
    refuse_unless_throwaway,
    rolled_back,
    same,
    save,
    table,
)
from reporting.spreadsheets import write_xlsx
from staffing.documents import export_staff
from staffing.importers import sheet
from staffing.importers.staff import import_staff
from staffing.models import (
    Discipline,
    Education,
    EducationRecord,
    EmploymentType,
    Enrolment,
    ExternalTraining,
    Gender,
    PostAppointment,
    PostCategory,
    Staff,
    StructureTarget,
    SubjectType,
    TitleLevel,
    TitleRecord,
    TrainingProgram,
    UnitAssignment,
)
from staffing.selectors.compliance import Requirement, compliance_listing
from staffing.selectors.structure import (
    AGE_BANDS,
    UNIT,
    Structure,
    structure_for,
    visible_staff,
    years_before,
)

LIBRARIES = ("基准市图书馆", "基准县图书馆甲", "基准县图书馆乙")
DEPARTMENTS = (
    "办公室",
    "借阅部",
    "少儿部",
    "采编部",
    "地方文献部",
    "数字资源部",
    "参考咨询部",
    "古籍保护部",
    "阅读推广部",
)
TITLE_NAMES = {1: "管理员", 2: "助理馆员", 3: "馆员", 4: "副研究馆员", 5: "研究馆员"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "华明丽静敏强磊军洋勇艳杰娟涛超秀霞平刚桂英芳"
MIN_STAFF = 10
BATCH = 2000


@dataclass
class BenchStaff:
    root: OrgUnit
    user_id: int  # HR: sees every unit
    head_id: int  # a head of one library: sees its departments
    as_of: dt.date
    staff: int
    units: int
    titles: int
    appointments: int


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _histories(rng, person: Staff, today: dt.date) -> tuple[list, list]:
    """A title career (a first title a year after hiring, a step up every 4–8 years) and
    one to three consecutive post appointments; the staff row gets the current ones."""
    hired = person.hire_date or dt.date(2012, 9, 1)
    gone = (
        person.status_date if person.status in (Staff.Status.LEFT, Staff.Status.RETIRED) else None
    )
    last_day = min(gone or today, today)
    titles = []
    level = 2 if (person.education or 0) >= Education.BACHELOR else 1
    obtained = hired + dt.timedelta(days=365 + rng.randrange(200))
    while obtained <= last_day and level <= TitleLevel.SENIOR:
        titles.append(
            TitleRecord(
                staff=person, title=TITLE_NAMES[level], level=level, obtained=obtained, basis="聘任"
            )
        )
        if rng.random() > 0.7:
            break
        level += 1
        obtained += dt.timedelta(days=rng.randint(4 * 365, 8 * 365))
    posts = []
    start = hired
    category = rng.choices(
        [PostCategory.PROFESSIONAL, PostCategory.MANAGEMENT, PostCategory.WORKER], [70, 15, 15]
    )[0]
    appointments = rng.randint(1, 3)
    for n in range(appointments):
        grade = {"professional": rng.randint(7, 12), "management": rng.randint(5, 10)}.get(
            category, rng.randint(1, 5)
        )
        posts.append(PostAppointment(staff=person, category=category, grade=grade, start=start))
        following = start + dt.timedelta(days=rng.randint(3 * 365, 9 * 365))
        if n == appointments - 1 or following >= last_day:
            break
        posts[-1].end = following - dt.timedelta(days=1)
        start, category = following, rng.choice(list(PostCategory))
    if gone and (posts[-1].end is None or posts[-1].end > gone):
        posts[-1].end = max(gone, posts[-1].start)
    if titles:
        person.title, person.title_level = titles[-1].title, titles[-1].level
    person.post_category, person.post_grade = posts[-1].category, posts[-1].grade
    return titles, posts


def _training(rng, people: list[Staff], year: int) -> None:
    """Forty programs in ``year`` (and ten the year before); each person attends a few
    (hours credited or the program's), and some report external training: most of them
    end up short of 90 hours, some not."""
    programs = TrainingProgram.objects.bulk_create(
        TrainingProgram(
            name=f"基准培训{n}",
            kind=TrainingProgram.Kind.CONTINUING,
            start=dt.date(year - (n >= 40), 1 + n % 12, 1),
            end=dt.date(year - (n >= 40), 1 + n % 12, 20),
            hours=Decimal(rng.choice((8, 12, 16, 24, 32))),
            subject_type=SubjectType.PROFESSIONAL if n % 3 else SubjectType.GENERAL,
        )
        for n in range(50)
    )
    enrolments, external = [], []
    for person in people:
        for program in rng.sample(programs, rng.randrange(0, 7)):
            enrolments.append(
                Enrolment(
                    program=program,
                    staff=person,
                    attended=rng.random() < 0.9,
                    hours=Decimal(rng.randrange(40, 240)) / 10 if rng.random() < 0.2 else None,
                )
            )
        for n in range(rng.choice((0, 0, 1, 2))):
            external.append(
                ExternalTraining(
                    staff=person,
                    name=f"外部培训{n}",
                    date=dt.date(year, rng.randrange(1, 13), 10),
                    hours=Decimal(rng.randrange(10, 300)) / 10,
                    subject_type=rng.choice(list(SubjectType)),
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    ExternalTraining.objects.bulk_create(external, batch_size=BATCH)


def generate(*, staff: int, seed: int = 20) -> BenchStaff:
    """31 units (a system, three libraries, nine departments each) and ``staff`` people
    with birth and hire dates, leavers and retirees, title and post histories; an HR user
    and a few targets."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable figures, not security
    today = dt.date.today()
    tag = rng.randrange(10**6)
    root = create_unit(
        parent=None, name="基准测试图书馆体系", code=f"BSTAFF{tag}", kind=OrgUnit.Kind.SYSTEM
    )
    departments = []
    for n, name in enumerate(LIBRARIES, start=1):
        library = create_unit(
            parent=root, name=name, code=f"BSTAFF{tag}-{n}", kind=OrgUnit.Kind.LIBRARY
        )
        departments += [
            create_unit(
                parent=library,
                name=f"{name[2:]}{department}",
                code=f"BSTAFF{tag}-{n}-{d:02d}",
                kind=OrgUnit.Kind.DEPARTMENT,
            )
            for d, department in enumerate(DEPARTMENTS, start=1)
        ]
    hr = get_user_model().objects.create_user(username=f"bench-hr-{tag}")
    hr.groups.add(role_group("hr"))
    head = get_user_model().objects.create_user(username=f"bench-head-{tag}")
    head.groups.add(role_group("department_head"))
    grant_scope(head, OrgUnit.objects.get(code=f"BSTAFF{tag}-1"))

    people = []
    for n in range(staff):
        birth = _day_between(rng, dt.date(1962, 1, 1), dt.date(2002, 12, 31))
        hire = None
        if rng.random() > 0.03:
            # years_before with negative years: 21 to 32 years after birth.
            hire = min(_day_between(rng, years_before(birth, -21), years_before(birth, -32)), today)
        status, status_date = Staff.Status.IN_POST, None
        draw = rng.random()
        if draw < 0.08 or (draw < 0.13 and birth.year < 1966):
            status = Staff.Status.LEFT if draw < 0.08 else Staff.Status.RETIRED
            status_date = _day_between(rng, hire or dt.date(2012, 9, 1), today)
        elif draw < 0.16:
            status = Staff.Status.SECONDED
        people.append(
            Staff(
                staff_number=f"BS{tag}-{n:06d}",
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender=rng.choice(list(Gender)),
                birth_date=birth if rng.random() > 0.01 else None,
                unit=rng.choice(departments),
                employment_type=rng.choices(list(EmploymentType), [70, 20, 5, 5])[0],
                hire_date=hire,
                status=status,
                status_date=status_date,
                education=rng.choices([None, *Education.values], [2, 2, 8, 20, 50, 16, 2])[0],
                discipline=rng.choices(["", *Discipline.values], [3, 40, 12, 10, 12, 10, 8, 5])[0],
            )
        )
    titles, posts = [], []
    for person in people:
        person_titles, person_posts = _histories(rng, person, today)
        titles += person_titles
        posts += person_posts
    Staff.objects.bulk_create(people, batch_size=BATCH)
    TitleRecord.objects.bulk_create(titles, batch_size=BATCH)
    PostAppointment.objects.bulk_create(posts, batch_size=BATCH)
    as_of = dt.date(today.year - 1, 12, 31)
    for dimension, value, minimum in (
        (StructureTarget.Dimension.TITLE_LEVEL, "3", 45),
        (StructureTarget.Dimension.EDUCATION, "4", 70),
        (StructureTarget.Dimension.POST_CATEGORY, "professional", 65),
    ):
        StructureTarget.objects.get_or_create(
            year=as_of.year, dimension=dimension, value=value, defaults={"min_share": minimum}
        )
    _training(rng, people, as_of.year)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Every table the reads join: without statistics for the programs the planner
            # guesses one row and nests loops over 67 million pairs (7 s instead of 0.2 s).
            for model in (
                Staff,
                TitleRecord,
                PostAppointment,
                OrgUnit,
                TrainingProgram,
                Enrolment,
                ExternalTraining,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return BenchStaff(
        root=root,
        user_id=hr.pk,
        head_id=head.pk,
        as_of=as_of,
        staff=staff,
        units=1 + len(LIBRARIES) + len(departments),
        titles=len(titles),
        appointments=len(posts),
    )


def _in(name: str, values) -> tuple[str, dict]:
    """``IN (%(name_0)s, …)`` and its parameters (``NULL`` for none)."""
    params = {f"{name}_{i}": v for i, v in enumerate(values)}
    return "(" + (", ".join(f"%({k})s" for k in params) or "NULL") + ")", params


def _scope(user) -> list[int] | None:
    """The unit ids a scoped user sees (None for a global role)."""
    if may_everywhere(user, Staff, "view"):
        return None
    return sorted(get_user_access(user).unit_ids)


# -- the workforce structure --------------------------------------------------------------


def structure_sql(units: str = "") -> str:
    """Every count of the structure in one statement: each person's title, post and age
    band on the date in a materialised CTE (correlated subqueries riding the staff_id
    indexes), then one GROUP BY per dimension. Portable between SQLite and PostgreSQL;
    only table names from the models' _meta are formatted in, the values are parameters."""
    quote = connection.ops.quote_name
    staff = quote(Staff._meta.db_table)
    titles = quote(TitleRecord._meta.db_table)
    posts = quote(PostAppointment._meta.db_table)
    end = quote("end")
    bands = " ".join(
        f"WHEN s.birth_date > %(born_{i})s THEN %(band_{i})s"
        for i, (_key, oldest, _label) in enumerate(AGE_BANDS)
        if oldest is not None
    )
    scope = f"AND s.unit_id IN {units}" if units else ""
    return f"""
        WITH person AS MATERIALIZED (
            SELECT s.id, s.unit_id, s.education, NULLIF(s.discipline, '') AS discipline,
                (SELECT t.level FROM {titles} t
                 WHERE t.staff_id = s.id AND t.obtained <= %(as_of)s
                 ORDER BY t.obtained DESC, t.level DESC, t.id DESC LIMIT 1) AS title_level,
                (SELECT p.category FROM {posts} p
                 WHERE p.staff_id = s.id AND p.start <= %(as_of)s
                   AND (p.{end} IS NULL OR p.{end} >= %(as_of)s)
                 ORDER BY p.start DESC, p.id DESC LIMIT 1) AS post_category,
                CASE WHEN s.birth_date IS NULL THEN NULL {bands} ELSE %(band_last)s END
                    AS age_band
            FROM {staff} s
            WHERE (s.hire_date IS NULL OR s.hire_date <= %(as_of)s)
              AND NOT (s.status IN (%(left)s, %(retired)s)
                       AND (s.status_date IS NULL OR s.status_date <= %(as_of)s)) {scope})
        SELECT 'title_level', CAST(title_level AS TEXT), COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'education', CAST(education AS TEXT), COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'post_category', post_category, COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'discipline', discipline, COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'age_band', age_band, COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'unit', CAST(unit_id AS TEXT), COUNT(*) FROM person GROUP BY 2
    """  # noqa: S608


def raw_structure(*, as_of: dt.date, user=None) -> dict[tuple[str, str | None], int]:
    """{(dimension, value as text or None): headcount} on the date, by the database; only
    the user's units for a scoped user."""
    adapt = connection.ops.adapt_datefield_value
    units = _scope(user) if user is not None else None
    in_units, params = _in("unit", units) if units is not None else ("", {})
    params |= {
        "as_of": adapt(as_of),
        "left": Staff.Status.LEFT.value,
        "retired": Staff.Status.RETIRED.value,
        "band_last": AGE_BANDS[-1][0],
    }
    for i, (key, oldest, _label) in enumerate(AGE_BANDS):
        if oldest is not None:
            params[f"born_{i}"] = adapt(years_before(as_of, oldest + 1))
            params[f"band_{i}"] = key
    with connection.cursor() as cursor:
        cursor.execute(structure_sql(in_units), params)
        return {(dimension, value): count for dimension, value, count in cursor.fetchall()}


def structure_figures(structure: Structure) -> dict[tuple[str, str | None], int]:
    """The structure's counts keyed as raw_structure keys them (zeros left out)."""
    figures = {
        (b.key, None if row.key is None else str(row.key)): row.count
        for b in structure.breakdowns
        for row in b.rows
        if row.count
    }
    figures.update({(UNIT, str(row.unit.pk)): row.count for row in structure.units if row.count})
    return figures


# -- compliance, short only ---------------------------------------------------------------


def compliance_rows(staff) -> list[tuple]:
    """(pk, professional and general hours in tenths, months employed) of a listing."""
    return [
        (p.pk, int(round(p.professional_hours * 10)), int(round(p.general_hours * 10)),
         p.months_in_year)
        for p in staff
    ]  # fmt: skip


def raw_short(user, *, year: int) -> list[tuple]:
    """The "short only" listing of ``compliance_listing`` in one statement: the people in
    the user's scope employed in the year, the post held last in it, their hours summed
    once per person from both sources, the months employed, the share rule with pro-rating
    in integer tenths; the same rows in the same order."""
    requirement = Requirement.for_year(year)
    if requirement.by_minimum or requirement.joiners_rule != "prorate":
        raise CommandError("raw_short covers the share rule with pro-rating (the default).")
    quote = connection.ops.quote_name
    staff, units = quote(Staff._meta.db_table), quote(OrgUnit._meta.db_table)
    posts, end = quote(PostAppointment._meta.db_table), quote("end")
    enrolments = quote(Enrolment._meta.db_table)
    programs = quote(TrainingProgram._meta.db_table)
    external = quote(ExternalTraining._meta.db_table)
    if connection.vendor == "postgresql":

        def month(x):
            return f"CAST(EXTRACT(MONTH FROM {x}) AS INTEGER)"

        day = "CAST(EXTRACT(DAY FROM s.status_date) AS INTEGER)"
        ten = "ROUND(10 * {})"
    else:

        def month(x):
            return f"CAST(strftime('%%m', {x}) AS INTEGER)"

        day = "CAST(strftime('%%d', s.status_date) AS INTEGER)"
        ten = "CAST(ROUND(10 * {}) AS INTEGER)"
    scope = _scope(user)
    in_units, params = _in("unit", scope) if scope is not None else ("", {})
    where_scope = f"AND (s.unit_id IN {in_units} OR s.user_id = %(user)s)" if in_units else ""
    adapt = connection.ops.adapt_datefield_value
    minimum = Fraction(requirement.min_hours) * 10
    share = requirement.professional_share
    params |= {
        "user": user.pk,
        "jan1": adapt(dt.date(year, 1, 1)),
        "dec31": adapt(dt.date(year, 12, 31)),
        "left": Staff.Status.LEFT.value,
        "retired": Staff.Status.RETIRED.value,
        "professional": PostCategory.PROFESSIONAL.value,
        "prof_subject": SubjectType.PROFESSIONAL.value,
        "first": adapt(dt.date(year, 1, 1)),
        "last": adapt(dt.date(year, 12, 31)),
    }
    leaving = (
        "s.status IN (%(left)s, %(retired)s) AND s.status_date > %(jan1)s "
        "AND s.status_date <= %(dec31)s"
    )
    sql = f"""
        WITH scope AS MATERIALIZED (
            SELECT s.id, s.staff_number, u.path, s.post_category,
                (CASE WHEN {leaving} AND {day} = 1 THEN {month("s.status_date")} - 1
                      WHEN {leaving} THEN {month("s.status_date")} ELSE 12 END)
                - (CASE WHEN s.hire_date >= %(jan1)s AND s.hire_date <= %(dec31)s
                        THEN {month("s.hire_date")} ELSE 1 END) + 1 AS months
            FROM {staff} s JOIN {units} u ON u.id = s.unit_id
            WHERE (s.hire_date IS NULL OR s.hire_date <= %(dec31)s)
              AND NOT (s.status IN (%(left)s, %(retired)s)
                       AND (s.status_date IS NULL OR s.status_date <= %(jan1)s))
              {where_scope}),
        hours AS (
            SELECT staff_id, SUM(CASE WHEN subject = %(prof_subject)s THEN h ELSE 0 END) AS p,
                   SUM(CASE WHEN subject = %(prof_subject)s THEN 0 ELSE h END) AS g
            FROM (SELECT e.staff_id, COALESCE(e.hours, pr.hours) AS h, pr.subject_type AS subject
                  FROM {enrolments} e JOIN {programs} pr ON pr.id = e.program_id
                  WHERE e.attended AND pr.{end} >= %(first)s AND pr.{end} <= %(last)s
                    AND e.staff_id IN (SELECT id FROM scope)
                  UNION ALL
                  SELECT x.staff_id, x.hours, x.subject_type FROM {external} x
                  WHERE x.date >= %(first)s AND x.date <= %(last)s
                    AND x.staff_id IN (SELECT id FROM scope)) sources
            GROUP BY staff_id),
        listed AS (
            SELECT sc.id, sc.path, sc.staff_number, sc.months,
                {ten.format("COALESCE(h.p, 0)")} AS p10, {ten.format("COALESCE(h.g, 0)")} AS g10
            FROM scope sc LEFT JOIN hours h ON h.staff_id = sc.id
            WHERE CASE WHEN EXISTS (SELECT 1 FROM {posts} a WHERE a.staff_id = sc.id)
                THEN (SELECT a.category FROM {posts} a WHERE a.staff_id = sc.id
                      AND a.start <= %(dec31)s AND (a.{end} IS NULL OR a.{end} >= %(jan1)s)
                      ORDER BY a.start DESC, a.id DESC LIMIT 1)
                ELSE sc.post_category END = %(professional)s)
        SELECT id, p10, g10, months FROM listed
        WHERE (p10 + g10) * {12 * minimum.denominator}
                < (CASE WHEN months < 12 THEN months ELSE 12 END) * {minimum.numerator}
           OR p10 * {share.denominator - share.numerator} < {share.numerator} * g10
        ORDER BY path, staff_number, id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, int(p), int(g), int(m)) for pk, p, g, m in cursor.fetchall()]


# -- the staff sheet: import and export ---------------------------------------------------

NEW_PREFIX = "BN"
CHANGED_COLUMNS = {"姓名", "电话", "电子邮箱", "专业"}


def _cell(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sheet_rows(data: bytes) -> tuple[list[str], list[tuple]]:
    """The sheet's rows, read with the reader the import uses (calamine): the baseline
    starts from the same file at the same reading cost and times only what differs."""
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).iter_rows()
    header = [str(h) for h in next(rows)]
    body = [tuple(_cell(v) for v in r) for r in rows]
    return header, body


def staff_sheets(data: bytes) -> tuple[bytes, bytes]:
    """From the export of every staff member: a sheet of as many new people (new staff
    numbers), and the same people with every row changed (name, phone, e-mail, major)."""
    header, body = _sheet_rows(data)
    col = {h: i for i, h in enumerate(header)}
    new, changed = [], []
    for n, row in enumerate(body):
        row = list(row)
        fresh = row.copy()
        fresh[col["工号"]] = f"{NEW_PREFIX}{n:07d}"
        new.append(fresh)
        row[col["姓名"]] = (row[col["姓名"]] or "王")[:-1] + ("新" if n % 2 else "改")
        row[col["电话"]] = f"139{n:08d}"
        row[col["电子邮箱"]] = f"staff{n}@bench.example.cn"
        row[col["专业"]] = "图书馆学" if n % 3 else "信息资源管理"
        changed.append(row)
    return (
        write_xlsx([("Staff", header, new)]),
        write_xlsx([("Staff", header, changed)]),
    )


# The tables a staff import writes: the staff rows, their dated histories, the log.
def written_models() -> list:
    return [
        Staff,
        PostAppointment,
        TitleRecord,
        UnitAssignment,
        EducationRecord,
        log_registry.get_log_model_for_model(Staff),
    ]


def table_state(model) -> dict:
    """Every row of ``model`` as {pk: (column values…)}: what a run left behind."""
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return {pk: tuple(rest) for pk, *rest in model._default_manager.values_list("pk", *names)}


@dataclass
class Writes:
    """What one import wrote, table by table: the rows it added (all their columns, the
    key included) and the rows it changed (their new values)."""

    inserted: dict
    changed: dict
    after: dict  # every table as the import left it, to check the baseline against


def import_writes(data: bytes, user) -> Writes:
    """Run the import once (rolled back) and capture exactly the rows it wrote."""
    models = written_models()
    before = {m: table_state(m) for m in models}
    with rolled_back():
        import_staff(data, user=user)
        after = {m: table_state(m) for m in models}
    inserted, changed = {}, {}
    for m in models:
        inserted[m] = [(pk, *row) for pk, row in after[m].items() if pk not in before[m]]
        changed[m] = [
            (pk, *row) for pk, row in after[m].items() if pk in before[m] and before[m][pk] != row
        ]
    return Writes(inserted, changed, after)


def baseline_write(data: bytes, writes: Writes) -> None:
    """The same rows as the import, written raw: the sheet read with the import's reader,
    then per table the new rows by COPY (PostgreSQL) or one prepared INSERT executed for
    every row (SQLite), and the changed rows through a temporary table and one UPDATE …
    FROM — every column of them, where the import writes only those that changed."""
    _sheet_rows(data)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, rows in writes.inserted.items():
            if rows:
                _raw_insert(cursor, model, rows, q(model._meta.db_table))
        for model, rows in writes.changed.items():
            if rows:
                _raw_update(cursor, model, rows)


def _fields(model) -> list:
    key = model._meta.pk
    return [key, *(f for f in model._meta.concrete_fields if not f.primary_key)]


def _prepared_rows(fields, rows):
    return [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
        for row in rows
    ]


def _raw_insert(cursor, model, rows, table: str) -> None:
    fields = _fields(model)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in _prepared_rows(fields, rows):
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    cursor.executemany(sql, _prepared_rows(fields, rows))


def _raw_update(cursor, model, rows) -> None:
    fields = _fields(model)
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = [q(f.column) for f in fields]
    key = columns[0]
    if connection.vendor == "postgresql":
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_changes ON COMMIT DROP AS SELECT {', '.join(columns)} "  # noqa: S608
            f"FROM {table} WITH NO DATA"
        )
        _raw_insert(cursor, model, rows, "bench_changes")
    else:
        cursor.execute("DROP TABLE IF EXISTS temp.bench_changes")
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_changes AS SELECT {', '.join(columns)} FROM {table} "  # noqa: S608
            "WHERE 0"
        )
        _raw_insert(cursor, model, rows, "bench_changes")
    sets = ", ".join(f"{c} = c.{c}" for c in columns[1:])
    cursor.execute(f"UPDATE {table} SET {sets} FROM bench_changes c WHERE {table}.{key} = c.{key}")  # noqa: S608
    cursor.execute(
        "DROP TABLE bench_changes"
        if connection.vendor == "postgresql"
        else "DROP TABLE temp.bench_changes"
    )


def raw_export() -> bytes:
    """The staff sheet from one plain SQL query into a write-only workbook: the same
    columns, cells and order as ``export_staff`` (no widths, no styles)."""
    q = connection.ops.quote_name
    keys = sheet.export_keys(personal=True)
    staff, units, titles = (
        q(Staff._meta.db_table), q(OrgUnit._meta.db_table), q(TitleRecord._meta.db_table)
    )  # fmt: skip
    columns = []
    for key in keys:
        if key == "unit":
            columns.append("u.code || ' ' || u.name")
        elif key == "title_obtained":
            columns.append(
                f"(SELECT t.obtained FROM {titles} t WHERE t.staff_id = s.id AND t.title = s.title"  # noqa: S608
                " AND t.level = s.title_level ORDER BY t.obtained DESC LIMIT 1)"
            )
        else:
            columns.append(f"s.{q(Staff._meta.get_field(key).column)}")
    # SQLite gives a subquery's date as text (its columns' dates are converted).
    dates = [keys.index("title_obtained")] if connection.vendor != "postgresql" else []
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("Staff")
    worksheet.append(sheet.header(personal=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {staff} s JOIN {units} u ON u.id = s.unit_id "  # noqa: S608
            "ORDER BY u.path, s.staff_number"
        )
        while chunk := cursor.fetchmany(2000):
            for values in chunk:
                if dates:
                    values = list(values)
                    for i in dates:
                        if isinstance(values[i], str):
                            values[i] = dt.date.fromisoformat(values[i])
                worksheet.append(sheet.written_row(keys, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes) -> list[tuple]:
    header, body = _sheet_rows(data)
    return [tuple(header), *body]


# -- the roster, in a child process ------------------------------------------------------


def time_roster(unit_id: int, user_id: int) -> float:
    """In a child process: the whole-system roster as HR asks for it (seconds)."""
    from staffing.documents import roster_pdf

    unit = OrgUnit.objects.get(pk=unit_id)
    user = get_user_model().objects.get(pk=user_id)
    started = time.perf_counter()
    roster_pdf(unit, visible_staff(user), prepared_by="基准测试")
    return time.perf_counter() - started


class Command(BaseCommand):
    help = (
        "The workforce structure and the 'short only' compliance list (a head and HR; "
        "PostgreSQL with JIT on and off), the staff import (new rows, every row changed) "
        "and export, each beside a baseline computing the same result, and the whole-system "
        "roster (time, peak memory), on generated staff (default 20,000 with post, title "
        "and training histories in 31 units). It WRITES and commits data, so it refuses to "
        "run unless the database is a throwaway one (see manage.py bench)."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, runs, staff, results, skip, **options):
        refuse_unless_throwaway()
        check_common(runs)
        if staff < MIN_STAFF:
            raise CommandError(f"--staff must be at least {MIN_STAFF}.")
        skipped = set(filter(None, skip.split(",")))
        started = time.perf_counter()
        with transaction.atomic():
            bench = generate(staff=staff)
        self.stdout.write(
            f"Generated in {time.perf_counter() - started:.1f} s: {bench.staff} staff, "
            f"{bench.titles} title records, {bench.appointments} post appointments."
        )
        users = get_user_model().objects
        out = self.stdout.write
        done: list[Result] = []
        people = f"{bench.staff:,} staff"
        who = (("head", bench.head_id), ("HR", bench.user_id))
        if "structure" not in skipped:
            for name, pk in who:
                done.append(
                    compare(
                        f"workforce structure, {name} ({people})",
                        lambda pk=pk: structure_figures(
                            structure_for(users.get(pk=pk), as_of=bench.as_of)
                        ),
                        lambda pk=pk: raw_structure(as_of=bench.as_of, user=users.get(pk=pk)),
                        runs=runs,
                        check=lambda a, b: same(a, b, "counts"),
                        out=out,
                    )
                )
        if "compliance" not in skipped:
            year = bench.as_of.year
            jits = ("on", "off") if connection.vendor == "postgresql" else (None,)
            for jit in jits:
                if jit:
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET jit = {jit}")
                for name, pk in who:
                    label = f"compliance short only, {name}" + (f", JIT {jit}" if jit else "")
                    done.append(
                        judge(
                            compare(
                                f"{label} ({people})",
                                lambda pk=pk: compliance_rows(
                                    compliance_listing(users.get(pk=pk), year=year, short_only=True)
                                ),
                                lambda pk=pk: raw_short(users.get(pk=pk), year=year),
                                runs=runs,
                                check=lambda a, b: same(a, b, "people short"),
                                out=out,
                            ),
                            at_most=2,
                        )
                    )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("RESET jit")
        export = export_staff(Staff.objects.all(), personal=True)
        if "import" not in skipped:
            new, changed = staff_sheets(export)
            user = users.get(pk=bench.user_id)
            for name, data in (
                (f"staff import, {bench.staff:,} new rows", new),
                (f"staff import, {bench.staff:,} rows all changed", changed),
            ):
                writes = import_writes(data, user)
                if not any(writes.inserted.values()) and not any(writes.changed.values()):
                    raise CommandError(f"{name}: the import wrote nothing")
                with rolled_back():
                    baseline_write(data, writes)
                    theirs = {m: table_state(m) for m in written_models()}
                for m in written_models():
                    if theirs[m] != writes.after[m]:
                        raise CommandError(f"{name}: the baseline leaves {m.__name__} otherwise")
                done.append(
                    judge(
                        compare(
                            name,
                            lambda data=data: import_staff(data, user=user),
                            lambda data=data, writes=writes: baseline_write(data, writes),
                            runs=runs,
                            around=rolled_back,
                            out=out,
                        ),
                        at_most=3,
                    )
                )
        if "export" not in skipped:
            done.append(
                judge(
                    compare(
                        f"staff export ({people})",
                        lambda: export_staff(Staff.objects.all(), personal=True),
                        raw_export,
                        runs=runs,
                        check=lambda a, b: same(_cells(a), _cells(b), "cells"),
                        out=out,
                    ),
                    at_most=1.5,
                )
            )
        if "roster" not in skipped:
            result = child_runs(
                f"whole-system roster ({people}, HR)",
                "staffing.management.commands.bench_staffing.time_roster",
                runs=runs,
                unit_id=bench.root.pk,
                user_id=bench.user_id,
            )
            result.target = "≤ 15 s, ≤ 400 MB"
            result.met = (
                statistics.median(result.ours) <= 15 and statistics.median(result.peak_mb) <= 400
            )
            out(table([result]).splitlines()[-1])
            done.append(result)
        save(done, results)
