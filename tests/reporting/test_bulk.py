"""Set-based writes (reporting.bulk): only the changed columns, one statement per batch,
values that round-trip exactly, all or nothing — on SQLite and on PostgreSQL."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Indicator, IndicatorYear, Plan
from reporting.bulk import insert_new, snapshot, update_changed, update_fields
from staffing.models import Staff
from tests.factories import make_staff, valid_id_number

pytestmark = pytest.mark.django_db

FIELDS = ("name", "phone", "email", "birth_date", "hire_date", "post_grade", "unit")


def staff_rows(unit, count: int, prefix: str = "B") -> list[Staff]:
    return Staff.objects.bulk_create(
        Staff(
            staff_number=f"{prefix}{i:04d}",
            name=f"职工{i}",
            gender="F",
            employment_type="establishment",
            unit=unit,
            phone="13800000000",
            email=f"p{i}@example.org",
        )
        for i in range(count)
    )


def read(rows: list[Staff]) -> list[tuple[Staff, tuple]]:
    """The rows as an import reads them: each with its snapshot before any change."""
    return [(row, snapshot(row, FIELDS)) for row in rows]


def updates(queries, table=Staff._meta.db_table) -> list[str]:
    return [q["sql"] for q in queries if re.match(rf'UPDATE "{table}"', q["sql"])]


def columns_set(sql: str) -> set[str]:
    """The staff columns an UPDATE assigns (``"col" =`` in its SET list)."""
    assigned = sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0].split(" FROM ", 1)[0]
    names = {f.column for f in Staff._meta.concrete_fields}
    return {name for name in re.findall(r'(?:^|, )"(\w+)" = ', assigned) if name in names}


def test_only_the_changed_columns_are_written(org):
    first, second, third = read(staff_rows(org["a"], 3))
    first[0].name = "张三丰"
    second[0].phone = "13900000000"

    with CaptureQueriesContext(connection) as queries:
        written = update_changed(Staff, [first, second, third], fields=FIELDS)

    assert written == 2
    [sql] = updates(queries)
    assert columns_set(sql) == {"name", "phone"}
    stored = {s.staff_number: (s.name, s.phone) for s in Staff.objects.all()}
    assert stored == {
        "B0000": ("张三丰", "13800000000"),
        "B0001": ("职工1", "13900000000"),
        "B0002": ("职工2", "13800000000"),
    }


def test_a_column_the_row_did_not_change_keeps_what_another_writer_stored(org):
    first, second = read(staff_rows(org["a"], 2))
    # Between the read and the write someone else edits both people's phone and e-mail.
    Staff.objects.update(phone="010-1234567", email="new@example.org")
    first[0].phone = "13900000000"  # the sheet changed this person's phone only
    second[0].name = "李四"  # and this person's name only

    update_changed(Staff, [first, second], fields=FIELDS)

    stored = {s.staff_number: (s.name, s.phone, s.email) for s in Staff.objects.all()}
    assert stored == {
        "B0000": ("职工0", "13900000000", "new@example.org"),
        "B0001": ("李四", "010-1234567", "new@example.org"),
    }


def test_rows_without_a_change_cost_no_query(org):
    rows = read(staff_rows(org["a"], 3))

    with CaptureQueriesContext(connection) as queries:
        assert update_changed(Staff, rows, fields=FIELDS) == 0

    assert len(queries) == 0


def test_values_may_be_changed_to_empty_and_to_none(org):
    person = make_staff(
        org["a"],
        phone="13800000000",
        email="a@example.org",
        birth_date=dt.date(1985, 3, 12),
        hire_date=dt.date(2009, 7, 1),
        post_grade=10,
    )
    before = snapshot(person, FIELDS)
    person.phone, person.email = "", ""
    person.birth_date = person.hire_date = person.post_grade = None

    update_changed(Staff, [(person, before)], fields=FIELDS)

    person.refresh_from_db()
    assert (person.phone, person.email, person.birth_date, person.hire_date) == ("", "", None, None)
    assert person.post_grade is None


def test_text_with_tabs_new_lines_and_backslashes_round_trips(org):
    [(person, before)] = read(staff_rows(org["a"], 1))
    person.name = "王\t五\n\\N 'x\"；"  # COPY's own separators, NULL marker and quotes

    update_changed(Staff, [(person, before)], fields=FIELDS)

    assert Staff.objects.get().name == "王\t五\n\\N 'x\"；"


def test_dates_and_foreign_keys_round_trip(org):
    rows = read(staff_rows(org["a"], 2))
    rows[0][0].hire_date = dt.date(2009, 7, 1)
    rows[0][0].unit = org["b1"]
    rows[1][0].birth_date = dt.date(1960, 2, 29)

    update_changed(Staff, rows, fields=FIELDS)

    first, second = Staff.objects.order_by("staff_number")
    assert (first.hire_date, first.unit, first.birth_date) == (dt.date(2009, 7, 1), org["b1"], None)
    assert (second.hire_date, second.unit) == (None, org["a"])
    assert second.birth_date == dt.date(1960, 2, 29)


def test_decimals_and_datetimes_round_trip_exactly(org):
    plan = Plan.objects.create(title="测试规划", start_year=2021, end_year=2025)
    indicators = [
        Indicator.objects.create(plan=plan, code=f"I{i}", name=f"指标{i}", final_target=1)
        for i in range(3)
    ]
    fields = ("baseline", "final_target")
    rows = [(i, snapshot(i, fields)) for i in indicators]
    indicators[0].baseline = Decimal("123456789012.34")  # 14 digits: the money format
    indicators[1].final_target = Decimal("0.01")
    indicators[2].baseline, indicators[2].final_target = Decimal("-0.50"), Decimal("99999999.99")
    year = IndicatorYear.objects.create(indicator=indicators[0], year=2021, target=5)
    recorded = timezone.make_aware(dt.datetime(2024, 12, 31, 23, 59, 58, 123456))
    year_before = snapshot(year, ("target", "actual", "actual_recorded_at"))
    year.target, year.actual, year.actual_recorded_at = None, Decimal("7.25"), recorded

    update_changed(Indicator, rows, fields=fields)
    update_changed(
        IndicatorYear, [(year, year_before)], fields=("target", "actual", "actual_recorded_at")
    )

    stored = list(Indicator.objects.order_by("code").values_list("baseline", "final_target"))
    assert stored == [
        (Decimal("123456789012.34"), Decimal("1.00")),
        (None, Decimal("0.01")),
        (Decimal("-0.50"), Decimal("99999999.99")),
    ]
    year.refresh_from_db()
    assert (year.target, year.actual, year.actual_recorded_at) == (None, Decimal("7.25"), recorded)


@pytest.mark.parametrize("count", [10, 300])
def test_statements_do_not_grow_with_the_rows_of_a_batch(org, count):
    rows = read(staff_rows(org["a"], count))
    for i, (person, _) in enumerate(rows):
        person.phone = f"1390000{i:04d}"

    with CaptureQueriesContext(connection) as queries:
        assert update_changed(Staff, rows, fields=FIELDS) == count

    # SQLite: the UPDATE; PostgreSQL: CREATE TEMPORARY TABLE, COPY, UPDATE, TRUNCATE, DROP.
    assert len(queries) == (5 if connection.vendor == "postgresql" else 1)
    assert len(updates(queries)) == 1
    assert Staff.objects.filter(phone__startswith="1390000").count() == count


def test_rows_changing_different_columns_share_one_statement_per_batch(org):
    rows = read(staff_rows(org["a"], 90))
    for i, (person, _) in enumerate(rows):
        if i % 3 == 0:
            person.name = f"新{i}"
        elif i % 3 == 1:
            person.hire_date = dt.date(2000, 1, 1 + i % 28)
        else:
            person.name, person.post_grade = f"新{i}", 7

    with CaptureQueriesContext(connection) as queries:
        update_changed(Staff, rows, fields=FIELDS, batch_size=30)

    assert len(updates(queries)) == 3
    assert Staff.objects.filter(name__startswith="新").count() == 60
    assert Staff.objects.filter(hire_date__isnull=False).count() == 30
    assert Staff.objects.filter(post_grade=7).count() == 30


def test_a_failing_batch_writes_nothing(org):
    fields = (*FIELDS, "id_number")
    rows = [(row, snapshot(row, fields)) for row in staff_rows(org["a"], 4)]
    for person, _ in rows:
        person.name = "改名"
    taken = valid_id_number()
    rows[0][0].id_number = rows[3][0].id_number = taken  # the database refuses the second

    with pytest.raises(IntegrityError), transaction.atomic():
        update_changed(Staff, rows, fields=fields, batch_size=2)

    assert not Staff.objects.filter(name="改名").exists()
    assert not Staff.objects.filter(id_number=taken).exists()


def test_fields_that_are_not_columns_of_the_table_are_refused(org):
    rows = read(staff_rows(org["a"], 1))

    with pytest.raises(ValueError, match="id"):
        update_changed(Staff, rows, fields=("id",))


def test_update_fields_writes_every_named_field_in_one_statement(org):
    rows = staff_rows(org["a"], 40)
    for i, person in enumerate(rows):
        person.hire_date, person.phone = dt.date(2020, 1, 1 + i % 28), ""

    with CaptureQueriesContext(connection) as queries:
        assert update_fields(Staff, rows, fields=["hire_date", "phone"]) == 40

    [sql] = updates(queries)
    assert columns_set(sql) == {"hire_date", "phone"}
    assert not Staff.objects.exclude(phone="").exists()
    assert Staff.objects.get(staff_number="B0029").hire_date == dt.date(2020, 1, 2)


def test_new_rows_get_their_keys(org):
    rows = insert_new(Staff, new_staff(org, 3))

    assert all(row.pk for row in rows)
    assert sorted(r.pk for r in rows) == sorted(Staff.objects.values_list("pk", flat=True))


def test_keys_are_read_back_where_the_database_does_not_return_them(org, monkeypatch):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    rows = new_staff(org, 3)

    insert_new(Staff, rows, key="staff_number", batch_size=2)

    stored = dict(Staff.objects.values_list("staff_number", "pk"))
    assert {row.staff_number: row.pk for row in rows} == stored


def test_without_returned_keys_a_key_field_is_needed(org, monkeypatch):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)

    with pytest.raises(ValueError, match="unique field"):
        insert_new(Staff, new_staff(org, 1))


def new_staff(org, count: int) -> list[Staff]:
    return [
        Staff(
            staff_number=f"N{i:04d}",
            name=f"新职工{i}",
            gender="M",
            employment_type="contract",
            unit=org["b"],
        )
        for i in range(count)
    ]


def test_a_large_insert_refreshes_the_statistics_on_postgresql(org, monkeypatch):
    import reporting.bulk

    monkeypatch.setattr(reporting.bulk, "ANALYZE_AFTER", 3)
    with CaptureQueriesContext(connection) as queries:
        insert_new(Staff, new_staff(org, 3))
    analyzed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor != "postgresql":
        assert not analyzed
        return
    assert analyzed == [f'ANALYZE "{Staff._meta.db_table}"']
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Staff._meta.db_table])
        assert cursor.fetchone()[0] >= 3  # the planner now knows the rows are there


def test_a_small_insert_leaves_the_statistics_to_autovacuum(org):
    with CaptureQueriesContext(connection) as queries:
        insert_new(Staff, new_staff(org, 3))
    assert not [q for q in queries if q["sql"].startswith("ANALYZE")]
