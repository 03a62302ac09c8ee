"""The staff sheet's import (the sheet's columns and cell formats are in `sheet`).

The import is all-or-nothing: every row is checked before anything is written, and every
bad cell is reported by row and column (``ImportFailed.errors``, the column named as the
sheet heads it). Staff are matched by staff number (工号, whatever the case of its
letters), so importing the same sheet again updates rather than duplicates. An empty cell
leaves the stored value as it is. The ID number decides the birth date and the gender; a
change of status needs its date from the sheet. Columns the import does not read are
named in the result.
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
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import registry as log_registry

from governance.importers.units import UnitLookup
from governance.models import OrgUnit
from reporting.bulk import insert_new, update_changed
from reporting.imports import CellError, FileError, ImportFailed, RowCells
from reporting.spreadsheets import SpreadsheetError, read_xlsx_table

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
    ignored: tuple[str, ...] = ()  # the headers of the columns not read
    dated_today: int = 0  # changes of unit or education the sheet gave no date for

    def __str__(self) -> str:
        text = _("Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.ignored:
            text += " " + _("Ignored columns: %(columns)s.") % {"columns": "、".join(self.ignored)}
        if self.dated_today:
            text += " " + _(
                "%(count)s changes of unit or education are dated today in the histories: "
                "the sheet has no 调动日期 / 学历取得时间 for them."
            ) % {"count": self.dated_today}
        return text


class _Cells(RowCells):
    """One row of the staff sheet, read with a parser per cell (errors by row and column,
    the column named by its header in the file)."""

    def text(self, key: str, parse=sheet.parse_text) -> str:
        max_length = Staff._meta.get_field(key).max_length
        return self.read(key, parse, max_length=max_length) or ""


@dataclass(frozen=True)
class _Row:
    staff: Staff
    before: tuple | None  # the stored values, None for a new staff member
    post: PostChange | None
    title: TitleChange | None
    transfer_date: dt.date | None = None  # when a change of unit took effect
    education_date: dt.date | None = None  # when a new education was obtained


def _snapshot(staff: Staff) -> tuple:
    return tuple(getattr(staff, f"{f}_id" if f == "unit" else f) for f in IMPORTED_FIELDS)


class _Importer:
    """What an import needs to know about the database, read in a few queries up front."""

    def __init__(self, rows: list[dict], *, today: dt.date, columns: set[str]):
        self.today = today
        self.columns = columns  # the keys the sheet has a column for
        # Staff numbers are one whatever their case: a001 is A001's row.
        numbers = {sheet.cell_text(r["staff_number"]).lower() for r in rows} - {""}
        ids = {sheet.id_number_key(r["id_number"]) for r in rows} - {""}
        self.existing: dict[str, list[Staff]] = {}
        for staff in (
            Staff.objects.annotate(number_key=Lower("staff_number"))
            .filter(number_key__in=numbers)
            .select_related("unit")
            .select_for_update(of=("self",))
        ):
            self.existing.setdefault(staff.staff_number.lower(), []).append(staff)
        self.id_owners = dict(
            Staff.objects.filter(id_number__in=ids).values_list("id_number", "staff_number")
        )
        self.with_posts = set(
            PostAppointment.objects.filter(
                staff__in=[s.pk for group in self.existing.values() for s in group]
            ).values_list("staff_id", flat=True)
        )
        self.units = UnitLookup()
        self.unit_paths = dict(OrgUnit.objects.values_list("pk", "path"))
        # Where a missing unit is reported: the sheet's own unit column, else 所在单位.
        self.unit_key = next((k for k in sheet.UNIT_KEYS if k in columns), "unit")
        self.number_rows: dict[str, tuple[int, str]] = {}
        self.id_rows: dict[str, int] = {}

    def read(self, cells: _Cells) -> _Row:
        """The row's staff member with the row applied, and the post and title changes."""
        # A row without a usable staff number is still read, to report its other cells.
        number = cells.text("staff_number")
        key = number.lower()
        matches = self.existing.get(key, [])
        if not number and "staff_number" not in cells.failed:
            cells.fail("staff_number", _("this cell must be filled in."))
        elif key in self.number_rows:
            row, written = self.number_rows[key]
            cells.fail(
                "staff_number",
                _("staff number %(number)s is also in row %(row)s.")
                % {"number": number, "row": row}
                if written == number
                else _(
                    "staff number %(number)s is also in row %(row)s, written %(other)s: "
                    "staff numbers are the same whatever the case of their letters."
                )
                % {"number": number, "row": row, "other": written},
            )
        elif len(matches) > 1:  # stored before staff numbers were compared ignoring case
            cells.fail(
                "staff_number",
                _(
                    "staff numbers %(numbers)s differ only in the case of their letters: "
                    "merge them first."
                )
                % {"numbers": "、".join(s.staff_number for s in matches)},
            )
        else:
            self.number_rows[key] = (cells.number, number)
        staff = matches[0] if len(matches) == 1 else None
        new = staff is None
        if new:
            staff = Staff(staff_number=number)
        before = None if new else _snapshot(staff)
        self._person(cells, staff)
        self._employment(cells, staff, new=new)
        post = self._post(cells, staff, new=new)
        title = self._title(cells, staff)
        dates = {
            key: cells.read(key, sheet.parse_date, today=self.today, months=True)
            for key in ("transfer_date", "education_date")
        }
        return _Row(staff, before, post, title, **dates)

    def _person(self, cells: _Cells, staff: Staff) -> None:
        name = cells.text("name", sheet.parse_name)
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

        # 出生年月 is often a month: it is compared with the ID number's by month.
        raw_birth = cells.row.get("birth_date")
        birth_date = cells.read("birth_date", sheet.parse_date, today=self.today, months=True)
        from_id = id_birth_date(staff.id_number) if "id_number" not in cells.failed else None
        if staff.id_number and from_id:  # None for an unchecked legacy number
            month_only = sheet.month_only(raw_birth)
            if birth_date and (
                birth_date.replace(day=1) != from_id.replace(day=1)
                if month_only
                else birth_date != from_id
            ):
                cells.fail(
                    "birth_date",
                    _("the ID number gives the birth date %(date)s.")
                    % {"date": from_id.isoformat()},
                )
            birth_date = from_id
        if birth_date and "birth_date" not in cells.failed:
            staff.birth_date = birth_date
        self._gender(cells, staff)

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

    def _gender(self, cells: _Cells, staff: Staff) -> None:
        """The gender as written, checked against the ID number's 17th digit (odd for men,
        even for women); taken from the ID number when the cell and the record have none."""
        gender = cells.read("gender", sheet.GENDER.parse)
        if {"gender", "id_number"} & cells.failed:
            return
        from_id = sheet.gender_from_id(staff.id_number)
        given_id = sheet.cell_text(cells.row.get("id_number"))
        if gender and from_id and gender != from_id:
            cells.fail("gender", self._gender_mismatch(from_id))
        elif gender:
            staff.gender = gender
        elif not staff.gender:
            staff.gender = from_id
            if not staff.gender:
                cells.fail("gender", _("needed for a new staff member (or give the ID number)."))
        elif from_id and given_id and staff.gender != from_id:
            cells.fail("gender", self._gender_mismatch(from_id))

    @staticmethod
    def _gender_mismatch(from_id: str) -> str:
        return _(
            "the ID number says %(gender)s (its 17th digit is odd for men, even for women): "
            "check the gender and the ID number."
        ) % {"gender": sheet.GENDER.label(from_id)}

    def _employment(self, cells: _Cells, staff: Staff, *, new: bool) -> None:
        self._unit(cells, staff, new=new)

        self._status(cells, staff, new=new)
        choices = (
            ("employment_type", sheet.EMPLOYMENT_TYPE),
            ("education", sheet.EDUCATION),
            ("discipline", sheet.DISCIPLINE),
        )
        for key, terms in choices:
            value = cells.read(key, terms.parse)
            if value is not None:
                setattr(staff, key, value)
        if not staff.employment_type and "employment_type" not in cells.failed:
            cells.fail("employment_type", _("needed for a new staff member."))
        for key in ("degree", "major"):
            value = cells.text(key)
            if value:
                setattr(staff, key, value)
        hire_date = cells.read("hire_date", sheet.parse_date, today=self.today, months=True)
        if hire_date:
            staff.hire_date = hire_date

    def _unit(self, cells: _Cells, staff: Staff, *, new: bool) -> None:
        """The unit: the most precise of the department, 所在单位 and library cells, looked
        up within the next one when the sheet gives two (工作单位 临川区图书馆, 部门 借阅部)."""
        texts = {key: sheet.cell_text(cells.row.get(key)) for key in sheet.UNIT_KEYS}
        given = [key for key in sheet.UNIT_KEYS if texts[key]]
        if not given:
            cells.fail(self.unit_key, _("this cell must be filled in."))
            return
        target, *outer = given
        within = None
        if outer:
            try:
                within = self.units.find(texts[outer[0]])
            except ValueError as error:
                cells.fail(outer[0], str(error))
                return
        text = texts[target]
        try:
            staff.unit = self._find_unit(text, within)
        except ValueError as error:
            # A unit since made inactive still reads for the people it holds.
            if new or text.split()[0].upper() != staff.unit.code.upper():
                cells.fail(target, str(error))

    def _find_unit(self, text: str, within: OrgUnit | None) -> OrgUnit:
        try:
            unit = self.units.find(text)
        except ValueError:
            if within is None:
                raise
            unit = None
        if within is None:
            return unit
        inside = self.unit_paths[within.pk]
        if unit is None:  # a name several libraries use: the one in this library
            named = [
                u
                for u in self.units.by_name.get(text, [])
                if self.unit_paths[u.pk].startswith(inside)
            ]
            if len(named) > 1:
                raise ValueError(
                    _("“%(name)s” names %(count)s units: write the unit's code.")
                    % {"name": text, "count": len(named)}
                )
            unit = named[0] if named else None
        if unit is None or not self.unit_paths[unit.pk].startswith(inside):
            raise ValueError(
                _("%(within)s has no unit “%(name)s”.") % {"within": within.name, "name": text}
            )
        return unit

    def _status(self, cells: _Cells, staff: Staff, *, new: bool) -> None:
        """The status and the date it changed: from 状态日期, or for leaving and retiring
        from a 离职日期 / 退休日期 column. A change of status needs its date (never today's
        by default: past figures count people by it)."""
        status = cells.read("status", sheet.STATUS.parse)
        own_column = {Staff.Status.LEFT: "left_date", Staff.Status.RETIRED: "retired_date"}.get(
            status or staff.status
        )
        date = cells.read("status_date", sheet.parse_date, today=self.today)
        if own_column and not date and "status_date" not in cells.failed:
            date = cells.read(own_column, sheet.parse_date, today=self.today)
        if {"status", "status_date", own_column} & cells.failed:
            return
        if new:  # someone arriving in post or seconded starts without a date; a leaver not
            changed = status in (Staff.Status.LEFT, Staff.Status.RETIRED)
        else:
            changed = status is not None and status != staff.status
        if changed and not date:
            column = (
                own_column
                if own_column in self.columns and "status_date" not in self.columns
                else "status_date"
            )
            cells.fail(
                column,
                _(
                    "the status becomes “%(status)s”: give the date of the change in the "
                    "“%(column)s” column."
                )
                % {"status": sheet.STATUS.label(status), "column": cells.headers[column]},
            )
            return
        if date:
            staff.status_date = date
        if status is not None:
            staff.status = status

    def _post(self, cells: _Cells, staff: Staff, *, new: bool) -> PostChange | None:
        category = cells.read("post_category", sheet.POST_CATEGORY.parse)
        post = cells.read("post_grade", sheet.parse_post)
        if {"post_category", "post_grade"} & cells.failed or (category, post) == (None, None):
            return None
        named, grade = post or (None, None)  # 专技12级 names its category
        if named and category and named != category:
            cells.fail(
                "post_grade",
                _("“%(value)s” is a grade of %(named)s posts, not of %(category)s posts.")
                % {
                    "value": sheet.cell_text(cells.row.get("post_grade")),
                    "named": sheet.POST_CATEGORY.label(named),
                    "category": sheet.POST_CATEGORY.label(category),
                },
            )
            return None
        category = category or named or staff.post_category
        grade = grade or staff.post_grade
        if not category:
            cells.fail("post_category", _("give the post category with the post grade."))
            return None
        if grade is None:
            cells.fail("post_grade", _("give the post grade with the post category."))
            return None
        grades = sheet.GRADES[category]
        if grade not in grades:
            cells.fail(
                "post_grade",
                _("%(category)s posts have grades %(min)s to %(max)s.")
                % {
                    "category": sheet.POST_CATEGORY.label(category),
                    "min": grades[0],
                    "max": grades[-1],
                },
            )
            return None
        if (category, grade) == (staff.post_category, staff.post_grade):
            return None
        # A first post starts on the hire date; a change of post starts on the day of import.
        first = new or staff.pk not in self.with_posts
        start = (staff.hire_date or self.today) if first else self.today
        return PostChange(staff, category, grade, start)

    def _title(self, cells: _Cells, staff: Staff) -> TitleChange | None:
        title = cells.text("title", sheet.parse_title)
        level = cells.read("title_level", sheet.parse_title_level)
        obtained = cells.read("title_obtained", sheet.parse_date, today=self.today, months=True)
        if {"title", "title_level"} & cells.failed or (not title and level is None):
            return None
        if level is None and title:
            level = sheet.title_level_of(title)
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
        table = read_xlsx_table(data, columns=sheet.READ_COLUMNS, optional=sheet.OPTIONAL)
    except SpreadsheetError as error:
        raise ImportFailed([FileError(str(error))]) from None
    if not set(sheet.UNIT_KEYS) & set(table.headers):
        message = _(
            "Required columns are missing: %(columns)s. Check the header row of sheet “%(sheet)s”."
        ) % {"columns": "“所在单位”", "sheet": table.title}
        raise ImportFailed([FileError(message)])
    rows, headers = table.rows, sheet.HEADER | table.headers
    importer = _Importer(rows, today=timezone.localdate(), columns=set(table.headers))
    errors: list[CellError] = []
    created: list[Staff] = []
    updated: list[Staff] = []
    posts: list[PostChange] = []
    titles: list[TitleChange] = []
    unchanged = 0
    befores: dict[int, tuple] = {}
    dates: dict[int, tuple] = {}  # the sheet's dates of a change of unit and of education
    for row in rows:
        cells = _Cells(row, headers)
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
            dates[person.pk] = (read.transfer_date, read.education_date)
        else:
            unchanged += 1
    if errors:
        raise ImportFailed(errors)

    insert_new(Staff, created, key="staff_number")
    basis = _("Staff sheet import")
    try:
        dated_today = _record_histories(
            created, updated, befores, dates, today=importer.today, basis=basis
        )
    except ValidationError as error:  # e.g. a status dated before the hire date
        raise ImportFailed([FileError(message) for message in error.messages]) from None
    # Only the columns each row changed, one statement per batch (reporting.bulk).
    update_changed(Staff, [(s, befores[s.pk]) for s in updated], fields=IMPORTED_FIELDS)
    record_post_changes(posts, basis=basis)
    record_title_changes(titles, basis=basis)
    _log(created, updated, user=user)
    ignored = tuple(h for h in table.ignored if h not in sheet.UNNAMED)
    return ImportResult(
        created=len(created),
        updated=len(updated),
        unchanged=unchanged,
        ignored=ignored,
        dated_today=dated_today,
    )


