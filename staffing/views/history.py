"""Admin screens of the histories and the yearly rules: the unit and education history
rows, for HR to correct one (a transfer's date, a degree's date), and the yearly
continuing-education rules (HR's). Moving someone or recording a new degree is done with
the services (``transfer_staff``, ``record_education``) from the staff page; saving a
history row here keeps the staff record's current unit and education in step with its
history. Rules are not deleted: removing a past year's rule would silently move that
year back to the settings' defaults; one row per year keeps a change for this year from
rewriting past years' compliance.

(Viewsets, kept out of ``staffing/viewsets.py`` while another package reworks it; they
can move there.)
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList

from governance.access.viewsets import ScopedModelViewSet

from ..models import ContinuingEducationRule, EducationRecord, UnitAssignment
from ..viewsets import HistoryCreateView, HistoryEditView


class UnitAssignmentViewSet(ScopedModelViewSet):
    model = UnitAssignment
    add_view_class = HistoryCreateView
    edit_view_class = HistoryEditView
    icon = "arrow-right"
    menu_label = _("unit history")
    add_to_admin_menu = False
    list_select_related = ("staff", "staff__unit", "unit")
    disabled_views = ("copy",)
    list_display = ["staff", "unit", "start", "end", "basis"]
    list_filter = ["unit"]
    search_fields = ["staff__name", "staff__staff_number"]
    form_fields = ["staff", "unit", "start", "end", "basis"]


class EducationRecordViewSet(ScopedModelViewSet):
    model = EducationRecord
    add_view_class = HistoryCreateView
    edit_view_class = HistoryEditView
    icon = "pick"
    menu_label = _("education history")
    add_to_admin_menu = False
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy",)
    list_display = ["staff", "level", "degree", "major", "obtained"]
    list_filter = ["level"]
    search_fields = ["staff__name", "staff__staff_number", "major"]
    form_fields = ["staff", "level", "degree", "major", "discipline", "obtained", "basis"]


unit_history = UnitAssignmentViewSet("staffing_unitassignment", url_prefix="staffing/unit-history")
education_history = EducationRecordViewSet(
    "staffing_educationrecord", url_prefix="staffing/education-history"
)


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
    "staffing_continuingeducationrule", url_prefix="staffing/ce-rules"
)
