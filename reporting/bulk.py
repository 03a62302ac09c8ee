"""Set-based writes for all-or-nothing imports: new rows inserted in batches, and changed
rows written one statement per batch naming only the columns that changed.

A changed row writes only the fields it changed: a column another row of the batch changed
keeps its stored value in this row (so a value another writer stored meanwhile is not
overwritten with the one read before). On PostgreSQL a batch is COPYed into a temporary
table and written by one ``UPDATE … FROM``; elsewhere by one ``UPDATE … SET col = CASE pk
WHEN … END``. Never Django's ``bulk_update`` over every field: on PostgreSQL its one CASE
per field over 20,000 rows does not finish (issue #9).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connections, router, transaction
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)

COPY_BATCH_SIZE = 10_000  # rows per COPY and UPDATE … FROM (PostgreSQL)
CASE_BATCH_SIZE = 500  # rows per UPDATE … CASE (other databases; fewer at their parameter limit)
INSERT_BATCH_SIZE = 1_000  # rows per INSERT
ANALYZE_AFTER = 5_000  # rows inserted at once past which the table's statistics are refreshed


def snapshot(instance: Model, fields: Sequence[str]) -> tuple:
    """The values of ``fields`` on ``instance`` (foreign keys by id): the ``before`` that
    ``update_changed`` compares with once the new values are set."""
    meta = instance._meta
    return tuple(getattr(instance, meta.get_field(name).attname) for name in fields)


def update_changed(
    model: type[Model],
    rows: Iterable[tuple[Model, Sequence[Any] | None]],
    *,
    fields: Sequence[str],
    batch_size: int | None = None,
    using: str | None = None,
) -> int:
    """Write to the database the ``fields`` each instance of ``rows`` changed.

    ``rows`` are ``(instance, before)`` pairs: the instance with its new values and the
    values of ``fields`` as read (``snapshot``), or ``None`` to write every field. Only the
    fields whose value differs from ``before`` are written, each row its own; rows without
    a change cost nothing. One UPDATE per batch of ``batch_size`` rows (by default
    ``COPY_BATCH_SIZE`` on PostgreSQL, ``CASE_BATCH_SIZE`` elsewhere, fewer where the
    database limits the parameters of a query), whatever the mix of changed fields — on
    PostgreSQL with its COPY and TRUNCATE, the temporary table made and dropped once per
    call; all of it in one transaction (the caller's, if any). Returns the number of rows
    written.
    """
    columns = [_writable(model, name) for name in fields]
    changes: list[tuple[Model, frozenset[int]]] = []
    for instance, before in rows:
        if before is not None and len(before) != len(columns):
            raise ValueError(f"{instance!r}: {len(before)} values before, {len(columns)} fields.")
        changed = frozenset(
            index
            for index, field in enumerate(columns)
            if before is None or getattr(instance, field.attname) != before[index]
        )
        if changed:
            changes.append((instance, changed))
    if not changes:
        return 0
    db = using or router.db_for_write(model)
    connection = connections[db]
    with transaction.atomic(using=db, savepoint=False):
        if connection.vendor == "postgresql":
            return _copy_and_update(model, columns, changes, connection, batch_size)
        return _update_with_case(model, columns, changes, connection, batch_size)


def update_fields(
    model: type[Model],
    instances: Iterable[Model],
    *,
    fields: Sequence[str],
    batch_size: int | None = None,
    using: str | None = None,
) -> int:
    """``update_changed`` writing every one of ``fields`` of each instance: Django's
    ``bulk_update`` in one statement per batch (e.g. the end dates of the histories an
    import closes)."""
    rows = ((instance, None) for instance in instances)
    return update_changed(model, rows, fields=fields, batch_size=batch_size, using=using)


def insert_new(
    model: type[M],
    rows: Iterable[M],
    *,
    key: str | None = None,
    batch_size: int | None = None,
    using: str | None = None,
) -> list[M]:
    """Insert ``rows`` with ``bulk_create`` in batches and give each its primary key.

    Where the database does not return the keys of a bulk insert, they are read back by
    ``key``, a unique field every row has filled in (e.g. the staff number). Returns the
    rows.
    """
    rows = list(rows)
    db = using or router.db_for_write(model)
    model._default_manager.using(db).bulk_create(rows, batch_size=batch_size or INSERT_BATCH_SIZE)
    if len(rows) >= ANALYZE_AFTER and connections[db].vendor == "postgresql":
        # Fresh statistics now, not when autovacuum gets round to it: until then the
        # planner takes a table that grew by thousands of rows for a tiny one (nested loops
        # over millions of pairs were seen in the compliance listing). Sampled: ~0.1 s.
        with connections[db].cursor() as cursor:
            cursor.execute(f"ANALYZE {connections[db].ops.quote_name(model._meta.db_table)}")
    missing = [row for row in rows if row.pk is None]
    if missing and key is None:
        raise ValueError(
            f"{connections[db].vendor} does not return the keys of a bulk insert: "
            f"name a unique field of {model.__name__} to read them back by."
        )
    if missing:
        attname = model._meta.get_field(key).attname
        for batch in _chunks(missing, CASE_BATCH_SIZE):
            pks = dict(
                model._default_manager.using(db)
                .filter(**{f"{attname}__in": [getattr(row, attname) for row in batch]})
                .values_list(attname, "pk")
            )
            for row in batch:
                row.pk = pks[getattr(row, attname)]
    return rows


def _writable(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if (
        not getattr(field, "concrete", False)
        or field.many_to_many
        or field.primary_key
        or field.model._meta.db_table != model._meta.db_table
    ):
        raise ValueError(f"{model.__name__}.{name} is not a column of its table to update.")
    return field


def _update_with_case(model, columns, changes, connection, batch_size) -> int:
    """One ``UPDATE … SET col = CASE pk WHEN … THEN … ELSE col END … WHERE pk IN (…)`` per
    batch, each column's CASE listing only the rows that changed it."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    table, pk_column = quote(model._meta.db_table), quote(pk.column)
    rows = batch_size or CASE_BATCH_SIZE
    # Each row costs its key in WHERE, then its key and value in each CASE it is in.
    limit = connection.features.max_query_params

    def cost(change):
        return 1 + 2 * len(change[1])

    written = 0
    with connection.cursor() as cursor:
        for batch in _batches(changes, rows=rows, limit=limit, cost=cost):
            keys = {id(row): pk.get_db_prep_value(row.pk, connection) for row, _ in batch}
            sets, params = [], []
            for index, field in enumerate(columns):
                chosen = [instance for instance, changed in batch if index in changed]
                if not chosen:
                    continue
                column = quote(field.column)
                whens = " ".join("WHEN %s THEN %s" for _ in chosen)
                sets.append(f"{column} = CASE {pk_column} {whens} ELSE {column} END")
                for instance in chosen:
                    params += [keys[id(instance)], _prepared(field, instance, connection)]
            where = ", ".join("%s" for _ in batch)
            params += [keys[id(instance)] for instance, _ in batch]
            cursor.execute(
                f"UPDATE {table} SET {', '.join(sets)} WHERE {pk_column} IN ({where})",  # noqa: S608 (quoted names, values as parameters)
                params,
            )
            written += cursor.rowcount
    return written


def _copy_and_update(model, columns, changes, connection, batch_size) -> int:
    """PostgreSQL: a temporary table (dropped at the latest on commit) with the key, the new
    value of each field some row changed and a flag per field saying whether this row
    changed it; per batch one COPY into it and one ``UPDATE … FROM`` it."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    table, pk_column = quote(model._meta.db_table), quote(pk.column)
    used = sorted(set().union(*(changed for _, changed in changes)))
    temp = quote(f"bulk_{uuid.uuid4().hex[:16]}")
    # Column types as the table's own (varchar lengths, numeric scale); no constraints.
    shape = ", ".join(
        [f"{pk_column} AS k"]
        + [f"{quote(columns[i].column)} AS v{i}" for i in used]
        + [f"false AS c{i}" for i in used]
    )
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS SELECT {shape} FROM {table} WITH NO DATA"  # noqa: S608, E501 (quoted names)
        )
        for batch in _batches(changes, rows=batch_size or COPY_BATCH_SIZE):
            here = sorted(set().union(*(changed for _, changed in batch)))
            names = ["k", *(f"v{i}" for i in here), *(f"c{i}" for i in here)]
            copy_sql = f"COPY {temp} ({', '.join(names)}) FROM STDIN"
            # Django's debug cursor counts the COPY among the queries like any other.
            with connection.wrap_database_errors, cursor.copy(copy_sql) as copy:
                for instance, changed in batch:
                    copy.write_row(
                        [
                            pk.get_db_prep_value(instance.pk, connection),
                            *(
                                _prepared(columns[i], instance, connection)
                                if i in changed
                                else None
                                for i in here
                            ),
                            *(i in changed for i in here),
                        ]
                    )
            sets = []
            for i in here:
                column = quote(columns[i].column)
                if all(i in changed for _, changed in batch):
                    sets.append(f"{column} = t.v{i}")
                else:  # rows that did not change it keep what is stored
                    sets.append(f"{column} = CASE WHEN t.c{i} THEN t.v{i} ELSE s.{column} END")
            cursor.execute(
                f"UPDATE {table} AS s SET {', '.join(sets)} FROM {temp} AS t "  # noqa: S608 (quoted names)
                f"WHERE s.{pk_column} = t.k"
            )
            written += cursor.rowcount
            cursor.execute(f"TRUNCATE {temp}")
        cursor.execute(f"DROP TABLE {temp}")
    return written


def _prepared(field: Field, instance: Model, connection) -> Any:
    return field.get_db_prep_save(getattr(instance, field.attname), connection)


def _batches(items: list, *, rows: int, limit: int | None = None, cost=None) -> Iterator[list]:
    """``items`` in runs of at most ``rows``, each within ``limit`` parameters by ``cost``."""
    batch, spent = [], 0
    for item in items:
        price = cost(item) if cost else 0
        if batch and (len(batch) == rows or (limit and spent + price > limit)):
            yield batch
            batch, spent = [], 0
        batch.append(item)
        spent += price
    if batch:
        yield batch


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
