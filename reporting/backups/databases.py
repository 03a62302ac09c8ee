"""The database side of backups, with each engine's own tools: SQLite's online backup API,
PostgreSQL's ``pg_dump --format=custom`` and ``pg_restore``; row counts and applied
migrations read from any database, through a connection of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient as PostgreSQLClient
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler

from .archive import BackupError

PG_FLAGS = ["--no-owner", "--no-privileges"]
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@contextlib.contextmanager
def open_database(settings_dict: dict) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own to the database ``settings_dict`` (a ``DATABASES`` entry)
    names, closed on leaving."""
    connection = ConnectionHandler({DEFAULT_DB_ALIAS: dict(settings_dict)})[DEFAULT_DB_ALIAS]
    try:
        yield connection
    finally:
        connection.close()


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in every table (of the current schema on PostgreSQL)."""
    counts = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names(cursor)):
            table = connection.ops.quote_name(name)  # an introspected name, quoted
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables of the database; a SQLite file that does not exist yet is not created."""
    name = str(connection.settings_dict.get("NAME") or "")
    is_file = connection.vendor == "sqlite" and name not in ("", ":memory:")
    if is_file and not name.startswith("file:") and not Path(name).exists():
        return []
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """Applied migrations by app, from ``django_migrations`` (empty without it)."""
    applied: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return applied
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def migration_state(applied: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(this code's migrations the database has not applied, the database's migrations
    this code does not know: a backup of a newer version)."""
    done = {(app, name) for app, names in applied.items() for name in names}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    pending = []
    for key in sorted(loader.graph.nodes):
        replaces = set(getattr(loader.graph.nodes[key], "replaces", None) or [])
        if key not in done and not (replaces and replaces <= done):
            pending.append(".".join(key))
    unknown = sorted(".".join(key) for key in done - set(loader.disk_migrations))
    return pending, unknown


# -- dump ---------------------------------------------------------------------------------


def dump(connection: BaseDatabaseWrapper, path: Path) -> tuple[dict, dict]:
    """Write the database to ``path``; return its (row counts, applied migrations), read
    from the same snapshot as the dump."""
    if connection.vendor == "sqlite":
        # The online backup copies a consistent database while others write to it.
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        with open_database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}) as copy:
            return table_counts(copy), applied_migrations(copy)
    require_tool("pg_dump")
    # pg_dump reads the snapshot a transaction of ours exports, and we count in it.
    with open_database(connection.settings_dict) as own:
        own.set_autocommit(False)
        try:
            with own.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            run_pg(
                ["pg_dump", "--format=custom", *PG_FLAGS, f"--snapshot={snapshot}"]
                + [f"--file={path}"],
                own.settings_dict,
            )
            return table_counts(own), applied_migrations(own)
        finally:
            own.rollback()


# -- restore ------------------------------------------------------------------------------


def load(connection: BaseDatabaseWrapper, path: Path, *, replace: bool) -> None:
    """Load the dump at ``path`` into the database; ``replace`` first drops what is there
    (SQLite's backup API overwrites the whole file anyway)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    if replace:
        drop_everything(connection)
    settings_dict = connection.settings_dict
    run_pg(
        ["pg_restore", *PG_FLAGS, "--exit-on-error", "--single-transaction"]
        + ["--dbname", settings_dict["NAME"], str(path)],
        settings_dict,
    )


def drop_everything(connection: BaseDatabaseWrapper) -> None:
    """Drop the views, tables and sequences of the current schema (PostgreSQL, --force):
    pg_restore then finds nothing in its way, and no table of a newer version stays."""
    kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "r": "TABLE", "p": "TABLE", "S": "SEQUENCE"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'r', 'p', 'S')"
        )
        found = cursor.fetchall()
        for kind, word in kinds.items():
            names = [connection.ops.quote_name(name) for name, k in found if k == kind]
            if names:
                cursor.execute(f"DROP {word} IF EXISTS {', '.join(names)} CASCADE")


# -- PostgreSQL's tools -------------------------------------------------------------------


def require_tool(name: str) -> None:
    if shutil.which(name) is None:
        raise BackupError(
            f"{name} is not on the PATH: install PostgreSQL's client tools "
            "(apt-get install postgresql-client), of the server's version or newer."
        )


def run_pg(args: list[str], settings_dict: dict) -> None:
    """Run a PostgreSQL client tool against ``settings_dict``'s server, the connection in
    PG* variables (the password never on a command line)."""
    env = dict(os.environ)
    env.update(PostgreSQLClient.settings_to_cmd_args_env(settings_dict, [])[1] or {})
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict.get("NAME") or "")
    # A fixed tool with our own arguments, no shell.
    result = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip() or result.returncode}")
