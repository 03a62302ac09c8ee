"""HR's registers of staff records as files: the post history (岗位聘用记录), the title
history (职称记录) and the post qualifications (岗位资格证书), as .xlsx or .csv.

Each import is all-or-nothing with every bad cell reported by row and column; staff are
named by staff number (工号), and a name given beside it must be theirs.

A history sheet holds the *whole* history of each staff member it names (how HR moves
records over from a paper file or an old system): their stored appointments or title
records are replaced by the sheet's rows, and the staff row's current post or title
becomes that of the latest row — also for someone who has left, whose last post stays on
their record. Qualifications are matched by staff, qualification and certificate number
(or issue date), so importing the same sheet again updates rather than duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.bulk import snapshot, update_changed
from reporting.imports import CellError, FileError, ImportFailed, RowCells, log_each
from reporting.spreadsheets import SpreadsheetError, read_table

from ..models import Certificate, PostAppointment, Staff, TitleRecord
from . import sheet

HISTORY_ACTION = "shuxiang.staff.history_import"

POST_COLUMNS = {
    "工号": "staff_number",
    "姓名": "name",
    "岗位类别": "category",
    "岗位等级": "grade",
    "聘用起始日期": "start",
    "聘用终止日期": "end",
    "聘用依据": "basis",
}
POST_OPTIONAL = ("姓名", "聘用终止日期", "聘用依据")
TITLE_COLUMNS = {
    "工号": "staff_number",
    "姓名": "name",
    "职称系列": "series",
    "职称": "title",
    "职称级别": "level",
    "取得日期": "obtained",
    "取得依据": "basis",
}
TITLE_OPTIONAL = ("姓名", "职称系列", "职称级别", "取得依据")
CERTIFICATE_COLUMNS = {
    "工号": "staff_number",
    "姓名": "name",
    "资格名称": "kind",
    "证书编号": "number",
    "发证日期": "issued",
    "有效期至": "expires",
}
CERTIFICATE_OPTIONAL = ("姓名", "证书编号", "有效期至")
CERTIFICATE_DATES = ("issued", "expires")


@dataclass(frozen=True)
class RecordsResult:
    staff: int
    rows: int

    def __str__(self) -> str:
        return _("Imported %(rows)s rows for %(staff)s staff members.") % {
            "rows": self.rows,
            "staff": self.staff,
        }


def headers(columns: dict[str, str]) -> dict[str, str]:
    return {key: header for header, key in columns.items()}


def read_rows(filename: str, data: bytes, columns: dict[str, str], optional) -> list[dict]:
    try:
        return read_table(filename, data, columns=columns, optional=optional)
    except SpreadsheetError as error:
        raise ImportFailed([FileError(str(error))]) from None


def plain_text(raw) -> str:
    """A cell of free text as written: stripped, but not NFKC-folded like the sheet's codes
    (that would turn the full-width （）and ， of Chinese text into ASCII)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def text_parser(model, field: str) -> Callable:
    max_length = model._meta.get_field(field).max_length

    def parse(raw) -> str:
        text = plain_text(raw)
        if len(text) > max_length:
            raise ValueError(_("at most %(max)s characters.") % {"max": max_length})
        return text

    return parse


class StaffLookup:
    """The staff a sheet names, read in one query; checks a name given beside the number."""

    def __init__(self, rows: list[dict], *, lock: bool = False):
        # 工号 are one whatever their case (the staff table's constraint): a001 is A001.
        numbers = {sheet.cell_text(r["staff_number"]).lower() for r in rows} - {""}
        staff = (
            Staff.objects.annotate(number_key=Lower("staff_number"))
            .filter(number_key__in=numbers)
            .order_by()
        )
        if lock:
            staff = staff.select_for_update(of=("self",))
        self.by_number = {s.staff_number.lower(): s for s in staff}

    def read(self, cells: RowCells) -> Staff | None:
        number = cells.read("staff_number", sheet.cell_text, required=True)
        if not number:
            return None
        staff = self.by_number.get(number.lower())
        if staff is None:
            cells.fail(
                "staff_number",
                _("no staff member has the number “%(number)s”.") % {"number": number},
            )
            return None
        name = sheet.cell_text(cells.row.get("name"))
        if name and name != sheet.cell_text(staff.name):
            cells.fail(
                "name",
                _("staff member %(number)s is %(name)s.") % {"number": number, "name": staff.name},
            )
        return staff


