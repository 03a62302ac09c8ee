"""Every registration of performance: access policies (first), admin URLs, the menu and
log actions."""

from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy, may
from governance.indicators import register_provider
from governance.services.documents import register_long_document
from staffing.models import Staff

from .models import (
    Appeal,
    Appraisal,
    AppraisalCycle,
    CommitteeMember,
    DepartmentEvaluation,
    Objection,
    TitleRule,
)

# A cycle belongs to its library: HR's (global), and its committee's by an owner grant.
register_permission_policy(
    AppraisalCycle, ScopedPermissionPolicy(AppraisalCycle, unit_field="library")
)
register_permission_policy(
    CommitteeMember, ScopedPermissionPolicy(CommitteeMember, unit_field=None)
)
# An appraisal belongs to the unit the person was in when the cycle opened (its head
# scores them), is visible to the person and to the cycle's committee (granted the
# cycle); a final cycle's appraisals are locked.
register_permission_policy(
    Appraisal,
    ScopedPermissionPolicy(
        Appraisal,
        unit_field="unit",
        self_field="staff__user",
        view_via_grant="cycle",
        locked_when=Q(cycle__status=AppraisalCycle.Status.FINAL),
    ),
)
register_permission_policy(TitleRule, ScopedPermissionPolicy(TitleRule, unit_field=None))
# A department's evaluation: the leadership's; a head sees their own department's.
register_permission_policy(
    DepartmentEvaluation, ScopedPermissionPolicy(DepartmentEvaluation, unit_field="unit")
)
for _model in (Objection, Appeal):
    register_permission_policy(
        _model,
        ScopedPermissionPolicy(
            _model,
            unit_field="appraisal__unit",
            self_field="appraisal__staff__user",
            view_via_grant="appraisal__cycle",
        ),
    )

from .documents import FORMS_DOCUMENT  # noqa: E402
from .importers import VOTES_ACTION  # noqa: E402
from .services import (  # noqa: E402
    ADVANCE_ACTION,
    APPEAL_ACTION,
    COMMITTEE_ACTION,
    CONFIRM_ACTION,
    EVALUATION_ACTION,
    FINALISE_ACTION,
    OBJECTION_ACTION,
    OPEN_ACTION,
    OTHER_ITEMS_ACTION,
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
    COMMITTEE_ACTION: gettext_lazy("Committee set"),
    VOTES_ACTION: gettext_lazy("Democratic evaluation votes imported"),
    EVALUATION_ACTION: gettext_lazy("Departments evaluated"),
    OTHER_ITEMS_ACTION: gettext_lazy("Other items scored"),
}


@hooks.register("register_log_actions")
def register_appraisal_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)


from . import views  # noqa: E402
from .selectors import excellent_departments_share  # noqa: E402
from .viewsets import title_rules  # noqa: E402

register_long_document(FORMS_DOCUMENT, views.registration_forms_document)


@hooks.register("register_admin_viewset")
def register_title_rules():
    return title_rules


@hooks.register("register_admin_urls")
def register_performance_urls():
    return [
        path("appraisals/", views.cycles, name="performance_cycles"),
        path("appraisals/<int:pk>/", views.cycle, name="performance_cycle"),
        path(
            "appraisals/<int:pk>/results.xlsx",
            views.results_summary_xlsx,
            name="performance_results_summary",
        ),
        path(
            "appraisals/<int:pk>/publicity.pdf",
            views.publicity_notice_pdf,
            name="performance_publicity_notice",
        ),
        *(
            path(f"appraisals/<int:pk>/{action}/", view, name=f"performance_cycle_{action}")
            for action, view in (
                ("advance", views.cycle_advance),
                ("publicity", views.cycle_publicity),
                ("finalise", views.cycle_finalise),
                ("committee", views.cycle_committee),
                ("votes", views.cycle_votes),
                ("objection", views.cycle_objection),
            )
        ),
        path(
            "appraisals/<int:pk>/forms.pdf",
            views.registration_forms_pdf,
            name="performance_registration_forms",
        ),
        path(
            "appraisals/objections/<int:pk>/answer/",
            views.objection_answer,
            name="performance_objection_answer",
        ),
        path("appraisals/person/<int:pk>/", views.appraisal, name="performance_appraisal"),
        *(
            path(f"appraisals/person/<int:pk>/{action}/", view, name=f"performance_{action}")
            for action, view in (
                ("summary", views.appraisal_summary),
                ("score", views.appraisal_score),
                ("participation", views.appraisal_participation),
                ("appeal", views.appraisal_appeal),
                ("decide", views.appraisal_decide),
                ("settle", views.appraisal_settle),
                ("confirm", views.appraisal_confirm),
            )
        ),
        path(
            "appraisals/person/<int:pk>/form.pdf",
            views.registration_form_pdf,
            name="performance_registration_form",
        ),
        path("appraisals/to-score/", views.to_score, name="performance_to_score"),
        path("appraisals/mine/", views.mine, name="performance_mine"),
        path("appraisals/eligibility/", views.eligibility_report, name="performance_eligibility"),
        path("appraisals/departments/", views.departments, name="performance_departments"),
        path(
            "appraisals/departments/ranking.pdf",
            views.department_ranking_pdf,
            name="performance_department_ranking",
        ),
    ]


class CyclesMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_see_cycles(request.user)


class MineMenuItem(MenuItem):
    """For anyone who may see a staff record (their own, at least)."""

    def is_shown(self, request):
        return may(request.user, Staff, "view")


class EligibilityMenuItem(MenuItem):
    """HR's: it reads everyone's education, titles and grades."""

    def is_shown(self, request):
        return may(request.user, Staff, "view_personal")


class DepartmentsMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, DepartmentEvaluation, "view")


class ToScoreMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, Appraisal, "change")


@hooks.register("register_admin_menu_item")
def register_appraisal_menu():
    return SubmenuMenuItem(
        gettext_lazy("Appraisals"),
        Menu(
            items=[
                CyclesMenuItem(
                    gettext_lazy("Appraisal cycles"),
                    reverse("performance_cycles"),
                    name="appraisal-cycles",
                    icon_name="tasks",
                    order=1,
                ),
                ToScoreMenuItem(
                    gettext_lazy("Appraisals to score"),
                    reverse("performance_to_score"),
                    name="appraisal-to-score",
                    icon_name="edit",
                    order=2,
                ),
                EligibilityMenuItem(
                    gettext_lazy("Eligibility next year"),
                    reverse("performance_eligibility"),
                    name="appraisal-eligibility",
                    icon_name="tasks",
                    order=3,
                ),
                EligibilityMenuItem(
                    gettext_lazy("Title rules"),
                    reverse(title_rules.get_url_name("index")),
                    name="appraisal-title-rules",
                    icon_name="list-ul",
                    order=5,
                ),
                DepartmentsMenuItem(
                    gettext_lazy("Departments' yearly evaluation"),
                    reverse("performance_departments"),
                    name="appraisal-departments",
                    icon_name="table",
                    order=6,
                ),
                MineMenuItem(
                    gettext_lazy("My appraisals"),
                    reverse("performance_mine"),
                    name="appraisal-mine",
                    icon_name="user",
                    order=4,
                ),
            ]
        ),
        name="appraisals",
        icon_name="tasks",
        order=156,
    )


register_provider(
    "performance.excellent_departments_share",
    gettext_lazy("Department evaluation: departments rated excellent (%)"),
    excellent_departments_share,
)
