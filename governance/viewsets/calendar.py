"""The working-day calendar's corrections (HR, the planning office), in Settings: a day
the holiday package does not know yet, or a local holiday."""

from django.utils.translation import gettext_lazy as _

from governance.access.viewsets import ScopedModelViewSet
from governance.models import WorkdayOverride


class WorkdayOverrideViewSet(ScopedModelViewSet):
    model = WorkdayOverride
    icon = "date"
    menu_label = _("Working-day corrections")
    add_to_settings_menu = True
    disabled_views = ("copy",)
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    form_fields = ["date", "is_workday", "note"]


workday_overrides = WorkdayOverrideViewSet("governance_workdayoverride", url_prefix="working-days")
