"""The budget's actions, each a POST from the project's or the target table's page that
calls one service: draft the targets, submit them, return or approve them, adjust them
after approval, adjust the budget; and the ledger import page. The row is fetched
through the access API (out of scope: 404); a refusal comes back as a message on the
page, nothing saved."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages

from governance.access import get_for_action_or_404, require, visible
from governance.params import pk_or_404, pk_or_none, year_or_none
from governance.views.actions import run_action
from reporting.forms import TableUploadForm
from reporting.imports import ImportFailed
from reporting.responses import pdf_response, xlsx_response

from . import documents, services
from .forms import (
    BudgetAdjustmentForm,
    EvaluationForm,
    MonitoringForm,
    MonitoringLineForm,
    ReasonForm,
    ReferenceForm,
    ResultForm,
)
from .importers import import_ledger
from .models import BudgetProject, Expenditure, Monitoring, SelfEvaluation, TargetTable
from .selectors import (
    ExecutionReport,
    default_month,
    evaluation_page,
    execution_report,
    monitoring_page,
)


def _project(request, pk: int) -> BudgetProject:
    return get_for_action_or_404(request.user, BudgetProject, "view", pk=pk)


def _table(request, pk: int) -> TargetTable:
    rows = TargetTable.objects.select_related("project")
    return get_for_action_or_404(request.user, rows, "view", pk=pk)


def _back_to_project(project: BudgetProject):
    return redirect("budget_budgetproject:inspect", project.pk)


def _back_to_table(table: TargetTable):
    return redirect("budget_targettable:inspect", table.pk)


@require_POST
def draft_targets(request, pk: int):
    project = _project(request, pk)
    made = {}

    def call():
        made["table"] = services.draft_targets(project, user=request.user)

    if run_action(request, call, _("The target table is drafted: fill it in.")):
        return redirect("budget_targettable:edit", made["table"].pk)
    return _back_to_project(project)


@require_POST
def adjust_targets(request, pk: int):
    project = _project(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for changing the approved targets."))
        return _back_to_project(project)
    made = {}

    def call():
        made["table"] = services.adjust_targets(
            project, user=request.user, reason=form.cleaned_data["reason"]
        )

    if run_action(request, call, _("A new version is drafted from the approved targets.")):
        return redirect("budget_targettable:edit", made["table"].pk)
    return _back_to_project(project)


@require_POST
def adjust_budget(request, pk: int):
    project = _project(request, pk)
    form = BudgetAdjustmentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The adjustment was not recorded: %(errors)s")
            % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
        )
        return _back_to_project(project)
    data = form.cleaned_data
    run_action(
        request,
        lambda: services.adjust_budget(project, user=request.user, **data),
        _("The budget is adjusted."),
    )
    return _back_to_project(project)


@require_POST
def submit_targets(request, pk: int):
    table = _table(request, pk)
    run_action(
        request,
        lambda: services.submit_targets(table, user=request.user),
        _("The targets are submitted to finance."),
    )
    return _back_to_table(table)


@require_POST
def return_targets(request, pk: int):
    table = _table(request, pk)
    form = ReasonForm(request.POST)
    comment = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.return_targets(table, user=request.user, comment=comment),
        _("The targets are returned to the department."),
    )
    return _back_to_table(table)


@require_POST
def approve_targets(request, pk: int):
    table = _table(request, pk)
    form = ReferenceForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.approve_targets(table, user=request.user, reference=reference),
        _("The targets are approved and locked."),
    )
    return _back_to_table(table)


# How many of an import's cell errors the page lists (the rest are counted).
SHOWN_ERRORS = 200


@require_http_methods(["GET", "POST"])
def ledger_import(request):
    """Finance imports the accounting system's ledger export (whole months)."""
    require(request.user, Expenditure, "add")
    form = TableUploadForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_ledger(upload.name, upload.read(), user=request.user)
        except ImportFailed as error:
            errors, status = error.errors, 400
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
        else:
            messages.success(
                request,
                _(
                    "Ledger of %(months)s imported: %(added)s lines added, %(removed)s "
                    "removed, %(unchanged)s already there."
                )
                % {
                    "months": result.month_labels,
                    "added": result.added,
                    "removed": result.removed,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("budget_ledger_import")
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request,
        "budget/ledger_import.html",
        {
            "form": form,
            "errors": errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(errors) - SHOWN_ERRORS),
        },
        status=status,
    )


CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 560, 200, 34, 22


def _chart(report: ExecutionReport) -> dict:
    """The monthly chart's geometry: cumulative execution rate and the time schedule (0 to
    100 % up the side, the year's months along the bottom)."""
    inner_w, inner_h = CHART_WIDTH - CHART_LEFT - 10, CHART_HEIGHT - CHART_BOTTOM - 10

    def x(month: int) -> float:
        return CHART_LEFT + inner_w * month / 12

    def y(percent) -> float:
        return 10 + inner_h * (1 - min(float(percent or 0), 120) / 120)

    def line(values) -> str:
        points = [(0, 0)] + [(m, v) for m, v in values if v is not None]
        return " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in points)

    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - 10,
        "gridlines": [(f"{y(p):.1f}", p) for p in (0, 25, 50, 75, 100)],
        "ticks": [(f"{x(m):.1f}", m) for m in range(1, 13)],
        "base": CHART_HEIGHT - 6,
        "actual": line((m, rate_) for m, rate_, _schedule in report.months),
        "schedule": line((m, schedule) for m, _rate, schedule in report.months),
    }


def dashboard(request):
    """Execution against the calendar (序时进度) for the reader's projects: by department
    and funding source with the monthly chart, the lagging projects, the year-end
    warnings, and the target tables waiting for approval."""
    require(request.user, BudgetProject, "view")
    today = timezone.localdate()
    year = year_or_none(request.GET.get("year")) or today.year
    month = pk_or_none(request.GET.get("month"))
    if month is None or not 1 <= month <= 12:
        month = default_month(year, today)
    projects = visible(request.user, BudgetProject)
    report = execution_report(projects, year=year, month=month)
    tables = visible(request.user, TargetTable).filter(project__year=year)
    waiting = tables.filter(status=TargetTable.Status.SUBMITTED).select_related(
        "project", "project__unit", "project__unit__library"
    )
    without = (
        projects.filter(year=year)
        .exclude(target_tables__status=TargetTable.Status.APPROVED)
        .select_related("unit", "unit__library")
        .order_by("unit__path", "code")
    )
    monitoring_month = settings.SHUXIANG_BUDGET_MONITORING_MONTH
    unmonitored = (
        projects.filter(year=year, target_tables__status=TargetTable.Status.APPROVED)
        .exclude(monitorings__month=monitoring_month)
        .select_related("unit", "unit__library")
        .order_by("unit__path", "code")
        if year < today.year or today.month > monitoring_month
        else projects.none()
    )
    last_year = (
        visible(request.user, SelfEvaluation)
        .filter(project__year=year - 1)
        .exclude(grade="")
        .values("grade")
        .annotate(count=Count("pk"))
        .order_by()
    )
    grades = {row["grade"]: row["count"] for row in last_year}
    years = sorted(set(projects.values_list("year", flat=True)), reverse=True) or [year]
    return TemplateResponse(
        request,
        "budget/dashboard.html",
        {
            "report": report,
            "chart": _chart(report),
            "waiting": waiting,
            "without_targets": without,
            "unmonitored": unmonitored,
            "monitoring_month": monitoring_month,
            "grades": [
                (label, grades.get(value, 0)) for value, label in SelfEvaluation.Grade.choices
            ],
            "graded": sum(grades.values()),
            "last_year": year - 1,
            "years": years,
            "year": year,
            "month": month,
            "month_choices": range(1, 13),
            "lag_points": report.threshold,
            "warning_rate": settings.SHUXIANG_BUDGET_WARNING_RATE,
        },
    )


