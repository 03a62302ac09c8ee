"""Form widgets shared by every app: a file input for files kept in private storage, and
a select (single or multiple) with a search box above it that filters its options, their
groups (``<optgroup>``) kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _


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


class SearchableSelectMixin:
    """A search box above the select: typing keeps the options (and groups) whose text, or
    ``search_text(instance)`` for model choices, contains what was typed; chosen options
    always stay. Plain JavaScript, no dependency; without it the select works as usual."""

    template_name = "reporting/widgets/searchable_select.html"
    search_placeholder = _("Type to filter…")
    search_text = None  # optional callable(instance) -> extra words to match (codes…)

    class Media:
        js = ["reporting/js/searchable-select.js"]
        css = {"all": ["reporting/css/searchable-select.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_placeholder"] = self.search_placeholder
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if self.search_text is not None and instance is not None:
            option["attrs"]["data-search"] = self.search_text(instance)
        return option


class SearchableSelect(SearchableSelectMixin, forms.Select):
    pass


class SearchableSelectMultiple(SearchableSelectMixin, forms.SelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__({"size": 10, **(attrs or {})}, choices)
