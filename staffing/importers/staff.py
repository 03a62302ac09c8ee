"""The staff sheet's import (the sheet's columns and cell formats are in `sheet`).

The import is all-or-nothing: every row is checked before anything is written, and every
bad cell is reported by row and column (``ImportFailed.errors``). Staff are matched by
staff number (工号), so importing the same sheet again updates rather than duplicates. An
empty cell leaves the stored value as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import registry as log_registry

from governance.importers.units import UnitLookup
from reporting.imports import CellError, FileError, ImportFailed, RowCells
from reporting.spreadsheets import SpreadsheetError, read_xlsx

from ..models import PostAppointment, Staff
from ..services import (
    EducationChange,
    PostChange,
    StatusChange,
    TitleChange,
    UnitChange,
    record_education_changes,
    record_post_changes,
    record_status_changes,
    record_title_changes,
    record_unit_changes,
    start_histories,
)
from ..validators import id_birth_date
from . import sheet

IMPORT_ACTION = "shuxiang.staff.import"
# The staff row's fields an import may set; compared to tell an update from no change.


IMPORTED_FIELDS = (
    "name",
    "gender",
    "id_number",
    "birth_date",
    "unit",
    "employment_type",
    "post_category",
    "post_grade",
    "title",
    "title_level",
    "education",
    "degree",
    "major",
    "discipline",
    "hire_date",
    "status",
    "status_date",
    "phone",
    "email",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0

    def __str__(self) -> str:
        return _("Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class _Cells(RowCells):
    """One row of the staff sheet, read with a parser per cell (errors by row and column)."""

    def __init__(self, row: dict):
        super().__init__(row, sheet.HEADER)

    def text(self, key: str) -> str:
        max_length = Staff._meta.get_field(key).max_length
        return self.read(key, sheet.parse_text, max_length=max_length) or ""


@dataclass(frozen=True)
class _Row:
    staff: Staff
    before: tuple | None  # the stored values, None for a new staff member
    post: PostChange | None
    title: TitleChange | None


def _snapshot(staff: Staff) -> tuple:
    return tuple(getattr(staff, f"{f}_id" if f == "unit" else f) for f in IMPORTED_FIELDS)


class _Importer:
    """What an import needs to know about the database, read in a few queries up front."""

    def __init__(self, rows: list[dict], *, today: dt.date):
        self.today = today
        numbers = {sheet.cell_text(r["staff_number"]) for r in rows} - {""}
        ids = {sheet.cell_text(r["id_number"]).upper() for r in rows} - {""}
        self.existing = {
            s.staff_number: s
            for s in Staff.objects.filter(staff_number__in=numbers)
            .select_related("unit")
            .select_for_update(of=("self",))
        }
        self.id_owners = dict(
            Staff.objects.filter(id_number__in=ids).values_list("id_number", "staff_number")
        )
        self.with_posts = set(
            PostAppointment.objects.filter(
                staff__in=[s.pk for s in self.existing.values()]
            ).values_list("staff_id", flat=True)
        )
        self.units = UnitLookup()
        self.number_rows: dict[str, int] = {}
        self.id_rows: dict[str, int] = {}

    def read(self, cells: _Cells) -> _Row:
        """The row's staff member with the row applied, and the post and title changes."""
        # A row without a usable staff number is still read, to report its other cells.
        number = cells.text("staff_number")
        if not number and "staff_number" not in cells.failed:
            cells.fail("staff_number", _("this cell must be filled in."))
        elif number in self.number_rows:
            cells.fail(
                "staff_number",
                _("staff number %(number)s is also in row %(row)s.")
                % {"number": number, "row": self.number_rows[number]},
            )
        else:
            self.number_rows[number] = cells.number
        staff = self.existing.get(number)
        new = staff is None
        if new:
            staff = Staff(staff_number=number)
        before = None if new else _snapshot(staff)
        self._person(cells, staff)
        self._employment(cells, staff, new=new)
        post = self._post(cells, staff, new=new)
        title = self._title(cells, staff)
        return _Row(staff, before, post, title)

    def _person(self, cells: _Cells, staff: Staff) -> None:
        name = cells.text("name")
        if name:
            staff.name = name
        elif "name" not in cells.failed:
            cells.fail("name", _("this cell must be filled in."))

        id_number = cells.read("id_number", sheet.parse_id_number)
        if id_number:
            owner = self.id_owners.get(id_number)
            if id_number in self.id_rows:
                cells.fail(
                    "id_number",
                    _("the same ID number is also in row %(row)s.")
                    % {"row": self.id_rows[id_number]},
                )
            elif owner and owner != staff.staff_number:
                cells.fail(
                    "id_number",
                    _("staff member %(number)s already has this ID number.") % {"number": owner},
                )
            else:
                self.id_rows[id_number] = cells.number
                staff.id_number = id_number

        birth_date = cells.read("birth_date", sheet.parse_date, today=self.today)
        from_id = id_birth_date(staff.id_number) if "id_number" not in cells.failed else None
        if staff.id_number and from_id:  # None for an unchecked legacy number
            if birth_date and birth_date != from_id:
                cells.fail(
                    "birth_date",
                    _("the ID number gives the birth date %(date)s.")
                    % {"date": from_id.isoformat()},
                )
            birth_date = birth_date or from_id
        if birth_date and "birth_date" not in cells.failed:
            staff.birth_date = birth_date

        gender = cells.read("gender", sheet.GENDER.parse)
        if gender:
            staff.gender = gender
        elif not staff.gender and not {"gender", "id_number"} & cells.failed:
            staff.gender = sheet.gender_from_id(staff.id_number)
            if not staff.gender:
                cells.fail("gender", _("needed for a new staff member (or give the ID number)."))

        phone = cells.text("phone")
        if phone:
            staff.phone = phone
        email = cells.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                cells.fail("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            else:
                staff.email = email

    def _employment(self, cells: _Cells, staff: Staff, *, new: bool) -> None:
        unit_text = sheet.cell_text(cells.row["unit"])
        if not unit_text:
            cells.fail("unit", _("this cell must be filled in."))
        else:
            try:
                staff.unit = self.units.find(unit_text)
            except ValueError as error:
                # A unit since made inactive still reads for the people it holds.
                if new or unit_text.split()[0].upper() != staff.unit.code.upper():
                    cells.fail("unit", str(error))

        # The date of leaving or retiring: a change of status needs it (never today's).
        status_date = cells.read("status_date", sheet.parse_date, today=self.today)
        if status_date:
            staff.status_date = status_date
        choices = (
            ("employment_type", sheet.EMPLOYMENT_TYPE),
            ("status", sheet.STATUS),
            ("education", sheet.EDUCATION),
            ("discipline", sheet.DISCIPLINE),
        )
        for key, terms in choices:
            value = cells.read(key, terms.parse)
            if value is not None:
                # A new person in post (or seconded) starts without one; a leaver does not.
                arriving = new and value not in (Staff.Status.LEFT, Staff.Status.RETIRED)
                if key == "status" and value != staff.status and not status_date and not arriving:
                    if "status_date" not in cells.failed:
                        cells.fail(
                            "status_date",
                            _("give the date of the change of status (never taken as today)."),
                        )
                setattr(staff, key, value)
        if not staff.employment_type and "employment_type" not in cells.failed:
            cells.fail("employment_type", _("needed for a new staff member."))
        for key in ("degree", "major"):
            value = cells.text(key)
            if value:
                setattr(staff, key, value)
        hire_date = cells.read("hire_date", sheet.parse_date, today=self.today)
        if hire_date:
            staff.hire_date = hire_date

    def _post(self, cells: _Cells, staff: Staff, *, new: bool) -> PostChange | None:
        category = cells.read("post_category", sheet.POST_CATEGORY.parse)
        grade = cells.read("post_grade", sheet.parse_grade)
        if {"post_category", "post_grade"} & cells.failed or (category, grade) == (None, None):
            return None
        category = category or staff.post_category
        grade = grade or staff.post_grade
        if not category:
            cells.fail("post_category", _("give the post category with the post grade."))
            return None
        if grade is None:
            cells.fail("post_grade", _("give the post grade with the post category."))
            return None
        if (category, grade) == (staff.post_category, staff.post_grade):
            return None
        # A first post starts on the hire date; a change of post starts on the day of import.
        first = new or staff.pk not in self.with_posts
        start = (staff.hire_date or self.today) if first else self.today
        return PostChange(staff, category, grade, start)

    def _title(self, cells: _Cells, staff: Staff) -> TitleChange | None:
        title = cells.text("title")
        level = cells.read("title_level", sheet.parse_title_level)
        obtained = cells.read("title_obtained", sheet.parse_date, today=self.today)
        if {"title", "title_level"} & cells.failed or (not title and level is None):
            return None
        if level is None:
            level = sheet.SERIES_LEVELS.get(title)
        if level is None and title == staff.title:
            level = staff.title_level
        title = title or staff.title
        if not title:
            cells.fail("title", _("give the title with its level."))
            return None
        if level is None:
            cells.fail("title_level", _("give the level of the new title."))
            return None
        if (title, level) == (staff.title, staff.title_level):
            return None
        if obtained is None:
            if "title_obtained" not in cells.failed:
                cells.fail(
                    "title_obtained",
                    _("give the date the title was obtained: the title or its level changed."),
                )
            return None
        return TitleChange(staff, title, level, obtained)


@transaction.atomic
def import_staff(data: bytes, *, user=None) -> ImportResult:
    """Create or update the staff of an uploaded staff sheet, with their post and title
    histories; raises ``StaffImportError`` (and saves nothing) if any cell is wrong."""
    try:
        rows = read_xlsx(data, columns=sheet.COLUMNS, optional=sheet.OPTIONAL)
    except SpreadsheetError as error:
        raise ImportFailed([FileError(str(error))]) from None
    importer = _Importer(rows, today=timezone.localdate())
    errors: list[CellError] = []
    created: list[Staff] = []
    updated: list[Staff] = []
    posts: list[PostChange] = []
    titles: list[TitleChange] = []
    unchanged = 0
    befores: dict[int, tuple] = {}
    for row in rows:
        cells = _Cells(row)
        read = importer.read(cells)
        if cells.errors:
            errors.extend(cells.errors)
            continue
        person = read.staff
        # The current post and title go with the row; the histories are written below.
        if read.post:
            posts.append(read.post)
            person.post_category, person.post_grade = read.post.category, read.post.grade
        if read.title:
            titles.append(read.title)
            person.title, person.title_level = read.title.title, read.title.level
        if read.before is None:
            created.append(person)
        elif _snapshot(person) != read.before:
            updated.append(person)
            befores[person.pk] = read.before
        else:
            unchanged += 1
    if errors:
        raise ImportFailed(errors)

    Staff.objects.bulk_create(created)
    _ensure_pks(created)
    basis = _("Staff sheet import")
    try:
        _record_histories(created, updated, befores, today=importer.today, basis=basis)
    except ValidationError as error:  # e.g. a status dated before the hire date
        raise ImportFailed([FileError(message) for message in error.messages]) from None
    Staff.objects.bulk_update(updated, IMPORTED_FIELDS)
    record_post_changes(posts, basis=basis)
    record_title_changes(titles, basis=basis)
    _log(created, updated, user=user)
    return ImportResult(created=len(created), updated=len(updated), unchanged=unchanged)


def _record_histories(
    created: list[Staff], updated: list[Staff], befores: dict, *, today: dt.date, basis: str
) -> None:
    """The unit and education histories and the status dates of the rows written: new
    staff start their histories; a changed unit is a transfer and a changed education a
    new record, both dated the day of the import (the sheet gives no date for them, and
    an earlier one would rewrite past figures); a changed status takes the sheet's date."""
    at = {name: IMPORTED_FIELDS.index(name) for name in IMPORTED_FIELDS}
    education = ("education", "degree", "major", "discipline")
    units, degrees, statuses = [], [], []
    for staff in updated:
        before = befores[staff.pk]
        if staff.unit_id != before[at["unit"]]:
            units.append(UnitChange(staff, staff.unit, today, before[at["unit"]]))
        if tuple(getattr(staff, f) for f in education) != tuple(before[at[f]] for f in education):
            degrees.append(
                EducationChange(
                    staff,
                    staff.education,
                    staff.degree,
                    staff.major,
                    staff.discipline,
                    today,
                    tuple(before[at[f]] for f in education),
                )
            )
        if staff.status != before[at["status"]]:
            statuses.append(StatusChange(staff, staff.status, staff.status_date))
    start_histories(created, basis=basis)
    record_unit_changes(units, basis=basis)
    record_education_changes(degrees, basis=basis)
    record_status_changes(statuses)


def _ensure_pks(created: list[Staff]) -> None:
    """Backends that cannot return ids from a bulk insert: read them back in one query."""
    if any(s.pk is None for s in created):
        pks = dict(
            Staff.objects.filter(staff_number__in=[s.staff_number for s in created]).values_list(
                "staff_number", "pk"
            )
        )
        for staff in created:
            staff.pk = pks[staff.staff_number]


def _log(created: Iterable[Staff], updated: Iterable[Staff], *, user=None) -> None:
    """One history entry per staff member changed, sharing one id as one user action (so
    each record's history shows the import); written in one query."""
    model = log_registry.get_log_model_for_model(Staff)
    content_type = ContentType.objects.get_for_model(Staff)
    action_id, now = uuid.uuid4(), timezone.now()
    model.objects.bulk_create(
        model(
            content_type=content_type,
            object_id=str(staff.pk),
            label=str(staff)[:255],
            action=IMPORT_ACTION,
            data={"created": created_now},
            timestamp=now,
            user=user,
            uuid=action_id,
            content_changed=True,
        )
        for created_now, group in ((True, created), (False, updated))
        for staff in group
    )
