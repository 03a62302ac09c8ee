"""The plan's adjustments (the planning office drafts them, with their changes inline; the
board's resolution puts them in force), its versions (read-only: the outline and the
targets as they stood) and its evaluations (the figures frozen at a date, a PDF)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import TitleColumn

from governance.access import may, may_for_instance, visible
from governance.access.viewsets import RecordedCreateView, ScopedModelViewSet
from governance.models import PlanAdjustment, PlanEvaluation, PlanItem, PlanVersion, Resolution

from ..selectors.revisions import version_tables
from ..services.revisions import evaluate


class AdjustmentInspectView(ScopedModelViewSet.inspect_view_class):
    """The adjustment's changes (with what they replaced, once in force) and, while it is a
    draft, the board resolutions that could put it in force."""

    template_name = "governance/plan/adjustment_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adjustment = self.object
        context["lines"] = list(adjustment.lines.select_related("item", "indicator", "lead_unit"))
        may_apply = adjustment.state == PlanAdjustment.State.DRAFT and may_for_instance(
            self.request.user, adjustment, "change"
        )
        waiting = Resolution.objects.filter(
            type=Resolution.Type.PLAN,
            outcome=Resolution.Outcome.ADOPTED,
            plan_adjustment__isnull=True,
        ).select_related("meeting")
        context["resolutions"] = list(visible(self.request.user, waiting)) if may_apply else None
        return context


class PlanAdjustmentViewSet(ScopedModelViewSet):
    model = PlanAdjustment
    icon = "edit"
    menu_label = _("Plan adjustments")
    menu_order = 80
    inspect_view_class = AdjustmentInspectView
    disabled_views = ("copy", "delete")
    list_display = [
        TitleColumn("title", label=_("title"), url_name="governance_planadjustment:inspect"),
        "plan",
        "state",
        "resolution",
        "applied_on",
    ]
    list_select_related = ("plan", "resolution")
    list_filter = ["state", "plan"]
    search_fields = ["title", "reason"]
    inspect_view_fields = ["plan", "title", "reason", "state", "resolution", "applied_on"]
    edit_handler = ObjectList(
        [
            FieldPanel("plan"),
            FieldPanel("title"),
            FieldPanel("reason"),
            InlinePanel("lines", label=_("changes"), min_num=1),
        ]
    )


class VersionInspectView(ScopedModelViewSet.inspect_view_class):
    """The plan as the version stored it: the outline, and each indicator's targets; a
    link shows it on the dashboard beside the figures of today."""

    template_name = "governance/plan/version_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        context["tables"] = version_tables(version)
        if may(self.request.user, PlanItem, "view"):
            query = urlencode({"plan": version.plan_id, "version": version.number})
            context["dashboard_url"] = f"{reverse('plan_dashboard')}?{query}"
        return context


class PlanVersionViewSet(ScopedModelViewSet):
    model = PlanVersion
    icon = "history"
    menu_label = _("Plan versions")
    menu_order = 85
    inspect_view_class = VersionInspectView
    disabled_views = ("add", "edit", "copy", "delete")  # made by adjustments
    list_display = [
        TitleColumn("number", label=_("version"), url_name="governance_planversion:inspect"),
        "plan",
        "effective_on",
        "adjustment",
    ]
    list_select_related = ("plan", "adjustment")
    list_filter = ["plan"]
    inspect_view_fields = ["plan", "number", "effective_on", "adjustment"]
    form_fields = ["effective_on"]  # no form is shown: versions are made by adjustments


class EvaluationCreateView(RecordedCreateView):
    record = staticmethod(evaluate)  # stores the figures


class EvaluationInspectView(ScopedModelViewSet.inspect_view_class):
    template_name = "governance/plan/evaluation_inspect.html"


class PlanEvaluationViewSet(ScopedModelViewSet):
    model = PlanEvaluation
    icon = "clipboard-list"
    menu_label = _("Plan evaluations")
    menu_order = 90
    add_view_class = EvaluationCreateView
    inspect_view_class = EvaluationInspectView
    disabled_views = ("edit", "copy", "delete")  # the figures are frozen: a new one instead
    list_display = [
        TitleColumn("title", label=_("title"), url_name="governance_planevaluation:inspect"),
        "plan",
        "kind",
        "as_of",
        "created_at",
    ]
    list_select_related = ("plan",)
    list_filter = ["kind", "plan"]
    search_fields = ["title", "text"]
    form_fields = ["plan", "kind", "as_of", "title", "text"]
    inspect_view_fields = ["plan", "kind", "as_of", "title", "text", "created_at"]
