"""Form widgets of the paper layer: a file input for files kept in private storage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.db.models.fields.files import FieldFile


@dataclass(frozen=True)
class CurrentFile:
    name: str
    url: str  # a permission-checked download view, or "" (no link)

    def __str__(self) -> str:
        return self.name


class PrivateFileInput(forms.ClearableFileInput):
    """A clearable file input that names the current file and links it to a download
    view, never to the storage (a private storage builds no URL: Django's widget would
    ask it for one). Set ``current_name`` and ``download_url`` per form."""

    template_name = "reporting/widgets/private_file_input.html"
    current_name = ""
    download_url = ""

    def is_initial(self, value):
        return isinstance(value, FieldFile) and bool(value)

    def format_value(self, value):
        if self.is_initial(value):
            return CurrentFile(self.current_name or PurePath(value.name).name, self.download_url)
        return None
