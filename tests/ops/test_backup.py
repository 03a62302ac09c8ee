"""Backup and restore (#13, operations 9): `manage.py backup`, then `restore` into an empty
database of the same engine (a new SQLite file, or a new PostgreSQL database) gives the same
rows in every table and the same media and private files; a restore that would overwrite
anything, or an archive with a member out of place, changes nothing.

The tests are transactional: pg_dump reads the test's rows through a connection of its own
(serialized_rollback puts the migrations' reference rows back for the tests after them).
"""

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from governance.models import OrgUnit
from reporting.backups import BackupError, open_database, restore_backup, table_counts
from reporting.storages import private_storage
from tests import world
from tests.factories import make_unit, make_user
from tests.tools import require_tool

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COVER = b"\x89PNG cover of the annual report"
EVIDENCE = b"%PDF-1.4 evidence of a progress report"


@pytest.fixture
def empty_database(tmp_path):
    """A database of the test database's engine without a single table: a new SQLite file,
    or a new PostgreSQL database on the same server, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    require_tool("pg_dump", "apt-get install postgresql-client")
    require_tool("pg_restore", "apt-get install postgresql-client")
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    server = {**connection.settings_dict, "NAME": "postgres"}
    with open_database(server) as admin, admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with open_database(server) as admin, admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def library(settings, tmp_path, private_root):
    """A row of every model of ours, a user, an image in MEDIA_ROOT and evidence in the
    private storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = make_unit(None, name="备份测试图书馆", kind=OrgUnit.Kind.LIBRARY)
    for n, build in enumerate(world.BUILDERS.values()):
        build(unit, f"备份{n}")
    make_user("restored_head", role="department_head", units=[unit])
    default_storage.save("images/年报封面.png", ContentFile(COVER))
    private_storage.save("evidence/2025/进度佐证.pdf", ContentFile(EVIDENCE))
    return {"media": Path(settings.MEDIA_ROOT), "private": private_root}


def backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def new_trees(tmp_path) -> dict[str, Path]:
    return {"media": tmp_path / "new-media", "private": tmp_path / "new-private"}


def test_a_backup_restored_into_an_empty_database_has_the_same_rows_and_files(
    library, empty_database, tmp_path
):
    archive = backup(tmp_path)
    before = table_counts(connection)
    trees = new_trees(tmp_path)

    with open_database(empty_database) as target:
        restored = restore_backup(archive, connection=target, trees=trees)
        after = table_counts(target)
        with target.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM auth_user WHERE username = 'restored_head'")
            users = cursor.fetchone()[0]

    assert archive.name.startswith("shuxiang-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o077 == 0, "a backup holds password hashes: owner only"
    assert after == before, "every table has the rows it had when it was backed up"
    assert restored.rows == before
    assert all(after[model._meta.db_table] for model in world.BUILDERS), "a row of each model"
    assert users == 1
    assert files(trees["media"]) == {"images/年报封面.png": COVER} == files(library["media"])
    assert files(trees["private"]) == {"evidence/2025/进度佐证.pdf": EVIDENCE}
    assert restored.pending_migrations == [] and restored.unknown_migrations == []


def test_the_manifest_says_what_the_archive_holds(library, tmp_path):
    archive = backup(tmp_path)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())

    assert manifest["engine"] == connection.vendor
    assert manifest["created_at"].endswith("+08:00")  # timezone-aware, the library's time
    assert manifest["tables"] == table_counts(connection)
    assert "0001_initial" in manifest["migrations"]["governance"]
    assert [entry["path"] for entry in manifest["files"]["private"]] == [
        "evidence/2025/进度佐证.pdf"
    ]
    assert {"media/images/年报封面.png", "private/evidence/2025/进度佐证.pdf"} <= names


def test_restore_refuses_a_database_with_tables_and_changes_nothing(library, tmp_path):
    archive = backup(tmp_path)
    make_unit(None, name="备份之后新建", code="AFTER")
    before = table_counts(connection)

    with pytest.raises(CommandError, match="Nothing was restored: the target is not empty"):
        call_command("restore", str(archive))

    assert table_counts(connection) == before
    assert OrgUnit.objects.filter(code="AFTER").exists()


