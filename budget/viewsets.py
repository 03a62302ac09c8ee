"""The budget's admin listings and forms (预算绩效): the project library, the target tables
(edited while in preparation, locked once approved), the budget adjustments and the
expenditure lines (entered by hand to correct the ledger; imported lines are locked)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from governance.access.viewsets import ScopedCreateView, ScopedModelViewSet
from governance.columns import CleanColumn

from . import views
from .models import (
    BudgetAdjustment,
    BudgetProject,
    Expenditure,
    Monitoring,
    SelfEvaluation,
    TargetTable,
)
from .selectors import project_page, table_page


class ProjectInspectView(ScopedModelViewSet.inspect_view_class):
    """The project: what it is, its budget by funding source with the adjustments, its
    spending, its target tables and what may be done with them now."""

    template_name = "budget/project_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project_page(self.object, self.request.user))
        return context


class BudgetProjectViewSet(ScopedModelViewSet):
    model = BudgetProject
    icon = "folder-open-inverse"
    menu_label = _("Project library")
    menu_order = 1
    inspect_view_class = ProjectInspectView
    list_select_related = ("unit", "unit__library")
    disabled_views = ("copy", "delete")
    list_display = [
        "code",
        TitleColumn("name", label=_("project name"), url_name="budget_budgetproject:inspect"),
        "year",
        "unit",
        "category",
        "attribute",
    ]
    list_filter = ["year", "category", "attribute", "unit"]
    search_fields = ["name", "code"]
    list_per_page = 50
    list_export = [
        "year",
        "code",
        "name",
        "unit",
        "category",
        "attribute",
        "start_year",
        "end_year",
    ]
    export_filename = "budget-projects"
    inspect_view_fields = [
        "year",
        "code",
        "unit",
        "category",
        "attribute",
        "start_year",
        "end_year",
        "responsible",
        "description",
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("code")]),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("unit"), FieldPanel("responsible")]),
            FieldRowPanel(
                [
                    FieldPanel("category"),
                    FieldPanel("attribute"),
                    FieldPanel("start_year"),
                    FieldPanel("end_year"),
                ]
            ),
            FieldPanel("description"),
            InlinePanel("funds", label=_("initial budget by funding source"), min_num=1),
            InlinePanel("monthly_plan", label=_("monthly spending plan"), max_num=12),
            FieldPanel("plan_items"),
            FieldPanel("plan_indicators"),
        ]
    )


class TableInspectView(ScopedModelViewSet.inspect_view_class):
    """The table as the form prints it: goals, the indicator tree with the points by
    class, what still keeps it from approval, and the next step."""

    template_name = "budget/table_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(table_page(self.object, self.request.user))
        return context


class TableEditView(ScopedModelViewSet.edit_view_class):
    """Saved: back to the table's page, where it is submitted."""

    def get_success_url(self):
        return reverse("budget_targettable:inspect", args=[self.object.pk])


class TargetTableViewSet(ScopedModelViewSet):
    model = TargetTable
    icon = "list-ul"
    menu_label = _("Performance target tables")
    menu_order = 2
    inspect_view_class = TableInspectView
    edit_view_class = TableEditView
    # Drafted from the project's page (a service numbers the versions); never deleted.
    disabled_views = ("add", "copy", "delete")
    list_select_related = ("project", "project__unit", "project__unit__library")
    list_display = [
        TitleColumn("project", label=_("project"), url_name="budget_targettable:inspect"),
        CleanColumn("department", accessor="project.unit", label=_("department")),
        "version",
        "status",
        "approved_at",
    ]
    list_filter = ["status", "project__year"]
    search_fields = ["project__name", "project__code"]
    inspect_view_fields = ["project", "version", "status", "approval_reference", "approved_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("overall_goal"),
            FieldPanel("annual_goal"),
            FieldPanel("reason"),
            InlinePanel("indicators", label=_("indicators")),
        ]
    )


