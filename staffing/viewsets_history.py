"""Admin screens of the unit and education histories, for HR to correct a row (a
transfer's date, a degree's date). Moving someone or recording a new degree is done with
the services (``transfer_staff``, ``record_education``) from the staff page; saving a
row here keeps the staff record's current unit and education in step with its history."""

from django.utils.translation import gettext_lazy as _

from governance.access.viewsets import ScopedCreateView, ScopedEditView, ScopedModelViewSet

from .models import EducationRecord, UnitAssignment
from .services import close_other_assignments, ensure_histories, refresh_current


class CurrentValuesFormMixin:
    def save_instance(self):
        # Someone without a history yet keeps what they held before this row.
        ensure_histories([self.form.cleaned_data["staff"]])
        instance = super().save_instance()
        if isinstance(instance, UnitAssignment):
            close_other_assignments(instance)
        refresh_current([instance.staff_id])
        return instance


class HistoryRowCreateView(CurrentValuesFormMixin, ScopedCreateView):
    pass


class HistoryRowEditView(CurrentValuesFormMixin, ScopedEditView):
    pass


class UnitAssignmentViewSet(ScopedModelViewSet):
    model = UnitAssignment
    add_view_class = HistoryRowCreateView
    edit_view_class = HistoryRowEditView
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
    add_view_class = HistoryRowCreateView
    edit_view_class = HistoryRowEditView
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