def test_restore_refuses_directories_holding_other_files(library, empty_database, tmp_path):
    archive = backup(tmp_path)
    trees = new_trees(tmp_path)
    (trees["private"] / "evidence").mkdir(parents=True)
    (trees["private"] / "evidence" / "其他.pdf").write_bytes(b"not in the backup")

    with open_database(empty_database) as target:
        with pytest.raises(BackupError, match="files not in the backup: 1 \\(evidence/其他.pdf"):
            restore_backup(archive, connection=target, trees=trees)
        assert table_counts(target) == {}

    assert files(trees["private"]) == {"evidence/其他.pdf": b"not in the backup"}
    assert not trees["media"].exists()


def test_force_replaces_a_database_after_saving_it(library, empty_database, tmp_path):
    archive = backup(tmp_path)
    trees = new_trees(tmp_path)
    with open_database(empty_database) as target:
        restore_backup(archive, connection=target, trees=trees)
        with target.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied) "
                "VALUES ('later', '0001_initial', CURRENT_TIMESTAMP)"
            )
        (trees["media"] / "稍后上传.png").write_bytes(b"later")

        restored = restore_backup(
            archive, connection=target, trees=trees, force=True, backup_dir=tmp_path / "saved"
        )

        assert table_counts(target) == table_counts(connection)
    assert restored.replaced.path.parent == tmp_path / "saved"
    assert restored.replaced.path.name.startswith("shuxiang-before-restore-")
    assert files(trees["media"]) == {"images/年报封面.png": COVER}, "the later upload is gone"
    with tarfile.open(restored.replaced.path) as tar:
        assert "media/稍后上传.png" in tar.getnames(), "…but kept in the saved backup"


def _archive(path: Path, member: tarfile.TarInfo, *, engine=None) -> Path:
    """A small archive in the backup's shape (a manifest) with ``member`` added."""
    manifest = json.dumps(
        {"format": 1, "engine": engine or connection.vendor, "tables": {}, "files": {}}
    ).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        tar.addfile(member, io.BytesIO(b""))
    return path


@pytest.mark.parametrize(
    ("name", "kind", "link"),
    [
        ("media/../../escaped.txt", tarfile.REGTYPE, ""),
        ("/tmp/shuxiang-absolute.txt", tarfile.REGTYPE, ""),
        ("media/link", tarfile.SYMTYPE, "../../escaped.txt"),
        ("media/inside-link", tarfile.SYMTYPE, "images/年报封面.png"),
        ("media/hard", tarfile.LNKTYPE, "manifest.json"),
    ],
    ids=["dot-dot", "absolute", "link-out", "link-in", "hard-link"],
)
def test_restore_rejects_an_unsafe_archive_member(empty_database, tmp_path, name, kind, link):
    member = tarfile.TarInfo(name)
    member.type, member.linkname = kind, link
    (tmp_path / "backups").mkdir()
    archive = _archive(tmp_path / "backups" / "tampered.tar.gz", member)
    trees = new_trees(tmp_path / "backups")

    with open_database(empty_database) as target:
        with pytest.raises(BackupError, match="unsafe member"):
            restore_backup(archive, connection=target, trees=trees)
        assert table_counts(target) == {}

    assert not (tmp_path / "escaped.txt").exists()
    assert not Path("/tmp/shuxiang-absolute.txt").exists()
    assert not trees["media"].exists()


def test_restore_refuses_a_backup_of_another_engine(empty_database, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    member = tarfile.TarInfo({"sqlite": "database.sqlite3"}.get(other, "database.pgdump"))
    archive = _archive(tmp_path / "other.tar.gz", member, engine=other)

    with open_database(empty_database) as target:
        with pytest.raises(BackupError, match="Restore it into a database of the same engine"):
            restore_backup(archive, connection=target, trees=new_trees(tmp_path))
        assert table_counts(target) == {}