class BudgetAdjustmentViewSet(ScopedModelViewSet):
    model = BudgetAdjustment
    icon = "resubmit"
    menu_label = _("Budget adjustments")
    menu_order = 3
    # Recorded from the project's page (the service checks the funds); history is kept.
    disabled_views = ("add", "edit", "copy", "delete")
    list_select_related = ("project", "project__unit", "project__unit__library")
    list_display = ["project", "source", "amount", "reference", "date"]
    list_filter = ["source", "project__year"]
    search_fields = ["project__name", "reference"]
    list_export = ["project", "source", "amount", "reference", "date", "note"]
    export_filename = "budget-adjustments"
    form_fields = list_export  # never shown: add and edit are off


class ExpenditureCreateView(ScopedCreateView):
    """A line entered by hand: a correction of the ledger, recorded as its author's."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.origin = Expenditure.Origin.MANUAL
        instance.recorded_by = self.request.user
        instance.save()
        return instance


class ExpenditureViewSet(ScopedModelViewSet):
    model = Expenditure
    icon = "doc-full"
    menu_label = _("Expenditure lines")
    menu_order = 4
    add_view_class = ExpenditureCreateView
    disabled_views = ("copy", "delete")
    list_select_related = ("project", "project__unit", "project__unit__library")
    list_display = ["date", "voucher", "summary", "project", "amount", "source", "origin"]
    list_filter = ["origin", "source", "project__year"]
    search_fields = ["summary", "voucher", "project__name", "project__code"]
    list_per_page = 100
    list_export = ["date", "voucher", "summary", "project", "amount", "source", "origin"]
    export_filename = "expenditures"
    form_fields = ["project", "date", "voucher", "summary", "amount", "source"]


class ProjectFormViewSet(ScopedModelViewSet):
    """The listing of a form each project fills in (its monitoring, its self-evaluation):
    started from the project's page; the form's own page is the listing's inspect page
    (``page_view``: filled in, scored and sent on there)."""

    disabled_views = ("add", "edit", "copy", "delete")
    list_select_related = ("project", "project__unit", "project__unit__library")
    search_fields = ["project__name", "project__code"]
    page_view = None

    @property
    def inspect_view(self):
        return self.page_view

    def project_columns(self):
        return [
            TitleColumn("project", label=_("project"), url_name=f"{self.name}:inspect"),
            CleanColumn("department", accessor="project.unit", label=_("department")),
        ]


class SelfEvaluationViewSet(ProjectFormViewSet):
    model = SelfEvaluation
    icon = "doc-full"
    menu_label = _("Self-evaluations")
    menu_order = 6
    page_view = staticmethod(views.evaluation)
    list_filter = ["status", "grade", "project__year"]
    form_fields = ["goal_result"]  # never shown: add and edit are off

    @property
    def list_display(self):
        return [*self.project_columns(), "status", "total", "grade"]


class MonitoringViewSet(ProjectFormViewSet):
    model = Monitoring
    icon = "view"
    menu_label = _("performance monitoring")
    menu_order = 5
    page_view = staticmethod(views.monitoring)
    list_filter = ["status", "month", "project__year"]
    form_fields = ["progress"]  # never shown: add and edit are off

    @property
    def list_display(self):
        return [*self.project_columns(), "month", "status"]


class BudgetViewSetGroup(ModelViewSetGroup):
    menu_label = _("Budget performance")
    menu_icon = "folder-open-inverse"
    menu_order = 160
    submenu_hook = "register_budget_menu_item"  # the pages that are not listings
    items = (
        BudgetProjectViewSet("budget_budgetproject", url_prefix="budget/projects"),
        TargetTableViewSet("budget_targettable", url_prefix="budget/targets"),
        BudgetAdjustmentViewSet("budget_budgetadjustment", url_prefix="budget/adjustments"),
        ExpenditureViewSet("budget_expenditure", url_prefix="budget/expenditures"),
        MonitoringViewSet("budget_monitoring", url_prefix="budget/monitoring"),
        SelfEvaluationViewSet("budget_selfevaluation", url_prefix="budget/self-evaluations"),
    )
