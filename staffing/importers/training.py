"""The training office's registers as files (.xlsx or .csv): the training programs
(培训项目), who took part in them (参训记录) and training taken elsewhere (外出培训).

Each import is all-or-nothing with every bad cell reported by row and column, and each
can be run again with a corrected or longer file: programs are matched by name, an
enrolment by program and staff member, training elsewhere by staff member, name and date.
The words of the cells (类别, 科目类型, 培训方式, 是否参训) are part of the format, like
the headers: Chinese data, the same whatever the user's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.bulk import snapshot, update_changed
from reporting.imports import CellError, ImportFailed, RowCells, log_each

from ..models import Enrolment, ExternalTraining, SubjectType, TrainingProgram
from . import sheet
from .records import RecordsResult, StaffLookup, headers, plain_text, read_rows, text_parser

IMPORT_ACTION = "shuxiang.training.import"
# The columns a re-import may change on a stored row (written only where they differ).
PROGRAM_FIELDS = ("kind", "organiser", "start", "end", "hours", "subject_type", "mode", "capacity")
ENROLMENT_FIELDS = ("attended", "hours")
EXTERNAL_FIELDS = ("organiser", "hours", "subject_type")

PROGRAM_COLUMNS = {
    "项目名称": "name",
    "类别": "kind",
    "主办单位": "organiser",
    "开始日期": "start",
    "结束日期": "end",
    "学时": "hours",
    "科目类型": "subject_type",
    "培训方式": "mode",
    "名额": "capacity",
}
PROGRAM_OPTIONAL = ("主办单位", "培训方式", "名额")
ENROLMENT_COLUMNS = {
    "项目名称": "program",
    "工号": "staff_number",
    "姓名": "name",
    "是否参训": "attended",
    "认定学时": "hours",
}
ENROLMENT_OPTIONAL = ("姓名", "认定学时")
EXTERNAL_COLUMNS = {
    "工号": "staff_number",
    "姓名": "name",
    "培训名称": "training",
    "主办单位": "organiser",
    "培训日期": "date",
    "学时": "hours",
    "科目类型": "subject_type",
}
EXTERNAL_OPTIONAL = ("姓名", "主办单位")

Kind, Mode = TrainingProgram.Kind, TrainingProgram.Mode
KIND = sheet.Terms(
    {
        Kind.SENIOR_TALENT: ("高级人才培训", "高层次人才培训"),
        Kind.ROUTINE: ("常态化业务培训", "业务培训"),
        Kind.INDUCTION: ("新职工入职培训", "入职培训", "岗前培训"),
        Kind.CONTINUING: ("继续教育",),
        Kind.EXCHANGE: ("学术交流",),
    }
)
SUBJECT_TYPE = sheet.Terms(
    {
        SubjectType.PROFESSIONAL: ("专业科目", "专业"),
        SubjectType.GENERAL: ("公需科目", "公需"),
    }
)
MODE = sheet.Terms({Mode.ONSITE: ("线下", "面授", "现场"), Mode.ONLINE: ("线上", "网络")})
ATTENDED = sheet.Terms({True: ("是", "已参训", "参加", "√"), False: ("否", "未参训", "缺席", "×")})


def parse_hours(raw) -> Decimal | None:
    """Hours with at most one decimal (16, 7.5), not negative."""
    text = sheet.cell_text(raw)
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number of hours.") % {"value": text}) from None
    if not hours.is_finite() or hours < 0 or hours != hours.quantize(Decimal("0.1")):
        raise ValueError(_("hours are a number from 0 with at most one decimal."))
    if hours >= 100_000:
        raise ValueError(_("hours are a number from 0 with at most one decimal."))
    return hours


def parse_capacity(raw) -> int | None:
    text = sheet.cell_text(raw)
    if not text:
        return None
    if not text.isdigit() or int(text) == 0:
        raise ValueError(_("the number of places is a whole number above 0."))
    return int(text)


# -- programs ------------------------------------------------------------------------------


@transaction.atomic
def import_programs(filename: str, data: bytes, *, user=None) -> RecordsResult:
    """Add or update the training programs in the sheet, matched by name."""
    rows = read_rows(filename, data, PROGRAM_COLUMNS, PROGRAM_OPTIONAL)
    names = headers(PROGRAM_COLUMNS)
    wanted = {plain_text(r["name"]) for r in rows}
    existing: dict[str, list[TrainingProgram]] = {}
    for program in TrainingProgram.objects.filter(name__in=wanted):
        existing.setdefault(program.name, []).append(program)
    errors: list[CellError] = []
    seen: dict[str, int] = {}
    changed: list[TrainingProgram] = []
    stored: list[tuple[TrainingProgram, tuple]] = []  # (program, its fields as read)
    for row in rows:
        cells = RowCells(row, names)
        name = cells.read("name", text_parser(TrainingProgram, "name"), required=True)
        if name in seen:
            cells.fail("name", _("the same program is also in row %(row)s.") % {"row": seen[name]})
        elif len(existing.get(name, ())) > 1:
            cells.fail("name", _("several programs already have this name."))
        values = {
            "kind": cells.read("kind", KIND.parse, required=True),
            "organiser": cells.read("organiser", text_parser(TrainingProgram, "organiser")) or "",
            # Programs are planned ahead: their dates may be in the future.
            "start": cells.read("start", sheet.parse_date, required=True, today=dt.date.max),
            "end": cells.read("end", sheet.parse_date, required=True, today=dt.date.max),
            "hours": cells.read("hours", parse_hours, required=True),
            "subject_type": cells.read("subject_type", SUBJECT_TYPE.parse, required=True),
            "mode": cells.read("mode", MODE.parse) or Mode.ONSITE,
            "capacity": cells.read("capacity", parse_capacity),
        }
        if values["start"] and values["end"] and values["end"] < values["start"]:
            cells.fail("end", _("the program ends before it starts."))
        if cells.errors:
            errors += cells.errors
            continue
        seen[name] = cells.number
        program = existing[name][0] if name in existing else TrainingProgram(name=name)
        if program.pk:
            stored.append((program, snapshot(program, PROGRAM_FIELDS)))
        for field, value in values.items():
            setattr(program, field, value)
        changed.append(program)
    if errors:
        raise ImportFailed(errors)

    update_changed(TrainingProgram, stored, fields=PROGRAM_FIELDS)
    created = TrainingProgram.objects.bulk_create([p for p in changed if p.pk is None])
    if any(p.pk is None for p in created):  # backends that return no ids from bulk inserts
        pks = dict(
            TrainingProgram.objects.filter(name__in=[p.name for p in created]).values_list(
                "name", "pk"
            )
        )
        for program in created:
            program.pk = pks[program.name]
    log_each(changed, action=IMPORT_ACTION, user=user, data={"rows": len(changed)})
    return RecordsResult(staff=0, rows=len(changed))


# -- enrolments ----------------------------------------------------------------------------


@transaction.atomic
def import_enrolments(filename: str, data: bytes, *, user=None) -> RecordsResult:
    """Add or update who took part in which program, and the hours credited when they
    differ from the program's (someone who left half way)."""
    rows = read_rows(filename, data, ENROLMENT_COLUMNS, ENROLMENT_OPTIONAL)
    names = headers(ENROLMENT_COLUMNS)
    staff = StaffLookup(rows)
    wanted = {plain_text(r["program"]) for r in rows}
    programs: dict[str, list[TrainingProgram]] = {}
    for program in TrainingProgram.objects.filter(name__in=wanted):
        programs.setdefault(program.name, []).append(program)
    existing = {
        (e.program_id, e.staff_id): e
        for e in Enrolment.objects.filter(
            program__name__in=wanted, staff__in=list(staff.by_number.values())
        )
    }
    today = timezone.localdate()
    errors: list[CellError] = []
    seen: dict[tuple[int, int], int] = {}
    changed: list[Enrolment] = []
    stored: list[tuple[Enrolment, tuple]] = []  # (enrolment, its fields as read)
    for row in rows:
        cells = RowCells(row, names)
        program = _program(cells, programs)
        person = staff.read(cells)
        attended = cells.read("attended", ATTENDED.parse, required=True)
        hours = cells.read("hours", parse_hours)
        if program and attended and program.start > today:
            cells.fail("attended", _("the program has not started yet."))
        if hours is not None and attended is False:
            cells.fail("hours", _("hours are credited only to those who attended."))
        if program and hours is not None and hours > program.hours:
            cells.fail(
                "hours",
                _("more than the program's %(hours)s hours.") % {"hours": program.hours},
            )
        if cells.errors:
            errors += cells.errors
            continue
        key = (program.pk, person.pk)
        if key in seen:
            cells.fail(
                "staff_number",
                _("the same person and program are also in row %(row)s.") % {"row": seen[key]},
            )
            errors += cells.errors
            continue
        seen[key] = cells.number
        enrolment = existing.get(key) or Enrolment(program=program, staff=person)
        if enrolment.pk:
            stored.append((enrolment, snapshot(enrolment, ENROLMENT_FIELDS)))
        enrolment.attended, enrolment.hours = attended, hours
        changed.append(enrolment)
    if errors:
        raise ImportFailed(errors)

    update_changed(Enrolment, stored, fields=ENROLMENT_FIELDS)
    Enrolment.objects.bulk_create([e for e in changed if e.pk is None], batch_size=500)
    by_pk = {p.pk: p for found in programs.values() for p in found}
    touched = {by_pk[e.program_id] for e in changed}
    log_each(touched, action=IMPORT_ACTION, user=user, data={"rows": len(changed)})
    return RecordsResult(staff=len({e.staff_id for e in changed}), rows=len(changed))


