"""Uploads staged between a preview and its confirmation, in the private storage.

A preview may be served by one app server and its confirmation by another (or the files
may sit in an S3 bucket): the staged file lives in the private storage (no URL leads to
it) under ``staged-uploads/`` with a random name, and only that name travels in the
session. Staged files older than a day are dropped whenever a new one is staged.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.utils import timezone

from .storages import private_storage

FOLDER = "staged-uploads"
KEEP = dt.timedelta(hours=24)


@dataclass(frozen=True)
class StagedUpload:
    token: str  # the storage name's last part; safe to keep in a session
    name: str  # the file's name as uploaded

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.token}"


def stage(data: bytes, name: str) -> StagedUpload:
    """Keep ``data`` until it is confirmed or cancelled."""
    _forget_old()
    suffix = PurePosixPath(name).suffix.lower()[:10]
    token = f"{secrets.token_hex(16)}{suffix}"
    saved = private_storage.save(f"{FOLDER}/{token}", ContentFile(data))
    return StagedUpload(token=PurePosixPath(saved).name, name=name)


def _valid(token: str) -> bool:
    return bool(token) and "/" not in token and "\\" not in token and not token.startswith(".")


def take(token: str) -> bytes | None:
    """The staged file's content, removed from storage; None when it has expired."""
    if not _valid(token):
        return None
    path = f"{FOLDER}/{token}"
    if not private_storage.exists(path):
        return None
    with private_storage.open(path, "rb") as handle:
        data = handle.read()
    private_storage.delete(path)
    return data


def discard(token: str) -> None:
    if _valid(token):
        private_storage.delete(f"{FOLDER}/{token}")


def _forget_old() -> None:
    """Previews abandoned without confirm or cancel leave their file: drop old ones."""
    try:
        _dirs, files = private_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    limit = timezone.now() - KEEP
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            modified = private_storage.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < limit:
            private_storage.delete(path)