def _record_histories(
    created: list[Staff],
    updated: list[Staff],
    befores: dict,
    dates: dict,
    *,
    today: dt.date,
    basis: str,
) -> int:
    """The unit and education histories and the status dates of the rows written: new
    staff start their histories; a changed unit is a transfer dated by the row's 调动日期
    and a changed education a new record dated by its 学历取得时间 — or, where the sheet
    gives none, the day of the import (never a guessed earlier day, which would rewrite
    past figures); a changed status takes the sheet's date. Returns how many changes
    were dated the day of the import."""
    at = {name: IMPORTED_FIELDS.index(name) for name in IMPORTED_FIELDS}
    education = ("education", "degree", "major", "discipline")
    units, degrees, statuses = [], [], []
    dated_today = 0
    for staff in updated:
        before = befores[staff.pk]
        moved_on, obtained_on = dates.get(staff.pk, (None, None))
        if staff.unit_id != before[at["unit"]]:
            dated_today += moved_on is None
            units.append(UnitChange(staff, staff.unit, moved_on or today, before[at["unit"]]))
        if tuple(getattr(staff, f) for f in education) != tuple(before[at[f]] for f in education):
            dated_today += obtained_on is None
            degrees.append(
                EducationChange(
                    staff,
                    staff.education,
                    staff.degree,
                    staff.major,
                    staff.discipline,
                    obtained_on or today,
                    tuple(before[at[f]] for f in education),
                )
            )
        if staff.status != before[at["status"]]:
            statuses.append(StatusChange(staff, staff.status, staff.status_date))
    start_histories(created, basis=basis)
    record_unit_changes(units, basis=basis)
    record_education_changes(degrees, basis=basis)
    record_status_changes(statuses)
    return dated_today


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
