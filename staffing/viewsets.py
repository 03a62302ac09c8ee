"""Admin screens of staffing: staff records (ID numbers and birth dates only for HR),
their post and title histories, training programs, training records (certificate scans
in private storage), post qualifications."""

from pathlib import PurePath

import django_filters
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from governance.access import may, may_everywhere
from governance.access.viewsets import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
)
from reporting.widgets import PrivateFileInput

from .forms import HISTORY_FIELDS, StaffForm
from .models import (
    Certificate,
    EducationRecord,
    Enrolment,
    ExternalTraining,
    Investigation,
    LeaveRecord,
    PostAppointment,
    Staff,
    StructureTarget,
    TitleRecord,
    TrainingProgram,
    UnitAssignment,
)
from .services import (
    change_status,
    close_other_appointments,
    close_other_assignments,
    ensure_histories,
    record_education,
    refresh_current,
    start_histories,
    transfer_staff,
)
from .views.attendance import attendees, program_attendance
from .views.certificates import may_download_certificates
from .views.staff_page import staff_page

GONE = (Staff.Status.LEFT, Staff.Status.RETIRED)
LEAVERS_INCLUDE, LEAVERS_ONLY = "include", "only"

PERSONAL = ("id_number", "birth_date", "phone", "email")


def sees_personal(user) -> bool:
    """ID numbers, birth dates, phones and e-mail addresses: HR (and superusers) only."""
    return may_everywhere(user, Staff, "view_personal")


class StaffFilterSet(WagtailFilterSet):
    """The listing's filters; leavers (离职/退休) are hidden unless asked for (or a status
    is chosen), see `StaffIndexView.filter_queryset`."""

    leavers = django_filters.ChoiceFilter(
        label=_("Left or retired"),
        choices=[(LEAVERS_INCLUDE, _("Include them")), (LEAVERS_ONLY, _("Only them"))],
        empty_label=_("Hidden (in post only)"),
        method="keep",
    )

    class Meta:
        model = Staff
        fields = [
            "unit",
            "status",
            "employment_type",
            "post_category",
            "title_level",
            "education",
        ]

    def keep(self, queryset, name, value):
        return queryset  # applied by the view, which also knows the default


class DashColumn(Column):
    """A listing cell that shows "—" when there is nothing to show."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return "—" if value in (None, "") else value


class StaffIndexView(ScopedIndexView):
    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:  # plain fields: an empty title or post shows "—"
            column_class = DashColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not sees_personal(request.user):
            self.list_export = [f for f in self.list_export if f not in PERSONAL]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        leavers = self.request.GET.get("leavers")
        if leavers == LEAVERS_ONLY:
            return queryset.filter(status__in=GONE)
        if leavers == LEAVERS_INCLUDE or self.request.GET.getlist("status"):
            return queryset
        return queryset.exclude(status__in=GONE)


class CleanInspectView(ScopedInspectView):
    """Empty values shown as "—" and booleans as 是/否, never blank, None or True."""

    def get_context_for_field(self, field_name):
        context = super().get_context_for_field(field_name)
        value = context["value"]
        if isinstance(value, bool):
            context["value"] = _("Yes") if value else _("No")
        elif value in (None, "", "-"):
            context["value"] = "—"
        return context


class StaffInspectView(CleanInspectView):
    """One staff page: the record, posts, titles, education and unit history, training
    hours by year and certificates; personal data only for HR."""

    template_name = "staffing/staff/inspect.html"

    def get_fields(self):
        fields = list(super().get_fields())
        if not sees_personal(self.request.user):
            fields = [f for f in fields if f not in (*PERSONAL, "masked_id_number")]
        return fields

    def get_unit_display_value(self):
        return str(self.object.unit)  # with its library

    def get_field_label(self, field_name, field):
        if field_name == "masked_id_number":
            return capfirst(Staff._meta.get_field("id_number").verbose_name)
        return super().get_field_label(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(staff_page(self.object, self.request.user, self.related))
        return context


class StaffServiceFormMixin:
    """A service refusing the change (a transfer dated before the hire date, say) shows
    its message on the form; nothing is saved."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = " ".join(error.messages)
            return self.form_invalid(form)


class StaffCreateView(StaffServiceFormMixin, ScopedCreateView):
    def save_instance(self):
        instance = super().save_instance()
        start_histories([instance])  # the unit and education histories start here
        return instance


