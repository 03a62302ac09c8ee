"""Private storage: files no URL leads to (progress-report evidence, staff certificates,
staged uploads), served only by views that check the access policy first.

``settings.STORAGES["private"]`` names the backend: `PrivateFileSystemStorage` outside
``MEDIA_ROOT`` in development and tests, or e.g. an S3 bucket with a private ACL
(django-storages) in production. Model fields use ``storage=get_private_storage``, which
resolves that alias whenever it is used, so tests can point it at a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """A file-system storage that builds no URL: a file in it is reached only through a
    view. (``base_url=None`` alone would fall back to ``MEDIA_URL``.)"""

    def url(self, name):
        raise ValueError(
            "A private file has no URL: serve it through a view that checks the access "
            "policy (reporting.responses.private_file_response)."
        )


class PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use (and again after the setting
    changes)."""

    def _setup(self):
        self._wrapped = storages[ALIAS]


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    """For ``FileField(storage=get_private_storage)``: migrations keep this name, not a
    path on one machine."""
    return private_storage


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def private_location() -> Path | None:
    """The directory of a file-system private storage (None for a remote one)."""
    storage = storages[ALIAS]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location).resolve()
    return None


def public_roots() -> list[Path]:
    """The directories a web server or Django's development server may publish."""
    return [Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()]