@require_POST
def explain_execution(request, pk: int):
    project = _project(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.explain_execution(project, user=request.user, reason=reason),
        _("The reason is recorded."),
    )
    return _back_to_project(project)


# -- the self-evaluation ------------------------------------------------------------------------


def _evaluation(request, pk) -> SelfEvaluation:
    """The evaluation (by the number in the URL: the viewset's inspect URL passes text)."""
    rows = SelfEvaluation.objects.select_related("project", "project__unit__library", "table")
    return get_for_action_or_404(request.user, rows, "view", pk=pk_or_404(str(pk)))


@require_POST
def start_evaluation(request, pk: int):
    project = _project(request, pk)
    made = {}

    def call():
        made["evaluation"] = services.start_self_evaluation(project, user=request.user)

    if run_action(request, call, _("The self-evaluation is started: give the actuals.")):
        return redirect("budget_selfevaluation:inspect", made["evaluation"].pk)
    return _back_to_project(project)


def _lined_form(request, chosen, page, *, lines, head_form, head_field, line_form, record,
                template, url_name, success):  # fmt: skip
    """A page with one form at its head and one per line (the evaluation's indicators,
    the monitoring's): the department fills them in while the page says ``may_edit``;
    ``record(head value, {line pk: cleaned data})`` saves them through the service.
    Anything invalid: the page again with the fields marked, nothing saved."""
    if request.method == "POST":
        if not page["may_edit"]:
            raise Http404
        form = head_form(request.POST)
        forms = [line_form(request.POST, prefix=str(line.pk)) for line in lines]
        if form.is_valid() and all(f.is_valid() for f in forms):
            values = {line.pk: f.cleaned_data for line, f in zip(lines, forms, strict=True)}
            if run_action(request, lambda: record(form.cleaned_data[head_field], values), success):
                return redirect(url_name, chosen.pk)
        else:
            messages.error(request, _("Nothing was saved: correct the marked fields."))
        page["form"], page["pairs"] = form, list(zip(lines, forms, strict=True))
        return TemplateResponse(request, template, page, status=400)
    if page["may_edit"]:
        page["form"] = head_form(initial={head_field: getattr(chosen, head_field)})
        names = list(line_form.base_fields)
        page["pairs"] = [
            (line, line_form(prefix=str(line.pk), initial={n: getattr(line, n) for n in names}))
            for line in lines
        ]
    else:
        page["pairs"] = [(line, None) for line in lines]
    return TemplateResponse(request, template, page)


@require_http_methods(["GET", "POST"])
def evaluation(request, pk):
    """The self-evaluation as the form prints it; the department fills in the actuals
    while it is a draft (each line scored by its rule as it is saved)."""
    chosen = _evaluation(request, pk)
    page = evaluation_page(chosen, request.user)

    def record(goal_result, results):
        services.record_results(chosen, user=request.user, goal_result=goal_result, results=results)

    return _lined_form(
        request, chosen, page, lines=page["rows"], head_form=EvaluationForm,
        head_field="goal_result", line_form=ResultForm, record=record,
        template="budget/evaluation.html", url_name="budget_selfevaluation:inspect",
        success=_("Saved and scored."),
    )  # fmt: skip


@require_POST
def submit_evaluation(request, pk: int):
    chosen = _evaluation(request, pk)
    run_action(
        request,
        lambda: services.submit_evaluation(chosen, user=request.user),
        _("The self-evaluation is submitted to finance."),
    )
    return redirect("budget_selfevaluation:inspect", chosen.pk)


@require_POST
def confirm_evaluation(request, pk: int):
    chosen = _evaluation(request, pk)
    run_action(
        request,
        lambda: services.confirm_evaluation(chosen, user=request.user),
        _("The self-evaluation is confirmed and locked."),
    )
    return redirect("budget_selfevaluation:inspect", chosen.pk)


