"""Assigning plan items in bulk through a spreadsheet: export the tree, fill the columns,
import it back. The import is all-or-nothing and reports every bad cell by row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from reporting.spreadsheets import SpreadsheetError, read_xlsx, write_xlsx

from .models import OrgUnit, Plan, PlanItem

# Column headers are part of the file format (Chinese, like the paper forms); the ID
# column ties a row to its item, so titles may be edited in the file without harm.
COLUMNS = {
    "ID": "id",
    "编号": "number",
    "标题": "title",
    "牵头部门": "lead_unit",
    "配合部门": "partner_units",
    "责任人": "responsible",
    "开始年度": "start_year",
    "结束年度": "end_year",
    "权重": "weight",
}
OPTIONAL = ("编号", "标题", "配合部门", "责任人", "开始年度", "结束年度", "权重")
WEIGHT_FIELD = PlanItem._meta.get_field("weight")
SEPARATORS = re.compile(r"[、,，;；\n]+")


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


class AssignmentImportError(Exception):
    """Nothing was saved; ``errors`` says which cells are wrong."""

    def __init__(self, errors: list[CellError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _unit_label(unit: OrgUnit | None) -> str:
    return f"{unit.code} {unit.name}" if unit else ""


def export_assignment(plan: Plan) -> bytes:
    """The plan's items with their current assignment, ready to be filled in."""
    items = (
        PlanItem.objects.filter(plan=plan)
        .select_related("lead_unit", "responsible")
        .prefetch_related("partner_units")
    )
    rows = [
        [
            item.pk,
            item.number,
            "\u3000" * (item.depth - 1) + item.title,
            _unit_label(item.lead_unit),
            "、".join(_unit_label(u) for u in item.partner_units.all()),
            item.responsible.get_username() if item.responsible else "",
            item.start_year,
            item.end_year,
            item.weight,
        ]
        for item in items
    ]
    return write_xlsx([(_("Assignment"), list(COLUMNS), rows)])


class _Units:
    """Finds a unit by its code (first word of the cell) or by its unique name."""

    def __init__(self):
        units = list(OrgUnit.objects.filter(active=True).only("pk", "code", "name"))
        self.by_code = {u.code.upper(): u for u in units}
        self.by_name: dict[str, list[OrgUnit]] = {}
        for unit in units:
            self.by_name.setdefault(unit.name, []).append(unit)

    def find(self, text: str) -> OrgUnit:
        first = text.split()[0].upper()
        if first in self.by_code:
            return self.by_code[first]
        matches = self.by_name.get(text.strip(), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(
                _("“%(name)s” names %(count)s units: write the unit's code.")
                % {"name": text, "count": len(matches)}
            )
        raise ValueError(_("no active unit has the code or name “%(name)s”.") % {"name": text})


def _year(value, plan: Plan) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValueError(_("“%(value)s” is not a year.") % {"value": value}) from None
    if year not in plan.years:
        raise ValueError(
            _("%(year)s is outside the plan's years %(first)s–%(last)s.")
            % {"year": year, "first": plan.start_year, "last": plan.end_year}
        )
    return year


@transaction.atomic
def import_assignment(plan: Plan, data: bytes, *, user=None) -> int:
    """Apply a filled-in assignment sheet; returns the number of items changed.

    Every row is checked before anything is written; one bad cell and nothing is saved.
    """
    try:
        rows = read_xlsx(data, columns=COLUMNS, optional=OPTIONAL)
    except SpreadsheetError as error:
        raise AssignmentImportError([CellError(1, "—", str(error))]) from None
    items = {i.pk: i for i in PlanItem.objects.filter(plan=plan).select_for_update()}
    units = _Units()
    users = {u.get_username(): u for u in get_user_model().objects.filter(is_active=True)}
    errors: list[CellError] = []
    changes: list[tuple[PlanItem, list[OrgUnit] | None]] = []
    seen: set[int] = set()
    for row in rows:
        number = row["_row"]

        def fail(column: str, message: str, number=number) -> None:
            errors.append(CellError(number, column, message))

        try:
            item = items[int(row["id"])]
        except (TypeError, ValueError, KeyError):
            fail("ID", _("no item of this plan has the ID “%(id)s”.") % {"id": row["id"]})
            continue
        if item.pk in seen:
            fail("ID", _("the item appears twice in the sheet."))
            continue
        seen.add(item.pk)
        lead = None
        if row["lead_unit"]:
            try:
                lead = units.find(str(row["lead_unit"]))
            except ValueError as error:
                fail("牵头部门", str(error))
        partners = []
        if row.get("partner_units") is not None:
            for part in SEPARATORS.split(str(row["partner_units"])):
                if part.strip():
                    try:
                        partners.append(units.find(part.strip()))
                    except ValueError as error:
                        fail("配合部门", str(error))
        responsible = None
        if row.get("responsible"):
            responsible = users.get(str(row["responsible"]).strip())
            if responsible is None:
                fail(
                    "责任人",
                    _("no active user is called “%(name)s”.") % {"name": row["responsible"]},
                )
        years = {}
        for key, column in (("start_year", "开始年度"), ("end_year", "结束年度")):
            try:
                years[key] = _year(row.get(key), plan)
            except ValueError as error:
                fail(column, str(error))
        if years.get("start_year") and years.get("end_year"):
            if years["end_year"] < years["start_year"]:
                fail("结束年度", _("the end year comes before the start year."))
        weight = item.weight
        if row.get("weight") not in (None, ""):
            try:
                weight = WEIGHT_FIELD.clean(Decimal(str(row["weight"])), item)
            except (InvalidOperation, ValidationError):
                fail(
                    "权重",
                    _("the weight must be a number from 0 to 99999.99 with two decimals."),
                )
        # A column left out of the sheet keeps the current value; an empty cell clears it.
        absent = row.get("_absent", frozenset())
        item.lead_unit = lead
        if "responsible" not in absent:
            item.responsible = responsible
        for key in ("start_year", "end_year"):
            if key not in absent:
                setattr(item, key, years.get(key))
        item.weight = weight
        changes.append((item, None if "partner_units" in absent else partners))
    if errors:
        raise AssignmentImportError(errors)
    PlanItem.objects.bulk_update(
        [item for item, _p in changes],
        ["lead_unit", "responsible", "start_year", "end_year", "weight"],
        batch_size=500,
    )
    through = PlanItem.partner_units.through
    replaced = [item.pk for item, partners in changes if partners is not None]
    through.objects.filter(planitem_id__in=replaced).delete()
    through.objects.bulk_create(
        [
            through(planitem_id=item.pk, orgunit_id=unit.pk)
            for item, partners in changes
            if partners
            for unit in {u.pk: u for u in partners}.values()
        ]
    )
    log(instance=plan, action="shuxiang.plan.assign", user=user, data={"rows": len(changes)})
    from .plan_services import rollup_progress

    rollup_progress(plan, as_of=timezone.localdate(), save=True)  # weights may have changed
    return len(changes)