class StaffEditView(StaffServiceFormMixin, ScopedEditView):
    """Unit, education and status change through the services, with their dates, so
    the histories follow; the rest of the row is saved as edited."""

    def save_instance(self):
        form = self.form
        history = form.changed_history_fields()
        status_changed = "status" in form.changed_data
        if not history and not status_changed:
            return super().save_instance()
        staff = self.object
        wanted = {name: getattr(staff, name) for name in (*HISTORY_FIELDS, "status")}
        stored = Staff.objects.get(pk=staff.pk)
        for name in wanted:  # left as stored: the services below change them
            setattr(staff, name, getattr(stored, name))
        if status_changed:
            staff.status_date = stored.status_date
        instance = super().save_instance()
        user, date = self.request.user, form.cleaned_data["changed_on"]
        if "unit" in history:
            transfer_staff(instance, unit=wanted["unit"], date=date, user=user)
        if set(history) - {"unit"}:
            record_education(
                instance,
                level=wanted["education"],
                obtained=date,
                degree=wanted["degree"],
                major=wanted["major"],
                discipline=wanted["discipline"],
                user=user,
            )
        if status_changed:
            change_status(
                instance, status=wanted["status"], date=form.cleaned_data["status_date"], user=user
            )
        return instance


class StaffViewSet(ScopedModelViewSet):
    model = Staff
    icon = "user"
    menu_label = _("Staff")
    index_view_class = StaffIndexView
    list_select_related = ("unit",)
    inspect_view_class = StaffInspectView
    disabled_views = ("delete", "copy")  # nothing is deleted: leaving is a status
    list_display = [
        "staff_number",
        TitleColumn("name", label=_("full name"), url_name="staffing_staff:inspect"),
        "unit",
        "title",
        "post_category",
        "post_grade",
        "employment_type",
        "status",
    ]
    filterset_class = StaffFilterSet
    list_filter = StaffFilterSet.Meta.fields  # what the filterset builds on (for the probes)
    search_fields = ["name", "staff_number"]
    list_per_page = 50
    list_export = [
        "staff_number",
        "name",
        "gender",
        "id_number",
        "birth_date",
        "unit",
        "employment_type",
        "post_category",
        "post_grade",
        "title",
        "education",
        "degree",
        "major",
        "hire_date",
        "status",
    ]
    export_filename = "staff"
    inspect_view_fields = [
        "staff_number",
        "name",
        "gender",
        "masked_id_number",
        "birth_date",
        "phone",
        "email",
        "unit",
        "employment_type",
        "post_category",
        "post_grade",
        "title",
        "education",
        "degree",
        "major",
        "discipline",
        "hire_date",
        "status",
        "status_date",
    ]
    add_view_class = StaffCreateView
    edit_view_class = StaffEditView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("staff_number"), FieldPanel("name"), FieldPanel("gender")]),
            FieldRowPanel([FieldPanel("id_number"), FieldPanel("birth_date")]),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("email"), FieldPanel("user")]),
            FieldRowPanel([FieldPanel("unit"), FieldPanel("employment_type")]),
            FieldRowPanel([FieldPanel("education"), FieldPanel("degree")]),
            FieldRowPanel([FieldPanel("major"), FieldPanel("discipline")]),
            FieldPanel("changed_on"),
            FieldRowPanel(
                [FieldPanel("hire_date"), FieldPanel("status"), FieldPanel("status_date")]
            ),
        ],
        base_form_class=StaffForm,
    )


class HistoryFormMixin:
    """Saving a history row (post, title, unit, education) keeps the staff record's
    current values right; someone without a unit or education history yet keeps what
    they held before this row."""

    def save_instance(self):
        if isinstance(self.form.instance, UnitAssignment | EducationRecord):
            ensure_histories([self.form.cleaned_data["staff"]])
        instance = super().save_instance()
        if isinstance(instance, PostAppointment):
            close_other_appointments(instance)
        if isinstance(instance, UnitAssignment):
            close_other_assignments(instance)
        refresh_current([instance.staff_id])
        return instance


class HistoryCreateView(HistoryFormMixin, ScopedCreateView):
    pass


class HistoryEditView(HistoryFormMixin, ScopedEditView):
    pass


