"""Finding the plan item a cell of an uploaded sheet names: its title or its full number."""

from __future__ import annotations

from django.utils.translation import gettext as _

from governance.models import Plan, PlanItem


class ItemLookup:
    """Finds an item of ``plan`` by its exact title, by its full number from the top of
    the outline as written in the document (四、一、（二）（3）), or by the unique title
    that starts with the text (a title cut short in the sheet). One query."""

    def __init__(self, plan: Plan):
        items = list(PlanItem.objects.filter(plan=plan).only("pk", "path", "number", "title"))
        numbers: dict[str, str] = {}
        self.by_title: dict[str, list[PlanItem]] = {}
        self.by_number: dict[str, list[PlanItem]] = {}
        for item in items:  # path order: parents first
            numbers[item.path] = numbers.get(item.path[: -PlanItem.steplen], "") + item.number
            self.by_title.setdefault(item.title, []).append(item)
            if item.number:
                self.by_number.setdefault(numbers[item.path], []).append(item)
        self.items = items

    def find(self, text: str) -> PlanItem:
        text = text.strip()
        for index in (self.by_title, self.by_number):
            matches = index.get(text, [])
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise ValueError(
                    _("“%(text)s” names %(count)s items: write another item's title or number.")
                    % {"text": text, "count": len(matches)}
                )
        starting = [i for i in self.items if text and i.title.startswith(text)]
        if len(starting) == 1:
            return starting[0]
        if starting:
            raise ValueError(
                _("%(count)s items have a title starting with “%(text)s”: write it in full.")
                % {"text": text, "count": len(starting)}
            )
        raise ValueError(
            _("no item of the plan has the title or number “%(text)s”.") % {"text": text}
        )
