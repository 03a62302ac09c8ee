"""``manage.py bench_staffing``: time the workforce structure on a date over generated
staff with post and title histories, beside raw SQL that computes the same counts."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from governance.management.commands.bench_plan import Timing, is_throwaway, measure
from governance.models import OrgUnit
from governance.roles import role_group
from governance.services.org import create_unit
from staffing.models import (
    Discipline,
    Education,
    EmploymentType,
    Gender,
    PostAppointment,
    PostCategory,
    Staff,
    StructureTarget,
    TitleLevel,
    TitleRecord,
)
from staffing.selectors.structure import (
    AGE_BANDS,
    UNIT,
    Structure,
    structure_for,
    title_share_at_least,
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
    user_id: int
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
            category, rng.randint(3, 7)
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Staff, TitleRecord, PostAppointment, OrgUnit):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return BenchStaff(
        root=root,
        user_id=hr.pk,
        as_of=as_of,
        staff=staff,
        units=1 + len(LIBRARIES) + len(departments),
        titles=len(titles),
        appointments=len(posts),
    )


def structure_sql() -> str:
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
                       AND (s.status_date IS NULL OR s.status_date <= %(as_of)s)))
        SELECT 'title_level', CAST(title_level AS TEXT), COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'education', CAST(education AS TEXT), COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'post_category', post_category, COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'discipline', discipline, COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'age_band', age_band, COUNT(*) FROM person GROUP BY 2
        UNION ALL SELECT 'unit', CAST(unit_id AS TEXT), COUNT(*) FROM person GROUP BY 2
    """  # noqa: S608


def raw_structure(*, as_of: dt.date) -> dict[tuple[str, str | None], int]:
    """{(dimension, value as text or None): headcount} on the date, by the database."""
    adapt = connection.ops.adapt_datefield_value
    params = {
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
        cursor.execute(structure_sql(), params)
        return {(dimension, value): count for dimension, value, count in cursor.fetchall()}


def structure_figures(structure: Structure) -> dict[tuple[str, str | None], int]:
    """The structure's counts keyed as raw_structure keys them (zeros left out)."""
    figures = {
        (b.key, None if row.key is None else str(row.key)): row.count
        for b in structure.breakdowns
        for row in b.rows
        if row.count
    }
    figures.update({(UNIT, str(row.unit.pk)): row.count for row in structure.units})
    return figures


def agreement(orm: dict, raw: dict) -> tuple[int, list]:
    keys = set(orm) | set(raw)
    wrong = sorted((k for k in keys if orm.get(k) != raw.get(k)), key=str)
    return len(keys) - len(wrong), wrong


class Command(BaseCommand):
    help = (
        "Time the workforce structure on a date (default 20,000 staff with post and title "
        "histories in 31 units) and the intermediate-title indicator beside raw SQL "
        "computing the same counts, and print a table. It WRITES data — org units, a user, "
        "staff and their histories — inside one transaction that is rolled back at the end "
        "(kept with --keep), so it refuses to run unless the database is a throwaway one: "
        "in-memory SQLite, or a database (SQLite file) whose name starts with 'bench' or "
        "'test'. `make bench` uses a fresh var/bench.sqlite3."
    )

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=20000, help="Staff (default 20000).")
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs (default 5).")
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="As of (default: last 31 December)."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Commit the generated data instead of rolling back."
        )

    def handle(self, *args, staff: int, repeat: int, date, keep: bool, **options):
        name = connection.settings_dict.get("NAME")
        if not is_throwaway(connection.settings_dict):
            raise CommandError(
                f"Refusing to write benchmark data into {name!r}: use an in-memory SQLite "
                "database or one whose name starts with 'bench' or 'test', e.g. "
                "DATABASE_URL=sqlite:///var/bench.sqlite3 (see `make bench`)."
            )
        if staff < MIN_STAFF:
            raise CommandError(f"--staff must be at least {MIN_STAFF}.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: Django logs every query and the timings include it.")

        with transaction.atomic():
            started = time.perf_counter()
            bench = generate(staff=staff)
            generated = time.perf_counter() - started
            # call_command() passes keyword options unparsed: accept "YYYY-MM-DD" too.
            as_of = dt.date.fromisoformat(date) if isinstance(date, str) else date or bench.as_of
            user_model = get_user_model()

            structure = measure(
                "structure",
                lambda: partial(
                    # A fresh user each run: the access memoised on it lasts one request.
                    structure_for,
                    user_model.objects.get(pk=bench.user_id),
                    as_of=as_of,
                ),
                repeat,
            )
            indicator = measure(
                "title share",
                lambda: partial(title_share_at_least, TitleLevel.INTERMEDIATE, as_of),
                repeat,
            )
            raw = measure("raw SQL", lambda: partial(raw_structure, as_of=as_of), repeat)
            result = structure_for(user_model.objects.get(pk=bench.user_id), as_of=as_of)
            agreed, wrong = agreement(structure_figures(result), raw_structure(as_of=as_of))
            transaction.set_rollback(not keep)

        out = self.stdout.write
        out(
            f"Generated in {generated:.1f} s on {connection.vendor} ({name}): {bench.staff} "
            f"staff in {bench.units} units, {bench.titles} title records, "
            f"{bench.appointments} post appointments."
        )
        out(
            f"As of {as_of}, HR user: {result.headcount} counted; best and median of {repeat} "
            "run(s) after one run counting queries and one tracing memory."
        )
        out("")
        for timing in (structure, indicator, raw):
            self._row(timing, raw, bench.staff)
        out("")
        out(
            "structure: workforce_structure through the access policy (five grouped counts, "
            "the units, the targets); title share: the plan indicator's one aggregate; raw SQL: "
            "every count in one statement (CTE of each person's title, post and age band, "
            f"one GROUP BY per dimension). It agrees with the structure on {agreed} of "
            f"{agreed + len(wrong)} figures (dimension × value)."
        )
        if wrong:
            out(f"Disagreeing figures (first 10): {wrong[:10]}")
        out(
            f"Intermediate title or higher: {result.intermediate_share}%. Ratios compare best "
            "times. " + ("Data kept." if keep else "Data rolled back.")
        )

    def _row(self, timing: Timing, raw: Timing, staff: int) -> None:
        ratio = f"{timing.best / raw.best:5.1f}× raw SQL" if timing is not raw else "   baseline"
        self.stdout.write(
            f"{timing.label:<12} {staff:>6} staff  best {timing.best:7.3f} s  "
            f"median {timing.median:7.3f} s  {timing.queries:>3} queries  "
            f"peak {timing.peak_bytes / 2**20:6.1f} MiB  {ratio}"
        )