def _dates_so_far(today: dt.date):
    return lambda raw: sheet.parse_date(raw, today=today)


def _replace_histories(model, staff_ids, rows: list, fields: list[str]) -> None:
    """Make ``rows`` the whole history of ``staff_ids``: stored rows are rewritten in place
    (only the columns that differ), the surplus deleted and the rest inserted (a delete
    costs queries per row: Wagtail's reference index listens to it)."""
    stored = defaultdict(list)
    for row in model.objects.filter(staff__in=list(staff_ids)).order_by("pk"):
        stored[row.staff_id].append(row)
    rewritten, added = [], []
    for row in rows:
        spare = stored[row.staff_id]
        if spare:
            old = spare.pop(0)
            row.pk = old.pk
            rewritten.append((row, snapshot(old, fields)))
        else:
            added.append(row)
    surplus = [row.pk for spares in stored.values() for row in spares]
    if surplus:
        model.objects.filter(pk__in=surplus).delete()
    update_changed(model, rewritten, fields=fields)
    model.objects.bulk_create(added, batch_size=500)


# -- post history --------------------------------------------------------------------------


@transaction.atomic
def import_post_history(filename: str, data: bytes, *, user=None) -> RecordsResult:
    """Replace the post histories of the staff in the sheet (see the module's docstring)."""
    rows = read_rows(filename, data, POST_COLUMNS, POST_OPTIONAL)
    names = headers(POST_COLUMNS)
    staff = StaffLookup(rows, lock=True)
    date = _dates_so_far(timezone.localdate())
    basis = text_parser(PostAppointment, "basis")
    errors: list[CellError] = []
    by_staff: dict[int, list[tuple[PostAppointment, int]]] = defaultdict(list)
    people: dict[int, Staff] = {}
    for row in rows:
        cells = RowCells(row, names)
        person = staff.read(cells)
        category = cells.read("category", sheet.POST_CATEGORY.parse, required=True)
        grade = cells.read("grade", sheet.parse_grade, required=True)
        start = cells.read("start", date, required=True)
        end = cells.read("end", date)
        if start and end and end < start:
            cells.fail("end", _("the post ends before it starts."))
        text = cells.read("basis", basis) or ""
        if cells.errors:
            errors += cells.errors
            continue
        appointment = PostAppointment(
            staff=person, category=category, grade=grade, start=start, end=end, basis=text
        )
        by_staff[person.pk].append((appointment, cells.number))
        people[person.pk] = person
    for history in by_staff.values():
        history.sort(key=lambda pair: pair[0].start)
        for (earlier, row), (later, later_row) in zip(history, history[1:], strict=False):
            if earlier.end is None or earlier.end >= later.start:
                errors.append(
                    CellError(
                        later_row,
                        names["start"],
                        _("it overlaps the post from %(start)s in row %(row)s.")
                        % {"start": earlier.start.isoformat(), "row": row},
                    )
                )
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))

    _replace_histories(
        PostAppointment,
        people,
        [a for history in by_staff.values() for a, _row in history],
        ["category", "grade", "start", "end", "basis"],
    )
    current = ["post_category", "post_grade"]
    befores = {pk: snapshot(person, current) for pk, person in people.items()}
    for pk, history in by_staff.items():
        last = history[-1][0]
        people[pk].post_category, people[pk].post_grade = last.category, last.grade
    update_changed(Staff, [(s, befores[pk]) for pk, s in people.items()], fields=current)
    log_each(people.values(), action=HISTORY_ACTION, user=user, data={"history": "posts"})
    return RecordsResult(staff=len(people), rows=len(rows))


# -- title history -------------------------------------------------------------------------


