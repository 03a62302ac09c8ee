"""Admin screen of the yearly continuing-education rules (HR's): one row per year, so a
change for this year leaves past years' compliance as it was. Rows are not deleted:
removing a past year's rule would silently move that year back to the settings'
defaults."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from governance.access.viewsets import ScopedModelViewSet

from .models import ContinuingEducationRule


class ContinuingEducationRuleViewSet(ScopedModelViewSet):
    model = ContinuingEducationRule
    icon = "cog"
    menu_label = _("Continuing-education rules")
    add_to_admin_menu = False  # listed under "Continuing education" (wagtail_hooks)
    disabled_views = ("copy", "delete")
    list_display = [
        "year",
        "total_hours",
        "professional_rule_kind",
        "professional_share",
        "professional_min_hours",
        "joiners_rule",
    ]
    list_filter = ["professional_rule_kind", "joiners_rule"]
    search_fields = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("total_hours")]),
            FieldPanel("professional_rule_kind"),
            FieldRowPanel([FieldPanel("professional_share"), FieldPanel("professional_min_hours")]),
            FieldPanel("joiners_rule"),
        ]
    )


continuing_education_rules = ContinuingEducationRuleViewSet(
    "staffing_cerule", url_prefix="staffing/ce-rules"
)