class PostAppointmentViewSet(ScopedModelViewSet):
    model = PostAppointment
    inspect_view_class = CleanInspectView
    add_view_class = HistoryCreateView
    edit_view_class = HistoryEditView
    icon = "list-ul"
    menu_label = _("Post appointments")
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy",)
    list_display = ["staff", "category", "grade", "start", "end", "basis"]
    list_filter = ["category", "grade"]
    search_fields = ["staff__name", "staff__staff_number"]
    form_fields = ["staff", "category", "grade", "start", "end", "basis"]


class TitleRecordViewSet(ScopedModelViewSet):
    model = TitleRecord
    inspect_view_class = CleanInspectView
    add_view_class = HistoryCreateView
    edit_view_class = HistoryEditView
    icon = "pick"
    menu_label = _("Professional titles")
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy",)
    list_display = ["staff", "series", "title", "level", "obtained"]
    list_filter = ["level", "series"]
    search_fields = ["staff__name", "staff__staff_number", "title"]
    form_fields = ["staff", "series", "title", "level", "obtained", "basis"]


class TrainingProgramInspectView(CleanInspectView):
    """The program with its attendees; HR ticks who attended (hours default to the
    program's) and marks them in one POST."""

    template_name = "staffing/programs/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrolments = list(attendees(self.request.user, self.object))
        context["enrolments"] = enrolments
        context["may_mark"] = may(self.request.user, Enrolment, "change")
        context["attendance_url"] = reverse(
            "staffing_trainingprogram:attendance", args=[self.object.pk]
        )
        return context


class TrainingProgramViewSet(ScopedModelViewSet):
    model = TrainingProgram
    inspect_view_class = TrainingProgramInspectView
    inspect_view_fields = [
        "name",
        "kind",
        "organiser",
        "start",
        "end",
        "hours",
        "subject_type",
        "mode",
        "capacity",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("attendance/<int:pk>/", program_attendance, name="attendance"),
        ]

    icon = "group"
    menu_label = _("Training programs")
    list_display = ["name", "kind", "start", "end", "hours", "subject_type", "mode"]
    list_filter = ["kind", "subject_type", "mode"]
    search_fields = ["name", "organiser"]
    list_export = ["name", "kind", "organiser", "start", "end", "hours", "subject_type", "mode"]
    form_fields = [
        "name",
        "kind",
        "organiser",
        "start",
        "end",
        "hours",
        "subject_type",
        "mode",
        "capacity",
    ]


class EnrolmentViewSet(ScopedModelViewSet):
    model = Enrolment
    inspect_view_class = CleanInspectView
    icon = "tick"
    menu_label = _("Enrolments")
    list_select_related = ("staff", "staff__unit", "program")
    disabled_views = ("copy",)
    list_display = ["program", "staff", "attended", "hours"]
    list_filter = ["attended", "program__kind"]
    search_fields = ["staff__name", "program__name"]
    form_fields = ["program", "staff", "attended", "hours"]