@transaction.atomic
def import_title_history(filename: str, data: bytes, *, user=None) -> RecordsResult:
    """Replace the title histories of the staff in the sheet (see the module's docstring)."""
    rows = read_rows(filename, data, TITLE_COLUMNS, TITLE_OPTIONAL)
    names = headers(TITLE_COLUMNS)
    staff = StaffLookup(rows, lock=True)
    date = _dates_so_far(timezone.localdate())
    series_field = TitleRecord._meta.get_field("series")
    errors: list[CellError] = []
    by_staff: dict[int, list[TitleRecord]] = defaultdict(list)
    people: dict[int, Staff] = {}
    for row in rows:
        cells = RowCells(row, names)
        person = staff.read(cells)
        title = cells.read("title", text_parser(TitleRecord, "title"), required=True)
        level = cells.read("level", sheet.parse_title_level)
        if level is None and title and "level" not in cells.failed:
            level = sheet.SERIES_LEVELS.get(title)
            if level is None:
                cells.fail("level", _("give the level of this title."))
        series = cells.read("series", text_parser(TitleRecord, "series"))
        obtained = cells.read("obtained", date, required=True)
        text = cells.read("basis", text_parser(TitleRecord, "basis")) or ""
        if cells.errors:
            errors += cells.errors
            continue
        by_staff[person.pk].append(
            TitleRecord(
                staff=person,
                series=series or series_field.get_default(),
                title=title,
                level=level,
                obtained=obtained,
                basis=text,
            )
        )
        people[person.pk] = person
    if errors:
        raise ImportFailed(errors)

    _replace_histories(
        TitleRecord,
        people,
        [r for records in by_staff.values() for r in records],
        ["series", "title", "level", "obtained", "basis"],
    )
    current = ["title", "title_level"]
    befores = {pk: snapshot(person, current) for pk, person in people.items()}
    for pk, records in by_staff.items():
        last = max(records, key=lambda r: r.obtained)
        people[pk].title, people[pk].title_level = last.title, last.level
    update_changed(Staff, [(s, befores[pk]) for pk, s in people.items()], fields=current)
    log_each(people.values(), action=HISTORY_ACTION, user=user, data={"history": "titles"})
    return RecordsResult(staff=len(people), rows=len(rows))


# -- post qualifications -------------------------------------------------------------------


@transaction.atomic
def import_certificates(filename: str, data: bytes, *, user=None) -> RecordsResult:
    """Add or update the post qualifications in the sheet."""
    rows = read_rows(filename, data, CERTIFICATE_COLUMNS, CERTIFICATE_OPTIONAL)
    names = headers(CERTIFICATE_COLUMNS)
    staff = StaffLookup(rows)
    date = _dates_so_far(timezone.localdate())
    existing = {
        (c.staff_id, c.kind, c.number or c.issued): c
        for c in Certificate.objects.filter(staff__in=list(staff.by_number.values()))
    }
    errors: list[CellError] = []
    seen: dict[tuple, int] = {}
    changed: list[Certificate] = []
    befores: dict[int, tuple] = {}  # stored certificates' dates as read, by pk
    people: dict[int, Staff] = {}
    for row in rows:
        cells = RowCells(row, names)
        person = staff.read(cells)
        kind = cells.read("kind", text_parser(Certificate, "kind"), required=True)
        number = cells.read("number", text_parser(Certificate, "number")) or ""
        issued = cells.read("issued", date, required=True)
        # An expiry date is naturally in the future.
        expires = cells.read("expires", sheet.parse_date, today=dt.date.max)
        if issued and expires and expires < issued:
            cells.fail("expires", _("the certificate expires before it was issued."))
        if cells.errors:
            errors += cells.errors
            continue
        key = (person.pk, kind, number or issued)
        if key in seen:
            cells.fail(
                "kind", _("the same certificate is also in row %(row)s.") % {"row": seen[key]}
            )
            errors += cells.errors
            continue
        seen[key] = cells.number
        certificate = existing.get(key) or Certificate(staff=person, kind=kind, number=number)
        if certificate.pk:
            befores[certificate.pk] = snapshot(certificate, CERTIFICATE_DATES)
        certificate.issued, certificate.expires = issued, expires
        changed.append(certificate)
        people[person.pk] = person
    if errors:
        raise ImportFailed(errors)

    stored = [(c, befores[c.pk]) for c in changed if c.pk]
    Certificate.objects.bulk_create([c for c in changed if c.pk is None])
    update_changed(Certificate, stored, fields=CERTIFICATE_DATES)
    log_each(people.values(), action=HISTORY_ACTION, user=user, data={"history": "certificates"})
    return RecordsResult(staff=len(people), rows=len(rows))