def evaluation_pdf(request, pk: int):
    chosen = _evaluation(request, pk)
    return pdf_response(
        documents.self_evaluation_pdf(chosen, evaluation_page(chosen, request.user)),
        _("Self-evaluation %(project)s") % {"project": chosen.project},
    )


def evaluations_xlsx(request):
    """Every project's self-evaluation of a year the reader may see, for submission."""
    require(request.user, SelfEvaluation, "view")
    year = year_or_none(request.GET.get("year")) or timezone.localdate().year - 1
    rows = visible(request.user, SelfEvaluation).filter(project__year=year)
    return xlsx_response(
        documents.evaluations_summary(rows, year=year),
        _("Project self-evaluations %(year)s") % {"year": year},
    )


# -- in-year monitoring ------------------------------------------------------------------------


def _monitoring(request, pk) -> Monitoring:
    rows = Monitoring.objects.select_related("project", "project__unit__library", "table")
    return get_for_action_or_404(request.user, rows, "view", pk=pk_or_404(str(pk)))


@require_POST
def start_monitoring(request, pk: int):
    project = _project(request, pk)
    made = {}

    def call():
        made["monitoring"] = services.start_monitoring(project, user=request.user)

    if run_action(request, call, _("The monitoring is started: fill in the indicators.")):
        return redirect("budget_monitoring:inspect", made["monitoring"].pk)
    return _back_to_project(project)


@require_http_methods(["GET", "POST"])
def monitoring(request, pk):
    """The monitoring form; the department fills it in while it is a draft."""
    chosen = _monitoring(request, pk)
    page = monitoring_page(chosen, request.user)

    def record(progress, lines):
        services.record_monitoring(chosen, user=request.user, progress=progress, lines=lines)

    return _lined_form(
        request, chosen, page, lines=page["lines"], head_form=MonitoringForm,
        head_field="progress", line_form=MonitoringLineForm, record=record,
        template="budget/monitoring.html", url_name="budget_monitoring:inspect",
        success=_("Saved."),
    )  # fmt: skip


@require_POST
def submit_monitoring(request, pk: int):
    chosen = _monitoring(request, pk)
    run_action(
        request,
        lambda: services.submit_monitoring(chosen, user=request.user),
        _("The monitoring is submitted to finance."),
    )
    return redirect("budget_monitoring:inspect", chosen.pk)


@require_POST
def review_monitoring(request, pk: int):
    chosen = _monitoring(request, pk)
    form = ReasonForm(request.POST)
    comment = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.review_monitoring(chosen, user=request.user, comment=comment),
        _("The monitoring is reviewed."),
    )
    return redirect("budget_monitoring:inspect", chosen.pk)


def monitoring_pdf(request, pk: int):
    chosen = _monitoring(request, pk)
    return pdf_response(
        documents.monitoring_pdf(chosen, monitoring_page(chosen, request.user)),
        _("Monitoring %(project)s to %(month)s月")
        % {"project": chosen.project, "month": chosen.month},
    )


def board_summary(request):
    """The year's budget for the board of trustees: totals, by department and by funding
    source against the time schedule, and the self-evaluation grades; no project's lines."""
    require(request.user, BudgetProject, "board")
    today = timezone.localdate()
    year = year_or_none(request.GET.get("year")) or today.year
    month = default_month(year, today)
    report = execution_report(BudgetProject.objects.all(), year=year, month=month)
    grades = dict(
        SelfEvaluation.objects.filter(project__year=year - 1)
        .exclude(grade="")
        .values_list("grade")
        .annotate(count=Count("pk"))
        .order_by()
    )
    years = sorted(set(BudgetProject.objects.values_list("year", flat=True)), reverse=True)
    return TemplateResponse(
        request,
        "budget/board_summary.html",
        {
            "report": report,
            "year": year,
            "years": years or [year],
            "month": month,
            "projects": len(report.projects),
            "lagging": len(report.lagging),
            "grades": [(label, grades.get(v, 0)) for v, label in SelfEvaluation.Grade.choices],
            "last_year": year - 1,
        },
    )
