"""The all-or-nothing import's error type: every bad cell, by row and column.

An importer checks every row before it writes anything; when any cell is wrong it raises
``ImportFailed`` with all the ``CellError``s at once, so the user corrects the file in
one go. ``FileError`` is a fault of the file as a whole (not a workbook, headers missing).
``RowCells`` reads one row cell by cell collecting those errors; ``log_each`` writes the
import's history entries in one query.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model
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


class RowCells:
    """One row of ``read_xlsx``/``read_table``, read cell by cell with a parser each.

    ``headers`` maps a row key to its column header (for the messages). A parser raises
    ``ValueError`` or ``ValidationError`` with a message for the user; the cell's first
    error is its only one, and the rest of the row is still read so that one pass over
    the file reports everything.
    """

    def __init__(self, row: dict, headers: dict[str, str]):
        self.row = row
        self.headers = headers
        self.number = row["_row"]
        self.errors: list[CellError] = []
        self.failed: set[str] = set()

    def fail(self, key: str, message: str) -> None:
        if key not in self.failed:
            self.failed.add(key)
            self.errors.append(CellError(self.number, self.headers[key], message))

    def read(self, key: str, parse, *, required: bool = False, **kwargs):
        """``parse(cell, **kwargs)``, or ``None`` when it fails (or the cell is empty and
        ``required``: then that is the error)."""
        raw = self.row.get(key)
        if raw in (None, ""):
            if required:
                self.fail(key, _("this cell must be filled in."))
                return None
        try:
            return parse(raw, **kwargs)
        except ValidationError as error:
            self.fail(key, " ".join(error.messages))
        except ValueError as error:
            self.fail(key, str(error))
        return None


def log_each(instances: Iterable[Model], *, action: str, user=None, data: dict | None = None):
    """One history entry per instance (of one model) for one import, sharing one id as one
    user action, written in one query: ``wagtail.log_actions.log`` costs queries per row."""
    instances = list(instances)
    if not instances:
        return
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.log_actions import registry

    model = registry.get_log_model_for_model(type(instances[0]))
    content_type = ContentType.objects.get_for_model(type(instances[0]))
    action_id, now = uuid.uuid4(), timezone.now()
    model.objects.bulk_create(
        model(
            content_type=content_type,
            object_id=str(instance.pk),
            label=str(instance)[:255],
            action=action,
            data=data or {},
            timestamp=now,
            user=user,
            uuid=action_id,
            content_changed=True,
        )
        for instance in instances
    )
