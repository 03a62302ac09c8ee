"""Finding the unit a cell of an uploaded sheet names: its code, its label ("临川区图书馆 ·
借阅部") or its unique name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from governance.models import OrgUnit


class UnitLookup:
    """Finds a unit by its code (first word of the cell), its label with the library or
    its unique name."""

    def __init__(self):
        units = list(OrgUnit.objects.filter(active=True).only("pk", "code", "name", "label"))
        self.by_code = {u.code.upper(): u for u in units}
        self.by_name: dict[str, list[OrgUnit]] = {}
        for unit in units:
            self.by_name.setdefault(unit.name, []).append(unit)
            if unit.label and unit.label != unit.name:
                self.by_name.setdefault(unit.label, []).append(unit)

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
