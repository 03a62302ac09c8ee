"""Every registration of staffing: access policies (first), viewsets, admin URLs, menus,
log actions and the plan indicators computed from the staff records."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy, may
from governance.indicators import register_provider
from governance.services.documents import register_long_document

from .models import (
    Certificate,
    ContinuingEducationRule,
    EducationRecord,
    Enrolment,
    ExternalTraining,
    Investigation,
    LeaveRecord,
    PostAppointment,
    Staff,
    StructureTarget,
    TitleLevel,
    TitleRecord,
    TrainingProgram,
    UnitAssignment,
)

# A staff record belongs to its unit and is visible to the person it is about; their
# histories and training follow the staff row. Programs and targets are HR's (global).
# ID numbers, birth dates, phones and e-mails: the "view_personal" action (HR).
register_permission_policy(
    Staff,
    ScopedPermissionPolicy(
        Staff,
        unit_field="unit",
        self_field="user",
        codenames={"view_personal": "view_staff_personal"},
    ),
)
for _model in (
    PostAppointment,
    TitleRecord,
    UnitAssignment,
    EducationRecord,
    Enrolment,
    Certificate,
):
    register_permission_policy(
        _model,
        ScopedPermissionPolicy(_model, unit_field="staff__unit", self_field="staff__user"),
    )
# Downloading a training's certificate scan (often showing an ID number): the
# "view_certificate" action, which only HR and administrators are granted.
register_permission_policy(
    ExternalTraining,
    ScopedPermissionPolicy(
        ExternalTraining,
        unit_field="staff__unit",
        self_field="staff__user",
        codenames={"view_certificate": "view_training_certificate"},
    ),
)
# Leave and investigations bear on the appraisal; HR's records alone (global).
for _model in (
    TrainingProgram,
    StructureTarget,
    ContinuingEducationRule,
    LeaveRecord,
    Investigation,
):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=None))

from .documents import COMPLIANCE_DOCUMENT, ROSTER_DOCUMENT, STAFF_SHEET_DOCUMENT  # noqa: E402
from .importers.records import HISTORY_ACTION  # noqa: E402
from .importers.staff import IMPORT_ACTION  # noqa: E402
from .importers.training import IMPORT_ACTION as TRAINING_ACTION  # noqa: E402
from .selectors.structure import may_see_structure, title_share_provider  # noqa: E402
from .services import EDUCATION_ACTION, STATUS_ACTION, TRANSFER_ACTION  # noqa: E402
from .views import panels  # noqa: E402
from .views.compliance import (  # noqa: E402
    compliance_document,
    compliance_index,
    my_training,
    training_record_pdf,
)
from .views.history import (  # noqa: E402
    continuing_education_rules,
    education_history,
    unit_history,
)
from .views.staff_sheet import (  # noqa: E402
    can_import,
    staff_export,
    staff_import,
    staff_sheet_document,
)
from .views.structure import roster_document, roster_pdf_view, structure_view  # noqa: E402
from .viewsets import StaffingViewSetGroup  # noqa: E402

# Long documents the worker prepares past SHUXIANG_BACKGROUND_ROWS rows.
register_long_document(ROSTER_DOCUMENT, roster_document)
register_long_document(STAFF_SHEET_DOCUMENT, staff_sheet_document)
register_long_document(COMPLIANCE_DOCUMENT, compliance_document)

register_provider(
    "staffing.intermediate_title_share",
    gettext_lazy("Staff records: intermediate title or higher (%)"),
    title_share_provider(TitleLevel.INTERMEDIATE),
)
register_provider(
    "staffing.senior_title_share",
    gettext_lazy("Staff records: associate senior title or higher (%)"),
    title_share_provider(TitleLevel.ASSOCIATE_SENIOR),
)


@hooks.register("register_admin_viewset")
def register_staffing():
    return StaffingViewSetGroup()


@hooks.register("register_admin_viewset")
def register_continuing_education_rules():
    return continuing_education_rules


@hooks.register("register_admin_viewset")
def register_unit_and_education_histories():
    # Not in a menu: reached from the staff page (HR's screens) to correct a row.
    return [unit_history, education_history]


@hooks.register("register_admin_urls")
def register_staffing_urls():
    return [
        path("staffing/import/", staff_import, name="staffing_import"),
        path("staffing/export.xlsx", staff_export, name="staffing_export"),
        path("staffing/structure/", structure_view, name="staffing_structure"),
        path("staffing/roster/<int:unit_pk>.pdf", roster_pdf_view, name="staffing_roster_pdf"),
        path("staffing/compliance/", compliance_index, name="staffing_compliance"),
        path("staffing/my-training/", my_training, name="staffing_my_training"),
        path("staffing/my-training/<int:staff_pk>/", my_training, name="staffing_staff_training"),
        path(
            "staffing/training-record/<int:staff_pk>.pdf",
            training_record_pdf,
            name="staffing_training_record_pdf",
        ),
    ]


class SeesOtherStaffMenuItem(MenuItem):
    """For roles that see other people's records (HR, heads): structure, compliance."""

    def is_shown(self, request):
        return may_see_structure(request.user)


