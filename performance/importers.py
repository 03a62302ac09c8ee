"""The 民主测评 tally as a file (.xlsx or .csv): one row per person with how many voters
chose each grade. All-or-nothing, every bad cell reported by row and column; a re-import
of the same file writes nothing (only the counts that differ are written)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reporting.bulk import snapshot, update_changed
from reporting.imports import CellError, ImportFailed, RowCells
from staffing.importers import sheet
from staffing.importers.records import StaffLookup, headers, read_rows

from .models import Appraisal, AppraisalCycle
from .services import VOTED, require_hr

VOTES_ACTION = "shuxiang.appraisal.votes"
VOTE_COLUMNS = {
    "工号": "staff_number",
    "姓名": "name",
    "优秀": "excellent",
    "合格": "competent",
    "基本合格": "basic",
    "不合格": "incompetent",
}
VOTE_OPTIONAL = ("姓名",)
VOTE_FIELDS = tuple(f"votes_{grade}" for grade in VOTED)


def parse_count(raw) -> int:
    text = sheet.cell_text(raw) or "0"
    if not text.isdigit() or len(text) > 6:
        raise ValueError(_("a number of votes is a whole number from 0."))
    return int(text)


@transaction.atomic
def import_votes(cycle: AppraisalCycle, filename: str, data: bytes, *, user) -> int:
    """Set the votes of the people the file names in ``cycle`` (being scored); returns
    how many people's counts changed. A fixed number of queries whatever the rows."""
    require_hr(user, "change")
    if cycle.status != AppraisalCycle.Status.SCORING:
        raise ValidationError(_("%(cycle)s is not being scored.") % {"cycle": cycle})
    rows = read_rows(filename, data, VOTE_COLUMNS, VOTE_OPTIONAL)
    names = headers(VOTE_COLUMNS)
    lookup = StaffLookup(rows)
    appraisals = {
        a.staff_id: a for a in cycle.appraisals.select_for_update(of=("self",)).order_by()
    }
    errors: list[CellError] = []
    seen: dict[int, int] = {}
    changed: list[tuple[Appraisal, tuple]] = []
    for row in rows:
        cells = RowCells(row, names)
        staff = lookup.read(cells)
        counts = {grade: cells.read(grade, parse_count) for grade in VOTED}
        appraisal = appraisals.get(staff.pk) if staff else None
        if staff is not None and appraisal is None:
            cells.fail("staff_number", _("this person is not in this appraisal."))
        elif staff is not None and staff.pk in seen:
            cells.fail("staff_number", _("also in row %(row)s.") % {"row": seen[staff.pk]})
        errors += cells.errors
        if cells.errors or appraisal is None:
            continue
        seen[staff.pk] = cells.number
        before = snapshot(appraisal, VOTE_FIELDS)
        for grade, count in counts.items():
            setattr(appraisal, f"votes_{grade}", count)
        changed.append((appraisal, before))
    if errors:
        raise ImportFailed(errors)
    written = update_changed(Appraisal, changed, fields=VOTE_FIELDS)
    log(
        instance=cycle, action=VOTES_ACTION, user=user, data={"rows": len(rows), "changed": written}
    )
    return written