class ExternalTrainingForm(WagtailAdminModelForm):
    """The certificate is a plain file field (checked by the model: PDF, JPG or PNG, at
    most 10 MB), kept in private storage; the file it replaces or clears is deleted once
    the change is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = self.instance.certificate.name if self.instance.pk else ""
        field = self.fields["certificate"]
        field.widget = PrivateFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
        if self.previous:
            field.widget.current_name = self.instance.certificate_name
            if self.for_user is not None and may_download_certificates(self.for_user):
                field.widget.download_url = reverse(
                    "staffing_certificate_file", args=[self.instance.pk]
                )

    def save(self, commit=True):
        upload = self.cleaned_data.get("certificate")
        if isinstance(upload, UploadedFile):
            self.instance.certificate_name = PurePath(upload.name).name[:255]
        elif upload is False:  # "clear" ticked
            self.instance.certificate_name = ""
        instance = super().save(commit=commit)
        if commit and self.previous and instance.certificate.name != self.previous:
            storage, name = instance.certificate.storage, self.previous
            transaction.on_commit(lambda: storage.delete(name))
        return instance


class ExternalTrainingDeleteView(ScopedDeleteView):
    def delete_action(self):
        certificate = self.object.certificate
        super().delete_action()
        if certificate:  # no orphan scan left in private storage
            storage, name = certificate.storage, certificate.name
            transaction.on_commit(lambda: storage.delete(name))


class ExternalTrainingInspectView(CleanInspectView):
    def get_certificate_display_value(self):
        """A download link for those who may download it; whether there is one for others."""
        training = self.object
        if not training.certificate:
            return "—"
        if not may_download_certificates(self.request.user):
            return _("On file (HR and administrators only)")
        url = reverse("staffing_certificate_file", args=[training.pk])
        return format_html('<a href="{}">{}</a>', url, training.certificate_name or _("Download"))


class ExternalTrainingViewSet(ScopedModelViewSet):
    model = ExternalTraining
    icon = "doc-full"
    menu_label = _("External training")
    inspect_view_class = ExternalTrainingInspectView
    delete_view_class = ExternalTrainingDeleteView
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy",)
    list_display = ["staff", "name", "date", "hours", "subject_type"]
    list_filter = ["subject_type"]
    search_fields = ["staff__name", "name"]
    inspect_view_fields = [
        "staff",
        "name",
        "organiser",
        "date",
        "hours",
        "subject_type",
        "certificate",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("staff"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("organiser"), FieldPanel("date")]),
            FieldRowPanel([FieldPanel("hours"), FieldPanel("subject_type")]),
            FieldPanel("certificate"),
        ],
        base_form_class=ExternalTrainingForm,
    )


class CertificateViewSet(ScopedModelViewSet):
    model = Certificate
    inspect_view_class = CleanInspectView
    icon = "success"
    menu_label = _("Post qualifications")
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy",)
    list_display = ["staff", "kind", "number", "issued", "expires"]
    list_filter = ["kind"]
    search_fields = ["staff__name", "kind", "number"]
    form_fields = ["staff", "kind", "number", "issued", "expires"]


class StructureTargetViewSet(ScopedModelViewSet):
    model = StructureTarget
    inspect_view_class = CleanInspectView
    icon = "view"
    menu_label = _("Structure targets")
    list_display = ["year", "dimension", "value", "min_share"]
    list_filter = ["year", "dimension"]
    form_fields = ["year", "dimension", "value", "min_share"]


class LeaveRecordViewSet(ScopedModelViewSet):
    """Sick, personal and maternity leave: the appraisal reads it (over six months of sick
    or personal leave in a year: taking part without a grade). HR's."""

    model = LeaveRecord
    inspect_view_class = CleanInspectView
    icon = "date"
    menu_label = _("Leave records")
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy",)
    list_display = ["staff", "kind", "start", "end", "note"]
    list_filter = ["kind"]
    search_fields = ["staff__name", "staff__staff_number"]
    form_fields = ["staff", "kind", "start", "end", "note"]


class InvestigationViewSet(ScopedModelViewSet):
    """Cases opened against a staff member: the appraisal's grade waits until one closes.
    HR's, and never deleted."""

    model = Investigation
    inspect_view_class = CleanInspectView
    icon = "warning"
    menu_label = _("Investigations")
    list_select_related = ("staff", "staff__unit")
    disabled_views = ("copy", "delete")
    list_display = ["staff", "opened", "closed", "note"]
    list_filter = ["opened", "closed"]
    search_fields = ["staff__name", "staff__staff_number"]
    form_fields = ["staff", "opened", "closed", "note"]


class StaffingViewSetGroup(ModelViewSetGroup):
    menu_label = _("Staffing and training")
    menu_icon = "user"
    menu_order = 150
    items = (
        StaffViewSet("staffing_staff", url_prefix="staffing/staff"),
        PostAppointmentViewSet("staffing_postappointment", url_prefix="staffing/posts"),
        TitleRecordViewSet("staffing_titlerecord", url_prefix="staffing/titles"),
        TrainingProgramViewSet("staffing_trainingprogram", url_prefix="staffing/programs"),
        EnrolmentViewSet("staffing_enrolment", url_prefix="staffing/enrolments"),
        ExternalTrainingViewSet("staffing_externaltraining", url_prefix="staffing/external"),
        CertificateViewSet("staffing_certificate", url_prefix="staffing/certificates"),
        StructureTargetViewSet("staffing_structuretarget", url_prefix="staffing/targets"),
        LeaveRecordViewSet("staffing_leaverecord", url_prefix="staffing/leave"),
        InvestigationViewSet("staffing_investigation", url_prefix="staffing/investigations"),
    )
