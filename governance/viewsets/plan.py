"""Admin viewsets of the plan: plans, the item tree, reports, contributions, indicators,
periods. Workflows (import, report, review, close) are custom views in views/plan.py."""

from django import forms
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton, ListingButton

from governance.access import may_everywhere
from governance.access.viewsets import (
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelViewSet,
)
from governance.forms import AsOfForm
from governance.indicators import provider_choices
from governance.models import (
    AnnualTarget,
    Contribution,
    Evidence,
    Indicator,
    IndicatorYear,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)
from governance.people import person_select_related
from governance.selectors.dashboard import item_figures
from governance.selectors.plan import check_targets, task_paths
from governance.services.plan import ensure_periods, grant_reporting, refresh_progress
from governance.views.outline import outline_buttons

PLAN_OFFICE_PERM = "governance.change_plan"


class PercentColumn(Column):
    cell_template_name = "governance/cells/percent.html"


class TaskColumn(Column):
    """A figure only tasks have (progress, status): — for the preamble and items nobody
    leads. The tasks of the listed plans are read once per request."""

    empty = "—"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        tasks = getattr(request, "_shuxiang_task_paths", None)
        if tasks is None:
            tasks = task_paths(Plan.objects.values("pk"))
            if request is not None:
                request._shuxiang_task_paths = tasks
        if (instance.plan_id, instance.path) not in tasks:
            context["raw_value"], context["value"] = None, self.empty
        return context


class TaskPercentColumn(TaskColumn):
    cell_template_name = "governance/cells/percent.html"
    empty = None  # the cell template shows —


class ItemTitleColumn(TitleColumn):
    """Number and title, indented by depth, so the listing reads as the outline."""

    def get_value(self, instance):
        return "\u3000" * (instance.depth - 1) + str(instance)


