"""Backups (``manage.py backup`` / ``manage.py restore``): the database and the media and
private file trees in one archive with a manifest, and its restore into an empty database
of the same engine, checked against that manifest.

An archive ``shuxiang-YYYYmmdd-HHMMSS.tar.gz`` holds ``database.sqlite3`` (SQLite's online
backup) or ``database.pgdump`` (``pg_dump --format=custom``), ``media/…`` (``MEDIA_ROOT``),
``private/…`` (the private storage's directory) and ``manifest.json``: the engine, when,
the versions and applied migrations, the rows of every table (counted in the dump's own
snapshot) and every file's size and SHA-256.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from .archive import (
    DUMPS,
    FORMAT,
    MANIFEST,
    TREES,
    BackupError,
    add_text,
    add_tree,
    anonymous,
    restore_tree,
    strangers,
    unpack,
)
from .databases import (
    ENGINE_NAMES,
    applied_migrations,
    dump,
    load,
    migration_state,
    open_database,
    require_tool,
    table_counts,
    table_names,
)

__all__ = [
    "Backup",
    "BackupError",
    "Restored",
    "file_trees",
    "open_database",
    "restore_backup",
    "table_counts",
    "write_backup",
]


@dataclass
class Backup:
    path: Path
    engine: str
    rows: dict[str, int]
    files: dict[str, int]  # tree → number of files


@dataclass
class Restored:
    path: Path
    engine: str
    rows: dict[str, int]
    files: dict[str, int]
    replaced: Backup | None = None  # what --force replaced, saved first
    pending_migrations: list[str] = field(default_factory=list)
    unknown_migrations: list[str] = field(default_factory=list)


def file_trees() -> dict[str, Path | None]:
    """The directories of the media and private storages (None for a storage that is not
    on this machine's file system, e.g. an S3 bucket)."""
    trees = {}
    for tree, alias in TREES.items():
        storage = storages[alias]
        is_local = isinstance(storage, FileSystemStorage)
        trees[tree] = Path(storage.location).resolve() if is_local else None
    return trees


def write_backup(
    directory: Path,
    *,
    connection: BaseDatabaseWrapper | None = None,
    trees: dict[str, Path | None] | None = None,
    prefix: str = "shuxiang",
) -> Backup:
    """Write ``<directory>/<prefix>-YYYYmmdd-HHMMSS.tar.gz``, readable by its owner only
    (it holds password hashes and private papers), and say what it holds."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    trees = file_trees() if trees is None else trees
    engine = connection.vendor
    if engine not in DUMPS:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {engine}.")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = timezone.localtime()
    with tempfile.TemporaryDirectory(prefix="shuxiang-backup-") as work:
        database = Path(work) / DUMPS[engine]
        rows, migrations = dump(connection, database)
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": created.isoformat(),
            "versions": _versions(),
            "migrations": migrations,
            "tables": rows,
            "files": {},
        }
        path = _new_archive(directory, f"{prefix}-{created:%Y%m%d-%H%M%S}")
        # Written beside under .part and renamed: a half-written archive never looks whole.
        part = path.with_name(path.name + ".part")
        try:
            descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
                tar.add(database, arcname=DUMPS[engine], filter=anonymous)
                for tree, root in trees.items():
                    manifest["files"][tree] = None if root is None else add_tree(tar, tree, root)
                add_text(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            part.rename(path)
        finally:
            part.unlink(missing_ok=True)
    files = {tree: len(listed or []) for tree, listed in manifest["files"].items()}
    return Backup(path=path, engine=engine, rows=rows, files=files)


def restore_backup(
    archive: Path,
    *,
    connection: BaseDatabaseWrapper | None = None,
    trees: dict[str, Path | None] | None = None,
    force: bool = False,
    backup_dir: Path | None = None,
) -> Restored:
    """Restore ``archive`` into the database of ``connection`` and the file trees.

    Everything is checked before anything changes: the archive (its members, every file's
    SHA-256), the engine, that the database has no table and that the trees hold no file
    the backup does not have. ``force`` replaces a target that is not empty, after
    backing it up into ``backup_dir``. Then every table's rows are counted against the
    manifest.
    """
    connection = connection or connections[DEFAULT_DB_ALIAS]
    trees = file_trees() if trees is None else trees
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No backup at {archive}.")
    with tempfile.TemporaryDirectory(prefix="shuxiang-restore-") as work:
        work = Path(work)
        manifest = unpack(archive, work)
        engine = manifest["engine"]
        if engine != connection.vendor:
            raise BackupError(
                f"{archive.name} is a backup of a {ENGINE_NAMES[engine]} database; the target "
                f"is {ENGINE_NAMES.get(connection.vendor, connection.vendor)}. Restore it into "
                "a database of the same engine."
            )
        if engine == "postgresql":
            require_tool("pg_restore")
        for tree, listed in manifest["files"].items():
            if listed and trees.get(tree) is None:
                raise BackupError(
                    f"The backup holds {len(listed)} {tree} files but that storage is not a "
                    "directory on this machine: copy them into it by hand."
                )
        tables = table_names(connection)
        others = {
            tree: strangers(root, manifest["files"].get(tree) or []) for tree, root in trees.items()
        }
        others = {tree: paths for tree, paths in others.items() if paths}
        if (tables or others) and not force:
            raise BackupError(_not_empty(connection, tables, others, trees))

        replaced = None
        if tables or others:
            replaced = write_backup(
                backup_dir or archive.parent,
                connection=connection,
                trees=trees,
                prefix="shuxiang-before-restore",
            )
        try:
            load(connection, work / DUMPS[engine], replace=bool(tables))
            files = {
                tree: restore_tree(work / tree, trees[tree], listed or [], others.get(tree, []))
                for tree, listed in manifest["files"].items()
                if trees.get(tree) is not None
            }
        except Exception as error:
            if replaced:
                raise BackupError(f"{error} What was there is in {replaced.path}.") from error
            raise

    rows = table_counts(connection)
    if rows != manifest["tables"]:
        raise BackupError(_count_differences(manifest["tables"], rows))
    pending, unknown = migration_state(applied_migrations(connection))
    return Restored(
        path=archive,
        engine=engine,
        rows=rows,
        files=files,
        replaced=replaced,
        pending_migrations=pending,
        unknown_migrations=unknown,
    )


def _not_empty(connection, tables, others, trees) -> str:
    reasons = []
    if tables:
        name = connection.settings_dict.get("NAME")
        reasons.append(f"the database {name} has {len(tables)} tables")
    for tree, paths in others.items():
        shown = ", ".join(paths[:3]) + (" …" if len(paths) > 3 else "")
        reasons.append(f"{trees[tree]} holds files not in the backup: {len(paths)} ({shown})")
    return (
        "Nothing was restored: the target is not empty — "
        + "; ".join(reasons)
        + ". Restore into an empty database (e.g. `createdb NAME` and DATABASE_URL) and "
        "empty file directories, or pass --force (make restore … FORCE=1) to replace them: "
        "they are backed up first."
    )


def _count_differences(expected: dict[str, int], found: dict[str, int]) -> str:
    lines = [
        f"  {name}: backup {expected.get(name, '-')}, restored {found.get(name, '-')}"
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name)
    ]
    return "The restored database does not match the backup's counts:\n" + "\n".join(lines)


def _new_archive(directory: Path, stem: str) -> Path:
    path, n = directory / f"{stem}.tar.gz", 1
    while path.exists() or path.with_name(path.name + ".part").exists():
        n += 1
        path = directory / f"{stem}-{n}.tar.gz"
    return path


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("shuxiang", "django", "wagtail"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return versions
