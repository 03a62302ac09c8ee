"""Admin registration of staffing: access policies first, then the viewsets."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy

from .models import (
    Certificate,
    Enrolment,
    ExternalTraining,
    PostAppointment,
    Staff,
    StructureTarget,
    TitleRecord,
    TrainingProgram,
)

# A staff record belongs to its unit and is visible to the person it is about; their
# histories and training follow the staff row. Programs and targets are HR's (global).
register_permission_policy(
    Staff, ScopedPermissionPolicy(Staff, unit_field="unit", self_field="user")
)
for _model in (PostAppointment, TitleRecord, Enrolment, ExternalTraining, Certificate):
    register_permission_policy(
        _model,
        ScopedPermissionPolicy(_model, unit_field="staff__unit", self_field="staff__user"),
    )
for _model in (TrainingProgram, StructureTarget):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=None))

from .viewsets import StaffingViewSetGroup  # noqa: E402


@hooks.register("register_admin_viewset")
def register_staffing():
    return StaffingViewSetGroup()


# Each feature module registers its own admin URLs and menu items.
from . import compliance, import_views, structure  # noqa: E402, F401
