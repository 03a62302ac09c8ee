"""Upload forms shared by every importer: the file's type and size are checked here,
its content by the importer (and `spreadsheets.read_xlsx`'s caps)."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


class UploadForm(forms.Form):
    """One file of the given ``suffixes``, at most ``max_bytes`` long."""

    suffixes: tuple[str, ...] = ()
    max_bytes = 10 * MB
    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in self.suffixes:
            raise forms.ValidationError(self.wrong_type_message())
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": self.max_bytes // MB}
            )
        return upload

    def wrong_type_message(self):
        return _("Choose a file of type %(types)s.") % {"types": ", ".join(self.suffixes)}


class SpreadsheetUploadForm(UploadForm):
    suffixes = (".xlsx",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = getattr(settings, "SHUXIANG_XLSX_MAX_BYTES", 10 * MB)
        self.fields["file"].label = _("Spreadsheet (.xlsx)")

    def wrong_type_message(self):
        return _("Choose an Excel workbook (.xlsx).")


class TableUploadForm(SpreadsheetUploadForm):
    """An .xlsx workbook or a .csv file (``spreadsheets.read_table`` reads both)."""

    suffixes = (".xlsx", ".csv")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Spreadsheet (.xlsx or .csv)")

    def wrong_type_message(self):
        return _("Choose an Excel workbook (.xlsx) or a .csv file.")
