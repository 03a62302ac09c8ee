"""Admin views of the plan's workflows: report progress, add a
partner contribution, review, close a period, the dashboard and its documents. Every
view reaches its rows through the access API (`governance.access`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from governance.access import (
    get_for_action_or_404,
    get_user_access,
    may_for_instance,
    require,
    visible,
)
from governance.access.viewsets import OperationView
from governance.documents import export_assignment, progress_report_pdf, tracking_workbook
from governance.forms import (
    AsOfForm,
    ContributionForm,
    ReportForm,
    ReviewForm,
    started_open_periods,
)
from governance.importers.assignment import import_assignment
from governance.models import (
    Contribution,
    Evidence,
    OrgUnit,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)
from governance.selectors.dashboard import plan_dashboard
from governance.selectors.plan import overdue_items
from governance.services.plan import (
    close_period,
    review_report,
    save_contribution,
    submit_report,
)
from reporting.forms import SpreadsheetUploadForm
from reporting.imports import ImportFailed
from reporting.responses import pdf_response, xlsx_response


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- reporting -----------------------------------------------------------------------------


def _item_for(request, pk: int, row) -> PlanItem:
    """The item, if the user may write ``row(item)`` (a report or contribution) for it;
    404 otherwise, so an item out of scope looks like no item at all."""
    item = get_for_action_or_404(
        request.user, PlanItem.objects.select_related("plan", "lead_unit"), "view", pk=pk
    )
    if not may_for_instance(request.user, row(item), "add", "change"):
        raise Http404
    return item


def _default_period(plan: Plan) -> Period | None:
    """The earliest open period that has begun: what a head still owes first."""
    return started_open_periods(plan).order_by("year", "quarter").first()


def report_item(request, item_pk: int):
    """The lead unit's head reports on one item for a period; partners' notes are shown."""
    item = _item_for(request, item_pk, lambda i: ProgressReport(item=i))
    period = _default_period(item.plan)
    if request.GET.get("period", "").isdigit():
        period = get_object_or_404(Period, plan=item.plan, pk=_bounded_int(request.GET["period"]))
    existing = ProgressReport.objects.filter(item=item, period=period).first()
    initial = {"period": period}
    if existing:
        initial.update(
            percent=existing.percent,
            health=existing.health,
            narrative=existing.narrative,
            next_steps=existing.next_steps,
        )
    may_attach = may_for_instance(request.user, Evidence(report=ProgressReport(item=item)), "add")
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        plan=item.plan,
        initial=initial,
        evidence=may_attach,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_report(
                item,
                data["period"],
                user=request.user,
                percent=data["percent"],
                health=data["health"],
                narrative=data["narrative"],
                next_steps=data["next_steps"],
                evidence_files=[data["evidence"]] if data.get("evidence") else [],
                draft="save_draft" in request.POST,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                _("Report on “%(item)s” saved.") % {"item": item}
                if "save_draft" in request.POST
                else _("Report on “%(item)s” submitted for review.") % {"item": item},
            )
            return redirect(reverse("governance_planitem:index") + f"?plan={item.plan_id}")
    context = {
        "item": item,
        "form": form,
        "existing": existing,
        "contributions": visible(request.user, Contribution.objects.filter(item=item))
        .select_related("unit", "period", "author")
        .order_by("-period__year", "-period__quarter"),
        "history": visible(request.user, ProgressReport.objects.filter(item=item))
        .select_related("period")
        .prefetch_related(Prefetch("evidence_files", queryset=visible(request.user, Evidence)))
        .order_by("-period__year", "-period__quarter"),
        "existing_evidence": visible(request.user, Evidence.objects.filter(report=existing))
        if existing
        else [],
    }
    return TemplateResponse(request, "governance/plan/report_form.html", context)


def contribute(request, item_pk: int):
    """A partner unit's head writes their unit's contribution to an item."""
    item = get_for_action_or_404(
        request.user, PlanItem.objects.select_related("plan", "lead_unit"), "view", pk=item_pk
    )
    access = get_user_access(request.user)
    units = [
        unit
        for unit in item.partner_units.all()
        if may_for_instance(request.user, Contribution(unit=unit), "add", "change")
    ]
    if not units:
        raise Http404
    unit = next((u for u in units if u.pk in access.unit_ids), units[0])
    form = ContributionForm(
        request.POST or None, plan=item.plan, initial={"period": _default_period(item.plan)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_contribution(
                item,
                form.cleaned_data["period"],
                unit,
                user=request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Contribution of %(unit)s saved.") % {"unit": unit})
            return redirect("governance_planitem:index")
    return TemplateResponse(
        request,
        "governance/plan/contribute.html",
        {"item": item, "unit": unit, "form": form},
    )


# -- review --------------------------------------------------------------------------------


def review_queue(request):
    """Submitted reports waiting for the planning office, oldest first, 50 a page."""
    require(request.user, ProgressReport, "review")
    reports = (
        visible(request.user, ProgressReport, ["review"])
        .filter(status=ProgressReport.Status.SUBMITTED)
        .select_related("item", "item__lead_unit", "item__plan", "period", "author")
        .prefetch_related(Prefetch("evidence_files", queryset=visible(request.user, Evidence)))
        .order_by("submitted_at", "pk")
    )
    unit = request.GET.get("unit")
    if unit:
        reports = reports.filter(item__lead_unit__path__startswith=unit)
    page = Paginator(reports, 50).get_page(request.GET.get("p"))
    units = OrgUnit.objects.filter(
        pk__in=PlanItem.objects.filter(reports__status="submitted").values("lead_unit")
    ).order_by("path")
    return TemplateResponse(
        request,
        "governance/plan/review_queue.html",
        {"page": page, "units": units, "unit": unit, "form": ReviewForm()},
    )


class ReviewReportView(OperationView):
    """Accept or return a submitted report (POST from the review queue)."""

    model = ProgressReport
    action = "review"
    pk_url_kwarg = "report_pk"
    form_class = ReviewForm
    http_method_names = ["post"]

    def get_base_object_queryset(self):
        return super().get_base_object_queryset().select_related("item")

    def get_success_url(self):
        return self.next_url or reverse("plan_review_queue")

    def invalid_form_message(self):
        return _("Choose to accept or return the report.")

    def error_message(self, error):
        return f"{self.object.item}: {super().error_message(error)}"

    def perform_operation(self):
        self.accept = self.form.cleaned_data["decision"] == "accept"
        review_report(
            self.object,
            reviewer=self.request.user,
            accept=self.accept,
            comment=self.form.cleaned_data["comment"],
        )

    def get_success_message(self):
        if self.accept:
            return _("Report on “%(item)s” accepted.") % {"item": self.object.item}
        return _("Report on “%(item)s” returned.") % {"item": self.object.item}


class ClosePeriodView(OperationView):
    """Confirm, then close a period; the confirmation lists what would become overdue."""

    model = Period
    action = "change"
    pk_url_kwarg = "period_pk"
    template_name = "governance/plan/close_period.html"
    success_url_name = "governance_period:index"

    def get_success_url(self):
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs):
        missing = overdue_items(self.object.plan, self.object)
        return {
            "period": self.object,
            "missing": missing[:200],
            "missing_count": missing.count(),
            **kwargs,
        }

    def perform_operation(self):
        close_period(self.object, user=self.request.user)

    def get_success_message(self):
        return _("Period %(period)s closed.") % {"period": self.object}


# -- dashboard and documents ---------------------------------------------------------------


def _current_plan(form: AsOfForm) -> Plan | None:
    if form.is_valid() and form.cleaned_data.get("plan"):
        return form.cleaned_data["plan"]
    return (
        Plan.objects.filter(status=Plan.Status.IN_FORCE).order_by("-start_year").first()
        or Plan.objects.order_by("-start_year").first()
    )


def dashboard(request):
    require(request.user, PlanItem, "view")
    form = AsOfForm(request.GET or None)
    plan = _current_plan(form)
    if plan is not None and not request.GET.get("plan"):
        form = AsOfForm({**request.GET.dict(), "plan": plan.pk})
    context = {"form": form, "plan": plan}
    if plan is not None:
        context["board"] = plan_dashboard(plan, user=request.user, as_of=form.as_of_date())
    return TemplateResponse(request, "governance/plan/dashboard.html", context)


def _plan_with_items_for(request, plan_pk: int) -> Plan:
    """A plan the user sees items of (a head has no right on plans as such)."""
    plans = Plan.objects.filter(pk__in=visible(request.user, PlanItem).values("plan"))
    return get_object_or_404(plans, pk=plan_pk)


def tracking_xlsx(request, plan_pk: int):
    require(request.user, PlanItem, "view")
    plan = _plan_with_items_for(request, plan_pk)
    items = (
        PlanItem.objects.filter(plan=plan)
        .visible_to(request.user)
        .select_related("lead_unit", "responsible")
        .prefetch_related(Prefetch("partner_units", queryset=OrgUnit.objects.order_by("path")))
    )
    as_of = AsOfForm(request.GET or None).as_of_date()
    data = tracking_workbook(plan, items, as_of=as_of)
    return xlsx_response(data, _("%(plan)s tracking table") % {"plan": plan.title})


def progress_pdf(request, plan_pk: int):
    require(request.user, PlanItem, "view", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    as_of = AsOfForm(request.GET or None).as_of_date()
    board = plan_dashboard(plan, user=request.user, as_of=as_of)
    return pdf_response(
        progress_report_pdf(board),
        _("%(plan)s progress as of %(date)s") % {"plan": plan.title, "date": as_of.isoformat()},
    )


# -- assignment by spreadsheet -------------------------------------------------------------


def assignment_xlsx(request, plan_pk: int):
    require(request.user, PlanItem, "change", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    return xlsx_response(export_assignment(plan), _("%(plan)s assignment") % {"plan": plan.title})


def assignment_import(request, plan_pk: int):
    """Upload the filled-in assignment sheet; every bad cell is listed and nothing saved."""
    require(request.user, PlanItem, "change", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = import_assignment(plan, form.cleaned_data["file"].read(), user=request.user)
        except ImportFailed as error:
            errors = error.errors
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
        else:
            messages.success(request, _("%(count)s items assigned.") % {"count": count})
            return redirect(reverse("governance_planitem:index") + f"?plan={plan.pk}")
    return TemplateResponse(
        request,
        "governance/plan/assignment_import.html",
        {"plan": plan, "form": form, "errors": errors},
    )


def _bounded_int(text: str) -> int:
    """A primary key from a query string: 404 for anything but a plausible integer."""
    if not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)