class PlanIndexView(ScopedIndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("Import a plan document"), url=reverse("plan_import"), icon_name="upload"
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        buttons.append(
            ListingButton(
                _("Plan dashboard"),
                url=reverse("plan_dashboard") + f"?plan={instance.pk}",
                icon_name="view",
                priority=5,
            )
        )
        if may_everywhere(user, PlanItem, "change"):
            buttons.append(
                ListingButton(
                    _("Assign items by spreadsheet"),
                    url=reverse("plan_assignment_import", args=[instance.pk]),
                    icon_name="table",
                    priority=6,
                )
            )
        return buttons


class PlanEditView(ScopedEditView):
    def save_instance(self):
        instance = super().save_instance()
        ensure_periods(instance)  # new years get their quarters
        return instance


class PlanViewSet(ScopedModelViewSet):
    model = Plan
    icon = "list-ol"
    menu_label = _("Plans")
    index_view_class = PlanIndexView
    edit_view_class = PlanEditView
    # A plan is history: it is closed, never deleted.
    disabled_views = ("add", "delete", "copy")
    list_display = ["title", "start_year", "end_year", "status", "approval_reference"]
    list_filter = ["status"]
    search_fields = ["title", "approval_reference"]
    form_fields = [
        "title",
        "start_year",
        "end_year",
        "approval_reference",
        "approval_date",
        "status",
        "introduction",
        "vision",
        "mission",
    ]
    inspect_view_fields = [
        "title",
        "start_year",
        "end_year",
        "status",
        "approval_reference",
        "approval_date",
        "vision",
        "mission",
    ]


class PlanItemIndexView(ScopedIndexView):
    @cached_property
    def columns(self):
        # The outline column is declared as an instance (to indent it), which Wagtail
        # leaves without the row's link and buttons: give it both back.
        column_class = self._get_title_column_class(ItemTitleColumn)
        return [
            column_class(
                "title",
                label=_("item"),
                get_url=lambda i: self.get_edit_url(i) or self.get_inspect_url(i),
            )
            if isinstance(column, ItemTitleColumn)
            else column
            for column in super().columns
        ]

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        plan = self.request.GET.get("plan", "")
        if plan.isdigit() and len(plan) < 10 and may_everywhere(self.request.user, PlanItem, "add"):
            buttons.append(
                HeaderButton(
                    _("Add an item"),
                    url=reverse("plan_outline_add", args=[int(plan)]),
                    icon_name="plus",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if not instance.numchild and instance.lead_unit_id:
            buttons.append(
                ListingButton(
                    _("Report progress"),
                    url=reverse("plan_report_item", args=[instance.pk]),
                    icon_name="edit",
                    priority=5,
                )
            )
        buttons += outline_buttons(self.request.user, instance)  # add, move, delete
        return buttons


class PlanItemInspectView(ScopedInspectView):
    """The item page every role that sees the item opens from the dashboard: progress
    beside the time schedule, a trend by quarter, reports by period with the review
    comments and evidence, partners' notes."""

    template_name = "governance/plan/item_inspect.html"

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value in ("", "-"):
            return "—"  # an empty field reads as a dash, never None
        if field_name == "partner_units":
            return value.replace(", ", "、")
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # As of the dashboard's date when opened from it (?as_of=), else today.
        as_of = AsOfForm(self.request.GET or None).as_of_date()
        context["figures"] = item_figures(self.object, as_of=as_of)
        # Each related list through its own model's policy: a partner unit sees the
        # item, not the lead unit's draft reports or targets.
        # Periods begun by that date: the page as it stood then.
        begun = Q(period__year__lt=as_of.year) | Q(
            period__year=as_of.year, period__quarter__lte=(as_of.month + 2) // 3
        )
        context["reports"] = (
            self.related(self.object.reports.filter(begun))
            .select_related("period", *person_select_related("reviewed_by"))
            .prefetch_related(
                Prefetch("evidence_files", queryset=self.related(Evidence.objects.all()))
            )
            .order_by("-period__year", "-period__quarter")
        )
        context["targets"] = self.related(self.object.annual_targets.all()).order_by("year")
        context["contributions"] = (
            self.related(self.object.contributions.filter(begun))
            .select_related("unit", "period", *person_select_related("author"))
            .order_by("-period__year", "-period__quarter", "unit__path")
        )
        return context


class PlanItemEditView(ScopedEditView):
    def save_instance(self):
        instance = super().save_instance()
        # A new weight or lead unit changes the roll-up of the items above.
        refresh_progress(instance.plan)
        grant_reporting([instance])  # the responsible person may report on it
        return instance


class PlanItemViewSet(ScopedModelViewSet):
    model = PlanItem
    icon = "tasks"
    menu_label = _("Plan items")
    index_view_class = PlanItemIndexView
    list_select_related = ("lead_unit", "plan")
    edit_view_class = PlanItemEditView
    inspect_view_class = PlanItemInspectView
    disabled_views = ("add", "delete", "copy")
    list_display = [
        ItemTitleColumn("title", label=_("item")),
        "kind",
        "lead_unit",
        TaskPercentColumn("progress", label=_("progress (%)")),
        TaskColumn("status", label=_("status"), accessor="get_status_display"),
    ]
    list_filter = ["plan", "kind", "lead_unit", "status"]
    search_fields = ["title", "text", "number"]
    list_per_page = 100
    list_export = [
        "number",
        "title",
        "kind",
        "lead_unit",
        "start_year",
        "end_year",
        "weight",
        "progress",
        "status",
    ]
    export_filename = "plan-items"
    # What the approved plan says (text, weight, years, lead unit) is the planning
    # office's to change; a department head only names partners and the person in charge.
    edit_handler = ObjectList(
        [
            FieldRowPanel(
                [
                    FieldPanel("number", permission=PLAN_OFFICE_PERM),
                    FieldPanel("kind", permission=PLAN_OFFICE_PERM),
                ]
            ),
            FieldPanel("title", permission=PLAN_OFFICE_PERM),
            FieldPanel("text", permission=PLAN_OFFICE_PERM),
            FieldPanel("lead_unit", permission=PLAN_OFFICE_PERM),
            FieldPanel("partner_units"),
            FieldPanel("responsible"),
            FieldRowPanel(
                [
                    FieldPanel("start_year", permission=PLAN_OFFICE_PERM),
                    FieldPanel("end_year", permission=PLAN_OFFICE_PERM),
                ]
            ),
            FieldRowPanel(
                [
                    FieldPanel("weight", permission=PLAN_OFFICE_PERM),
                    FieldPanel("status", permission=PLAN_OFFICE_PERM),
                ]
            ),
        ]
    )
    inspect_view_fields = [
        "plan",
        "number",
        "title",
        "text",
        "kind",
        "lead_unit",
        "partner_units",
        "responsible",
        "start_year",
        "end_year",
        "weight",
    ]  # status and progress: derived, shown with the time schedule by the page itself


class AnnualTargetViewSet(ScopedModelViewSet):
    model = AnnualTarget
    icon = "date"
    menu_label = _("Annual targets")
    list_select_related = ("item", "item__lead_unit")
    disabled_views = ("copy",)
    list_display = ["item", "year", "description", "due_date", "target_value", "target_unit"]
    list_filter = ["year", "item__plan"]
    search_fields = ["item__title", "description"]
    list_export = ["item", "year", "description", "due_date", "target_value", "target_unit"]
    export_filename = "annual-targets"
    form_fields = ["item", "year", "description", "due_date", "target_value", "target_unit"]


class ProgressReportInspectView(ScopedInspectView):
    """The report's fields, then its evidence files (links to the checked download)."""

    template_name = "governance/plan/report_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["evidence_files"] = self.related(self.object.evidence_files.all())
        return context


class ProgressReportViewSet(ScopedModelViewSet):
    """Read-only listing: reports are written and reviewed through the workflow views."""

    model = ProgressReport
    icon = "doc-full"
    menu_label = _("Progress reports")
    inspect_view_class = ProgressReportInspectView
    list_select_related = ("item", "item__lead_unit", "period", "author")
    disabled_views = ("add", "edit", "delete", "copy")
    list_display = [
        TitleColumn("item", label=_("item"), url_name="governance_progressreport:inspect"),
        "period",
        PercentColumn("percent", label=_("progress (%)")),
        "health",
        "status",
        "author",
    ]
    list_filter = ["period__plan", "period", "status", "health"]
    search_fields = ["item__title", "narrative"]
    list_export = [
        "item",
        "period",
        "percent",
        "health",
        "status",
        "narrative",
        "next_steps",
        "review_comment",
    ]
    export_filename = "progress-reports"
    form_fields = ["percent", "health", "narrative", "next_steps"]
    inspect_view_fields = [
        "item",
        "period",
        "percent",
        "health",
        "narrative",
        "next_steps",
        "status",
        "author",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    ]


class ContributionViewSet(ScopedModelViewSet):
    model = Contribution
    icon = "group"
    menu_label = _("Partner contributions")
    list_select_related = ("item", "period", "unit")
    # Written through the contribute view, which refuses closed periods.
    disabled_views = ("add", "edit", "delete", "copy")
    list_display = ["item", "period", "unit", "updated_at"]
    list_filter = ["period"]
    search_fields = ["item__title", "text"]
    form_fields = ["text"]


class PeriodIndexView(ScopedIndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        ended = instance.end_date < timezone.localdate()
        if not instance.is_closed and ended and self._may("change", instance):
            buttons.append(
                ListingButton(
                    _("Close period"),
                    url=reverse("plan_close_period", args=[instance.pk]),
                    icon_name="lock",
                    priority=5,
                )
            )
        return buttons


class PeriodViewSet(ScopedModelViewSet):
    model = Period
    index_view_class = PeriodIndexView
    list_select_related = ("plan", "closed_by")
    icon = "date"
    menu_label = _("Reporting periods")
    # Quarters come from the plan's years; closing is the only change (see the button).
    disabled_views = ("add", "edit", "delete", "copy")
    list_display = ["__str__", "plan", "closed_at", "closed_by"]
    list_filter = ["plan", "year"]
    form_fields = ["plan", "year", "quarter"]


class TargetCheckColumn(Column):
    """Whether the yearly targets reach the final target; the gap when they do not."""

    cell_template_name = "governance/cells/target_check.html"

    def get_value(self, instance):
        return check_targets(instance, instance.years.all())


class IndicatorInspectView(ScopedInspectView):
    template_name = "governance/plan/indicator_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = list(self.object.years.select_related(*person_select_related("actual_recorded_by")))
        context["years"] = years
        context["check"] = check_targets(self.object, years)
        return context


class IndicatorForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ChoiceField(
            label=_("computed by"),
            choices=[("", "—"), *provider_choices()],
            required=False,
            help_text=_("For computed indicators: the provider that supplies the actuals."),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == Indicator.Source.COMPUTED and not cleaned.get("provider"):
            self.add_error("provider", _("Choose where a computed indicator's actuals come from."))
        return cleaned


class StampActualsMixin:
    """Actuals typed into the form are recorded as entered by hand, by whom and when."""

    def save_instance(self):
        before = {}
        if self.object and self.object.pk:
            before = dict(
                IndicatorYear.objects.filter(indicator=self.object).values_list("year", "actual")
            )
        instance = super().save_instance()
        changed = [
            year
            for year, actual in instance.years.values_list("year", "actual")
            if actual is not None and (year not in before or before[year] != actual)
        ]
        if changed:
            instance.years.filter(year__in=changed).update(
                actual_source=_("Entered by hand"),
                actual_recorded_at=timezone.now(),
                actual_recorded_by=self.request.user,
            )
        return instance


class IndicatorCreateView(StampActualsMixin, ScopedCreateView):
    pass


class IndicatorEditView(StampActualsMixin, ScopedEditView):
    pass


class IndicatorViewSet(ScopedModelViewSet):
    model = Indicator
    icon = "table"
    menu_label = _("Indicators")
    list_select_related = ("plan",)
    list_prefetch_related = ("years",)
    inspect_view_class = IndicatorInspectView
    add_view_class = IndicatorCreateView
    edit_view_class = IndicatorEditView
    list_display = [
        "code",
        TitleColumn("name", label=_("name"), url_name="governance_indicator:inspect"),
        "plan",
        "measure_unit",
        "baseline",
        "final_target",
        TargetCheckColumn("targets", label=_("Yearly targets")),
        "source",
    ]
    list_filter = ["plan", "source", "kind", "nature"]
    search_fields = ["code", "name"]
    list_export = [
        "code",
        "name",
        "measure_unit",
        "direction",
        "kind",
        "nature",
        "baseline",
        "final_target",
    ]
    export_filename = "indicators"
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("plan"), FieldPanel("code")]),
            FieldPanel("name"),
            FieldRowPanel(
                [
                    FieldPanel("measure_unit"),
                    FieldPanel("direction"),
                    FieldPanel("kind"),
                    FieldPanel("nature"),
                ]
            ),
            FieldRowPanel([FieldPanel("baseline"), FieldPanel("final_target")]),
            FieldRowPanel([FieldPanel("source"), FieldPanel("provider")]),
            FieldPanel("items"),
            InlinePanel("years", label=_("yearly targets")),
        ],
        base_form_class=IndicatorForm,
    )


from .revisions import (  # noqa: E402
    PlanAdjustmentViewSet,
    PlanEvaluationViewSet,
    PlanVersionViewSet,
)


class PlanViewSetGroup(ModelViewSetGroup):
    menu_label = _("Five-year plan")
    menu_icon = "list-ol"
    menu_order = 100
    items = (
        PlanViewSet("governance_plan", url_prefix="plan/plans"),
        PlanItemViewSet("governance_planitem", url_prefix="plan/items"),
        ProgressReportViewSet("governance_progressreport", url_prefix="plan/reports"),
        ContributionViewSet("governance_contribution", url_prefix="plan/contributions"),
        AnnualTargetViewSet("governance_annualtarget", url_prefix="plan/targets"),
        IndicatorViewSet("governance_indicator", url_prefix="plan/indicators"),
        PeriodViewSet("governance_period", url_prefix="plan/periods"),
        PlanAdjustmentViewSet("governance_planadjustment", url_prefix="plan/adjustments"),
        PlanVersionViewSet("governance_planversion", url_prefix="plan/versions"),
        PlanEvaluationViewSet("governance_planevaluation", url_prefix="plan/evaluations"),
    )