class OwnTrainingMenuItem(MenuItem):
    """My training: for anyone whose login is linked to a staff record."""

    def is_shown(self, request):
        return may(request.user, Staff, "view")


class RulesMenuItem(MenuItem):
    """The yearly continuing-education rules: for those who may view them (HR)."""

    def is_shown(self, request):
        return may(request.user, ContinuingEducationRule, "view")


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Import staff"), reverse("staffing_import"), icon_name="upload", order=151
    )


@hooks.register("register_admin_menu_item")
def register_structure_menu_item():
    return SeesOtherStaffMenuItem(
        gettext_lazy("Workforce structure"),
        reverse("staffing_structure"),
        icon_name="table",
        order=151,
    )


@hooks.register("register_admin_menu_item")
def register_compliance_menu():
    return SubmenuMenuItem(
        gettext_lazy("Continuing education"),
        Menu(
            items=[
                SeesOtherStaffMenuItem(
                    gettext_lazy("Hours compliance"),
                    reverse("staffing_compliance"),
                    name="ce-compliance",
                    icon_name="table",
                    order=1,
                ),
                OwnTrainingMenuItem(
                    gettext_lazy("My training"),
                    reverse("staffing_my_training"),
                    name="ce-my-training",
                    icon_name="user",
                    order=2,
                ),
                RulesMenuItem(
                    gettext_lazy("Continuing-education rules"),
                    reverse(continuing_education_rules.get_url_name("index")),
                    name="ce-rules",
                    icon_name="cog",
                    order=3,
                ),
            ]
        ),
        name="continuing-education",
        icon_name="group",
        order=155,
    )


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    @actions.register_action(IMPORT_ACTION)
    class StaffImported(LogFormatter):
        label = gettext_lazy("Import from the staff sheet")

        def format_message(self, log_entry):
            if log_entry.data.get("created"):
                return _("Added from the staff sheet")
            return _("Updated from the staff sheet")

    @actions.register_action(HISTORY_ACTION)
    class RecordsImported(LogFormatter):
        label = gettext_lazy("Import of staff records")

        def format_message(self, log_entry):
            messages = {
                "posts": _("Post history imported from a sheet"),
                "titles": _("Title history imported from a sheet"),
                "certificates": _("Post qualifications imported from a sheet"),
            }
            return messages.get(log_entry.data.get("history"), self.label)

    actions.register_action(
        TRANSFER_ACTION,
        gettext_lazy("Transfer to another unit"),
        gettext_lazy("Transferred to another unit"),
    )
    actions.register_action(
        EDUCATION_ACTION,
        gettext_lazy("Education recorded"),
        gettext_lazy("Education recorded in the history"),
    )
    actions.register_action(
        STATUS_ACTION,
        gettext_lazy("Change of status"),
        gettext_lazy("Status changed"),
    )
    actions.register_action(
        TRAINING_ACTION,
        gettext_lazy("Import of training records"),
        gettext_lazy("Imported from a training register"),
    )


# -- home page and search --------------------------------------------------------------


@hooks.register("construct_homepage_panels")
def add_staffing_panels(request, panels_list):
    panels_list.extend(panels.panels_for(request.user))


@hooks.register("register_admin_search_area")
def register_staff_search_area():
    from governance.views.panels import PolicySearchArea

    # Whole units' staff (HR, a head): the person's own record needs no search.
    return PolicySearchArea(
        gettext_lazy("Staff"),
        reverse("staffing_staff:index"),
        name="staff",
        icon_name="user",
        order=20,
        model=Staff,
        action="units",
    )


@hooks.register("register_log_actions")
def register_attendance_log_action(actions):
    from .services import ATTENDANCE_ACTION

    @actions.register_action(ATTENDANCE_ACTION)
    class AttendanceMarked(LogFormatter):
        label = gettext_lazy("Attendance marked")

        def format_message(self, log_entry):
            values = {"count": log_entry.data.get("count", 0)}
            if log_entry.data.get("attended"):
                return _("%(count)s attendees marked as attended") % values
            return _("%(count)s attendees marked as absent") % values
