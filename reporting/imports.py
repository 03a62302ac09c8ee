"""The all-or-nothing import's error type: every bad cell, by row and column.

An importer checks every row before it writes anything; when any cell is wrong it raises
``ImportFailed`` with all the ``CellError``s at once, so the user corrects the file in
one go. ``FileError`` is a fault of the file as a whole (not a workbook, headers missing).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class FileError(CellError):
    """The file as a whole cannot be used (not an .xlsx workbook, headers missing…)."""

    def __init__(self, message: str):
        super().__init__(0, "", message)

    def __str__(self) -> str:
        return self.message


class ImportFailed(Exception):
    """Nothing was saved; ``errors`` says which cells are wrong."""

    def __init__(self, errors: list[CellError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
