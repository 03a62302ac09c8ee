"""Assigning plan items in bulk through a spreadsheet (exported by `documents`): the
import is all-or-nothing and reports every bad cell by row and column."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.importers.units import UnitLookup
from governance.models import OrgUnit, Plan, PlanItem
from governance.services.plan import refresh_progress
from reporting.imports import CellError, ImportFailed
from reporting.spreadsheets import SpreadsheetError, read_xlsx

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
        raise ImportFailed([CellError(1, "—", str(error))]) from None
    items = {i.pk: i for i in PlanItem.objects.filter(plan=plan).select_for_update()}
    units = UnitLookup()
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
        raise ImportFailed(errors)
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
    refresh_progress(plan)  # weights and lead units may have changed
    return len(changes)
