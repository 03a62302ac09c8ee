"""The backup archive's shape: writing the file trees into it with their SHA-256, and
reading it back safely (regular files under the expected names only, each checked against
the manifest) before anything is restored."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath

from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Archive folder → the storage alias whose directory it holds.
TREES = {"media": "default", "private": "private"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# -- writing ------------------------------------------------------------------------------


def add_tree(tar: tarfile.TarFile, tree: str, root: Path) -> list[dict]:
    """Every regular file under ``root`` as ``<tree>/<relative path>``, hashed as it is
    written; links are not followed, so nothing outside the tree gets in."""
    listed = []
    if not root.is_dir():
        return listed
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            source = Path(folder) / name
            if source.is_symlink() or not source.is_file():
                continue
            relative = source.relative_to(root).as_posix()
            info = anonymous(tar.gettarinfo(source, arcname=f"{tree}/{relative}"))
            digest = hashlib.sha256()
            try:
                with open(source, "rb") as stream:
                    tar.addfile(info, _Hashing(stream, digest))
            except OSError as error:  # shrunk while read: the archive would not match it
                raise BackupError(f"{source} changed during the backup: run it again.") from error
            listed.append({"path": relative, "size": info.size, "sha256": digest.hexdigest()})
    return listed


def add_text(tar: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No owner names from this machine in the archive."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


class _Hashing:
    """A file being read into the archive, hashed on the way."""

    def __init__(self, stream, digest):
        self.stream, self.digest = stream, digest

    def read(self, size=-1):
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- reading ------------------------------------------------------------------------------


def unpack(archive: Path, work: Path) -> dict:
    """Extract ``archive`` into ``work`` and return its manifest, every file checked
    against it. Refused before anything is written: a member that is not a regular file or
    folder under the expected names (an absolute path, ``..``, a link, a device); tarfile's
    ``data`` filter checks again while extracting."""
    allowed = {MANIFEST, *DUMPS.values(), *TREES}
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                path = PurePosixPath(member.name)
                safe = (
                    (member.isfile() or member.isdir())
                    and not path.is_absolute()
                    and ".." not in path.parts
                    and path.parts[:1] != ()
                    and path.parts[0] in allowed
                )
                if not safe:
                    raise BackupError(
                        f"{archive.name} holds an unsafe member {member.name!r} (only files "
                        "under database, media/ and private/ are restored): nothing was changed."
                    )
            tar.extractall(work, members=members, filter="data")
    except tarfile.FilterError as error:
        raise BackupError(
            f"{archive.name} holds an unsafe member: {error}; nothing was changed."
        ) from error
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{archive.name} cannot be read as a backup: {error}") from error
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        _check(archive, work, manifest)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{archive.name} has no readable Shuxiang manifest.") from error
    return manifest


def _check(archive: Path, work: Path, manifest: dict) -> None:
    engine = manifest["engine"]
    if manifest["format"] != FORMAT or engine not in DUMPS:
        raise ValueError(manifest["format"], engine)
    if not isinstance(manifest["tables"], dict) or not set(manifest["files"]) <= set(TREES):
        raise ValueError("tables, files")
    if not (work / DUMPS[engine]).is_file():
        raise BackupError(f"{archive.name} has no {DUMPS[engine]}.")
    for tree in TREES:
        expected = {entry["path"]: entry for entry in manifest["files"].get(tree) or []}
        root = work / tree
        found = set()
        if root.is_dir():
            found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        # Equal sets also keep a forged manifest path (``../x``) from being used.
        if found != set(expected):
            odd = sorted(found ^ set(expected))[:5]
            raise BackupError(f"{archive.name}: {tree}/ does not match its manifest ({odd}).")
        for relative, entry in expected.items():
            if sha256(root / relative) != entry["sha256"]:
                raise BackupError(f"{archive.name}: {tree}/{relative} is damaged (SHA-256).")


# -- restoring the trees ------------------------------------------------------------------


def strangers(root: Path | None, listed: list[dict]) -> list[str]:
    """Files in ``root`` that the backup does not hold with the same content."""
    if root is None or not root.is_dir():
        return []
    known = {entry["path"]: entry["sha256"] for entry in listed}
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        relative = path.relative_to(root).as_posix()
        if path.is_symlink() or known.get(relative) != sha256(path):
            found.append(relative)
    return found


def restore_tree(source: Path, root: Path, listed: list[dict], remove: list[str]) -> int:
    """Put the backup's files (extracted in ``source``) into ``root``, after removing the
    files ``remove`` names (with --force, once they are saved), so the tree is the
    backup's."""
    root.mkdir(parents=True, exist_ok=True)
    for relative in remove:
        target = root / relative
        if target.is_symlink() or target.is_file():
            target.unlink()
    for entry in listed:
        target = root / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source / entry["path"], target)
    return len(listed)
