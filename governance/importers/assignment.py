"""Assigning plan items in bulk through a spreadsheet (exported by `documents`): the
sheet is read and checked first (`read_assignment`, every bad cell by row and column,
nothing written), the changes previewed, then applied all-or-nothing
(`apply_assignment`). Units are matched by code or by unique name, people by
"name（工号）" as the sheet's drop-down offers, by 工号, login name or unique name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.importers.units import UnitLookup
from governance.models import OrgUnit, Plan, PlanItem
from governance.people import people, person_record_related
from governance.services.plan import grant_reporting, refresh_progress
from reporting.bulk import snapshot, update_changed
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
LABEL = re.compile(r"^(?P<name>.*?)[（(](?P<key>[^（()）]+)[)）]$")
# The item's own columns the sheet sets (the partner units are a link table).
ASSIGNED_FIELDS = ("lead_unit", "responsible", "start_year", "end_year", "weight")


class PeopleLookup:
    """Finds the user a 责任人 cell names."""

    def __init__(self):
        User = get_user_model()  # noqa: N806
        self.users = {
            u.pk: u
            for u in User.objects.filter(is_active=True).select_related(*person_record_related())
        }
        self.by_key: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for person in people(self.users.values()):
            self.by_key[person.username.lower()] = person.user_id
            if person.staff_number:
                self.by_key.setdefault(person.staff_number.lower(), person.user_id)
            self.by_name.setdefault(person.name, []).append(person.user_id)

    def find(self, text: str):
        text = text.strip()
        match = LABEL.match(text)
        key = (match.group("key") if match else text).strip().lower()
        if key in self.by_key:
            return self.users[self.by_key[key]]
        name = match.group("name").strip() if match else text
        found = self.by_name.get(name, [])
        if len(found) == 1:
            return self.users[found[0]]
        if found:
            raise ValueError(
                _("“%(name)s” names %(count)s people: choose from the list or write the 工号.")
                % {"name": text, "count": len(found)}
            )
        raise ValueError(_("no active user is called “%(name)s”.") % {"name": text})


@dataclass
class Change:
    """One item's assignment as it is and as the sheet would make it."""

    item: PlanItem
    old: dict
    new: dict
    partners: list[OrgUnit] | None  # None: the column is not in the sheet (kept)
    changed: list[str] = field(default_factory=list)  # keys whose value changes
    # ASSIGNED_FIELDS as read (reporting.bulk.snapshot); None: write them all.
    before: tuple | None = None

    @property
    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(column, old, new, changed) for the preview, as the sheet names the columns."""
        return [
            (HEADERS[key], _shown(self.old[key]), _shown(self.new[key]), key in self.changed)
            for key in self.old
        ]


HEADERS = {key: header for header, key in COLUMNS.items()}


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if hasattr(value, "get_username"):
        return value.get_full_name() or value.get_username()
    return str(value)


def _snapshot(item: PlanItem, partners: list[OrgUnit]) -> dict:
    return {
        "lead_unit": item.lead_unit,
        "partner_units": partners,
        "responsible": item.responsible,
        "start_year": item.start_year,
        "end_year": item.end_year,
        "weight": item.weight,
    }


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


def read_assignment(plan: Plan, data: bytes) -> list[Change]:
    """Read and check a filled-in assignment sheet; returns every row's change (nothing
    is written). Raises `ImportFailed` listing every bad cell."""
    try:
        rows = read_xlsx(data, columns=COLUMNS, optional=OPTIONAL)
    except SpreadsheetError as error:
        raise ImportFailed([CellError(1, "—", str(error))]) from None
    items = {
        i.pk: i
        for i in PlanItem.objects.filter(plan=plan)
        .select_related("lead_unit", "responsible")
        .prefetch_related("partner_units")
    }
    units = UnitLookup()
    persons = PeopleLookup()
    errors: list[CellError] = []
    changes: list[Change] = []
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
        old = _snapshot(item, sorted(item.partner_units.all(), key=lambda u: u.path))
        before = snapshot(item, ASSIGNED_FIELDS)
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
            try:
                responsible = persons.find(str(row["responsible"]))
            except ValueError as error:
                fail("责任人", str(error))
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
        kept_partners = (
            None if "partner_units" in absent else list({u.pk: u for u in partners}.values())
        )
        new = _snapshot(item, old["partner_units"] if kept_partners is None else kept_partners)
        change = Change(item=item, old=old, new=new, partners=kept_partners, before=before)
        change.changed = [
            key
            for key in old
            if (
                {u.pk for u in old[key]} != {u.pk for u in new[key]}
                if key == "partner_units"
                else old[key] != new[key]
            )
        ]
        changes.append(change)
    if errors:
        raise ImportFailed(errors)
    return changes


@transaction.atomic
def apply_assignment(plan: Plan, changes: list[Change], *, user=None) -> int:
    """Save the checked changes (one audit entry for the plan); returns the rows applied.
    Responsible persons get (and former ones lose) the right to report on their items."""
    # Only the columns each row changed, one statement per batch (reporting.bulk).
    update_changed(PlanItem, [(c.item, c.before) for c in changes], fields=ASSIGNED_FIELDS)
    through = PlanItem.partner_units.through
    replaced = [c.item.pk for c in changes if c.partners is not None]
    through.objects.filter(planitem_id__in=replaced).delete()
    through.objects.bulk_create(
        [
            through(planitem_id=c.item.pk, orgunit_id=unit.pk)
            for c in changes
            if c.partners
            for unit in c.partners
        ]
    )
    grant_reporting([c.item for c in changes])
    log(
        instance=plan,
        action="shuxiang.plan.assign",
        user=user,
        data={"rows": len(changes), "changed": sum(1 for c in changes if c.changed)},
    )
    refresh_progress(plan)  # weights and lead units may have changed
    return len(changes)


def import_assignment(plan: Plan, data: bytes, *, user=None) -> int:
    """Read, check and apply a filled-in assignment sheet in one go; one bad cell and
    nothing is saved. Returns the number of rows applied."""
    return apply_assignment(plan, read_assignment(plan, data), user=user)
