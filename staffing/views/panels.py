"""Home-page panels of staffing (registered in wagtail_hooks.py): HR's day and a
person's own continuing-education hours. Each reads through `staffing.selectors.home`."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from governance.access import may_everywhere

from ..models import Staff
from ..selectors import home


class HrPanel(Component):
    """Staff short of hours, certificates about to expire, the last staff import."""

    name = "hr_todo"
    order = 25
    template_name = "staffing/panels/hr.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        data = home.hr_home(self.user, today=today)
        return {
            "panel_id": self.name,
            "title": _("Staff: waiting for you"),
            "home": data,
            "compliance_url": reverse("staffing_compliance") + f"?year={data.year}&short=1",
            "certificates_url": reverse("staffing_certificate:index"),
            "import_url": reverse("staffing_import"),
        }


class MyHoursPanel(Component):
    """The user's own continuing-education hours this year against the requirement."""

    name = "my_hours"
    order = 35
    template_name = "staffing/panels/my_hours.html"

    def __init__(self, user, hours):
        self.user, self.hours = user, hours

    def get_context_data(self, parent_context=None):
        return {
            "panel_id": self.name,
            "title": _("My continuing education"),
            "hours": self.hours,
            "training_url": reverse("staffing_my_training") + f"?year={self.hours.year}",
        }


def panels_for(user) -> list[Component]:
    found: list[Component] = []
    if may_everywhere(user, Staff, "add"):
        found.append(HrPanel(user))
    hours = home.own_hours(user, year=timezone.localdate().year)
    if hours is not None:
        found.append(MyHoursPanel(user, hours))
    return found