def _program(cells: RowCells, programs: dict[str, list[TrainingProgram]]):
    name = cells.read("program", plain_text, required=True)
    if not name:
        return None
    found = programs.get(name, [])
    if len(found) == 1:
        return found[0]
    if found:
        cells.fail("program", _("several programs have this name."))
    else:
        cells.fail("program", _("no training program is called “%(name)s”.") % {"name": name})
    return None


# -- training elsewhere --------------------------------------------------------------------


@transaction.atomic
def import_external_training(filename: str, data: bytes, *, user=None) -> RecordsResult:
    """Add or update training taken elsewhere, credited with its hours."""
    rows = read_rows(filename, data, EXTERNAL_COLUMNS, EXTERNAL_OPTIONAL)
    names = headers(EXTERNAL_COLUMNS)
    staff = StaffLookup(rows)
    existing = {
        (t.staff_id, t.name, t.date): t
        for t in ExternalTraining.objects.filter(staff__in=list(staff.by_number.values()))
    }
    today = timezone.localdate()
    errors: list[CellError] = []
    seen: dict[tuple, int] = {}
    changed: list[ExternalTraining] = []
    stored: list[tuple[ExternalTraining, tuple]] = []  # (training, its fields as read)
    for row in rows:
        cells = RowCells(row, names)
        person = staff.read(cells)
        name = cells.read("training", text_parser(ExternalTraining, "name"), required=True)
        organiser = cells.read("organiser", text_parser(ExternalTraining, "organiser")) or ""
        date = cells.read("date", sheet.parse_date, required=True, today=today)
        hours = cells.read("hours", parse_hours, required=True)
        subject_type = cells.read("subject_type", SUBJECT_TYPE.parse, required=True)
        if cells.errors:
            errors += cells.errors
            continue
        key = (person.pk, name, date)
        if key in seen:
            cells.fail(
                "training",
                _("the same training on the same day is also in row %(row)s.") % {"row": seen[key]},
            )
            errors += cells.errors
            continue
        seen[key] = cells.number
        training = existing.get(key) or ExternalTraining(staff=person, name=name, date=date)
        if training.pk:
            stored.append((training, snapshot(training, EXTERNAL_FIELDS)))
        training.organiser, training.hours = organiser, hours
        training.subject_type = subject_type
        changed.append(training)
    if errors:
        raise ImportFailed(errors)

    update_changed(ExternalTraining, stored, fields=EXTERNAL_FIELDS)
    ExternalTraining.objects.bulk_create([t for t in changed if t.pk is None], batch_size=500)
    by_pk = {s.pk: s for s in staff.by_number.values()}
    people = {by_pk[t.staff_id] for t in changed}
    log_each(people, action=IMPORT_ACTION, user=user, data={"rows": len(changed)})
    return RecordsResult(staff=len(people), rows=len(changed))
