"""Every registration of performance: access policies (first) and log actions."""

from django.db.models import Q
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy

from .models import Appeal, Appraisal, AppraisalCycle, CommitteeMember, Objection

# A cycle belongs to its library: HR's (global), and its committee's by an owner grant.
register_permission_policy(
    AppraisalCycle, ScopedPermissionPolicy(AppraisalCycle, unit_field="library")
)
register_permission_policy(
    CommitteeMember, ScopedPermissionPolicy(CommitteeMember, unit_field=None)
)
# An appraisal belongs to the unit the person was in when the cycle opened (its head
# scores them) and is visible to the person; a final cycle's appraisals are locked.
register_permission_policy(
    Appraisal,
    ScopedPermissionPolicy(
        Appraisal,
        unit_field="unit",
        self_field="staff__user",
        locked_when=Q(cycle__status=AppraisalCycle.Status.FINAL),
    ),
)
for _model in (Objection, Appeal):
    register_permission_policy(
        _model,
        ScopedPermissionPolicy(
            _model, unit_field="appraisal__unit", self_field="appraisal__staff__user"
        ),
    )

from .services import (  # noqa: E402
    ADVANCE_ACTION,
    APPEAL_ACTION,
    CONFIRM_ACTION,
    FINALISE_ACTION,
    OBJECTION_ACTION,
    OPEN_ACTION,
    PARTICIPATION_ACTION,
    PUBLICITY_ACTION,
    SCORE_ACTION,
    SETTLE_ACTION,
    SUMMARY_ACTION,
)

LOG_ACTIONS = {
    OPEN_ACTION: gettext_lazy("Appraisal opened"),
    ADVANCE_ACTION: gettext_lazy("Appraisal moved to its next step"),
    PARTICIPATION_ACTION: gettext_lazy("Participation corrected"),
    SUMMARY_ACTION: gettext_lazy("Self-summary submitted"),
    SCORE_ACTION: gettext_lazy("Scored and graded"),
    PUBLICITY_ACTION: gettext_lazy("Publicity started"),
    OBJECTION_ACTION: gettext_lazy("Objection recorded"),
    FINALISE_ACTION: gettext_lazy("Appraisal finalised"),
    CONFIRM_ACTION: gettext_lazy("Result signed for"),
    APPEAL_ACTION: gettext_lazy("Review or appeal"),
    SETTLE_ACTION: gettext_lazy("Pending grade settled"),
}


@hooks.register("register_log_actions")
def register_appraisal_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)
