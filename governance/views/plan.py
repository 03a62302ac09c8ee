"""Admin views of the plan's workflows: report progress, add a
partner contribution, review, close a period, the dashboard and its documents. Every
view reaches its rows through the access API (`governance.access`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from governance.access import (
    get_for_action_or_404,
    get_user_access,
    may,
    may_for_instance,
    require,
    visible,
)
from governance.access.viewsets import OperationView
from governance.documents import (
    PROGRESS_DOCUMENT,
    TRACKING_DOCUMENT,
    export_assignment,
    progress_report_pdf,
    tracking_workbook,
)
from governance.forms import (
    AsOfForm,
    ContributionForm,
    ReportForm,
    ReviewForm,
    VersionForm,
    started_open_periods,
)
from governance.importers.assignment import apply_assignment, read_assignment
from governance.models import (
    Contribution,
    ContributionEvidence,
    Evidence,
    OrgUnit,
    Period,
    Plan,
    PlanAdjustment,
    PlanItem,
    PlanVersion,
    ProgressReport,
)
from governance.selectors.dashboard import PAGE_AT_RISK, plan_dashboard
from governance.selectors.plan import current_plan, overdue_items
from governance.selectors.reports import (
    chaseable_periods,
    close_blockers,
    partner_notes,
    previous_report,
    reminder_targets,
    report_refusal,
    with_previous_percent,
)
from governance.selectors.revisions import plan_versions, version_dashboard
from governance.services.plan import (
    accept_reports,
    close_period,
    remind_period,
    review_report,
    save_contribution,
    submit_report,
)
from governance.views.documents import offer_document
from reporting import staging
from reporting.forms import SpreadsheetUploadForm
from reporting.imports import ImportFailed
from reporting.responses import pdf_response, xlsx_response


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- reporting -----------------------------------------------------------------------------


def _may_report(user, item: PlanItem) -> bool:
    """A head acting for the lead unit, or the person the task is given to (the owner
    grant ``report_planitem`` on the item)."""
    return may_for_instance(user, ProgressReport(item=item), "add", "change") or may_for_instance(
        user, item, "report"
    )


def _reportable_item(request, pk: int) -> PlanItem:
    """The item, if the user may report on it; 404 otherwise, so an item out of scope
    looks like no item at all."""
    item = get_for_action_or_404(
        request.user, PlanItem.objects.select_related("plan", "lead_unit"), "view", pk=pk
    )
    if not _may_report(request.user, item):
        raise Http404
    return item


def _default_period(plan: Plan, item: PlanItem | None = None) -> Period | None:
    """What is still owed first: the earliest open period that has begun (for an item,
    the earliest whose report is not accepted yet; the latest open one when all are)."""
    periods = started_open_periods(plan).order_by("year", "quarter")
    if item is None:
        return periods.first()
    accepted = ProgressReport.objects.filter(item=item, status=ProgressReport.Status.ACCEPTED)
    return periods.exclude(pk__in=accepted.values("period")).first() or periods.last()


def report_item(request, item_pk: int):
    """The lead unit's head (or the task's responsible person) reports on one item for a
    period, starting from last quarter's figures; partners' notes are shown. When the
    period's report is accepted or the period closed, the page says so instead."""
    item = _reportable_item(request, item_pk)
    period = _default_period(item.plan, item)
    if request.GET.get("period", "").isdigit():
        period = get_object_or_404(Period, plan=item.plan, pk=_bounded_int(request.GET["period"]))
    refusal, existing = report_refusal(item, period)
    previous = previous_report(item, period) if period else None
    context = {
        "item": item,
        "period": period,
        "refusal": refusal,
        "existing": existing,
        "previous": previous,
        "contributions": visible(request.user, Contribution.objects.filter(item=item))
        .select_related("unit", "period", "author")
        .prefetch_related(
            Prefetch("evidence_files", queryset=visible(request.user, ContributionEvidence))
        )
        .order_by("-period__year", "-period__quarter", "unit__path"),
        "history": visible(request.user, ProgressReport.objects.filter(item=item))
        .select_related("period")
        .prefetch_related(Prefetch("evidence_files", queryset=visible(request.user, Evidence)))
        .order_by("-period__year", "-period__quarter"),
        "existing_evidence": visible(request.user, Evidence.objects.filter(report=existing))
        if existing
        else [],
    }
    if refusal:
        return TemplateResponse(request, "governance/plan/report_form.html", context)
    source = existing or previous
    initial = {"period": period}
    if source:
        initial.update(percent=source.percent, health=source.health)
        if existing:
            initial.update(narrative=existing.narrative, next_steps=existing.next_steps)
    may_attach = _may_report(request.user, item) and (
        may_for_instance(request.user, Evidence(report=ProgressReport(item=item)), "add")
        or may_for_instance(request.user, item, "report")
    )
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
                evidence_files=data.get("evidence") or [],
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
    context["form"] = form
    return TemplateResponse(request, "governance/plan/report_form.html", context)


def contribute(request, item_pk: int):
    """A partner unit's head writes their unit's contribution to an item, with its own
    evidence files."""
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
    period = _default_period(item.plan)
    existing = (
        visible(request.user, Contribution.objects.filter(item=item, unit=unit, period=period))
        .prefetch_related("evidence_files")
        .first()
    )
    form = ContributionForm(
        request.POST or None,
        request.FILES or None,
        plan=item.plan,
        initial={"period": period, "text": existing.text if existing else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_contribution(
                item,
                form.cleaned_data["period"],
                unit,
                user=request.user,
                text=form.cleaned_data["text"],
                evidence_files=form.cleaned_data.get("evidence") or [],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Contribution of %(unit)s saved.") % {"unit": unit})
            return redirect("governance_planitem:index")
    return TemplateResponse(
        request,
        "governance/plan/contribute.html",
        {"item": item, "unit": unit, "form": form, "existing": existing},
    )


# -- review --------------------------------------------------------------------------------


def review_queue(request):
    """Submitted reports waiting for the planning office, oldest first, 50 a page, each
    with last quarter's figure, the next steps and the partner units' notes."""
    require(request.user, ProgressReport, "review")
    reports = with_previous_percent(
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
    notes = partner_notes(request.user, page.object_list)
    rows = [(report, notes.get((report.item_id, report.period_id), [])) for report in page]
    units = OrgUnit.objects.filter(
        pk__in=PlanItem.objects.filter(reports__status="submitted").values("lead_unit")
    ).order_by("path")
    open_periods = chaseable_periods() if may(request.user, Period, "change") else []
    return TemplateResponse(
        request,
        "governance/plan/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "units": units,
            "unit": unit,
            "form": ReviewForm(),
            "open_periods": open_periods,
        },
    )


@require_POST
def accept_selected(request):
    """Accept the reports ticked in the review queue (one audit entry each)."""
    require(request.user, ProgressReport, "review")
    next_url = request.POST.get("next")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("plan_review_queue")
    pks = [_bounded_int(pk) for pk in request.POST.getlist("report")]
    reports = list(
        visible(request.user, ProgressReport, ["review"]).filter(pk__in=pks).select_related("item")
    )
    if not pks or len(reports) != len(set(pks)):
        messages.error(request, _("Choose the reports to accept (tick them in the list)."))
        return redirect(next_url)
    try:
        accept_reports(reports, reviewer=request.user)
    except ValidationError as error:
        messages.error(
            request, _("Nothing was accepted: %(error)s") % {"error": _error_text(error)}
        )
    else:
        messages.success(request, _("%(count)s reports accepted.") % {"count": len(reports)})
    return redirect(next_url)


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
    """Confirm, then close a period. The confirmation lists the reports that keep it
    open (waiting for review, returned) and the items that would become overdue."""

    model = Period
    action = "change"
    pk_url_kwarg = "period_pk"
    template_name = "governance/plan/close_period.html"
    success_url_name = "governance_period:index"

    def get_success_url(self):
        return reverse(self.success_url_name)

    def get_failure_url(self):
        # Back to the confirmation, which lists what keeps the period open.
        return reverse("plan_close_period", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        missing = overdue_items(self.object.plan, self.object)
        blockers = list(close_blockers(self.object))
        return {
            "period": self.object,
            "missing": missing[:200],
            "missing_count": missing.count(),
            "waiting": [r for r in blockers if r.status == ProgressReport.Status.SUBMITTED],
            "returned": [r for r in blockers if r.status == ProgressReport.Status.RETURNED],
            "blocked": bool(blockers),
            **kwargs,
        }

    def perform_operation(self):
        close_period(self.object, user=self.request.user)

    def get_success_message(self):
        return _("Period %(period)s closed.") % {"period": self.object}


class RemindPeriodView(OperationView):
    """催报: confirm, then e-mail everyone who still owes a report for the period."""

    model = Period
    action = "change"
    pk_url_kwarg = "period_pk"
    template_name = "governance/plan/remind_period.html"

    def get_success_url(self):
        return self.next_url or reverse("plan_review_queue")

    def get_context_data(self, **kwargs):
        targets = reminder_targets(self.object)
        reached = {item.pk for items in targets.values() for item in items}
        missing = list(overdue_items(self.object.plan, self.object))
        return {
            "period": self.object,
            "missing_count": len(missing),
            "unreachable": [item for item in missing if item.pk not in reached],
            "targets": sorted(
                ((user, items) for user, items in targets.items()),
                key=lambda pair: pair[0].get_full_name() or pair[0].get_username(),
            ),
            "without_email": [u for u in targets if not u.email],
            **kwargs,
        }

    def perform_operation(self):
        self.count = remind_period(self.object, user=self.request.user)

    def get_success_message(self):
        if not self.count and overdue_items(self.object.plan, self.object).exists():
            return _(
                "Nobody was reminded for %(period)s: no department head or responsible "
                "person with an e-mail address owes a report."
            ) % {"period": self.object}
        if not self.count:
            return _("Nobody to remind for %(period)s: every report is in.") % {
                "period": self.object
            }
        return _("%(count)s people reminded to report for %(period)s.") % {
            "count": self.count,
            "period": self.object,
        }


# -- dashboard and documents ---------------------------------------------------------------


def _current_plan(form: AsOfForm) -> Plan | None:
    if form.is_valid() and form.cleaned_data.get("plan"):
        return form.cleaned_data["plan"]
    return current_plan()


def dashboard(request):
    """The plan as it stands (the default), or with ``?version=N`` one of its stored
    versions: its outline and targets as they were, beside the figures of the date."""
    require(request.user, PlanItem, "view")
    form = AsOfForm(request.GET or None)
    plan = _current_plan(form)
    if plan is not None and not request.GET.get("plan"):
        form = AsOfForm({**request.GET.dict(), "plan": plan.pk})
    context = {"form": form, "plan": plan, **_version_choice(request, plan, form.as_of_date())}
    if plan is not None and "past" not in context:
        board = plan_dashboard(
            plan, user=request.user, as_of=form.as_of_date(), listed=PAGE_AT_RISK
        )
        context["board"] = board
        context["at_risk_shown"] = board.at_risk[:PAGE_AT_RISK]
    return TemplateResponse(request, "governance/plan/dashboard.html", context)


def _version_choice(request, plan: Plan | None, as_of: dt.date) -> dict:
    """The select of the plan's versions, for those who may read them (not a head, whose
    dashboard is their units' items), and with ``?version=N`` that version — 404 when the
    plan has no such version or the user may not read it."""
    versions = plan_versions(plan, user=request.user) if plan else []
    choice = VersionForm(request.GET or None, versions=versions) if versions else None
    context = {"version_form": choice}
    number = request.GET.get("version", "")
    if number:
        version = get_for_action_or_404(
            request.user,
            PlanVersion.objects.filter(plan=plan).select_related(
                "plan", "adjustment__resolution__meeting"
            ),
            "view",
            number=_bounded_int(number),
        )
        context["past"] = version_dashboard(version, versions=versions, as_of=as_of)
        context["may_view_adjustment"] = may(request.user, PlanAdjustment, "view")
    return context


def _plan_with_items_for(request, plan_pk: int) -> Plan:
    """A plan the user sees items of (a head has no right on plans as such)."""
    plans = Plan.objects.filter(pk__in=visible(request.user, PlanItem).values("plan"))
    return get_object_or_404(plans, pk=plan_pk)


def _tracking_items(user, plan: Plan):
    return (
        PlanItem.objects.filter(plan=plan)
        .visible_to(user)
        .select_related("lead_unit", "responsible")
        .prefetch_related(Prefetch("partner_units", queryset=OrgUnit.objects.order_by("path")))
    )


def tracking_xlsx(request, plan_pk: int):
    require(request.user, PlanItem, "view")
    plan = _plan_with_items_for(request, plan_pk)
    items = _tracking_items(request.user, plan)
    as_of = AsOfForm(request.GET or None).as_of_date()
    title = _("%(plan)s tracking table as of %(date)s") % {
        "plan": plan.title,
        "date": as_of.isoformat(),
    }
    return offer_document(
        request,
        TRACKING_DOCUMENT,
        rows=items.count(),
        params={"plan": plan.pk, "as_of": as_of.isoformat()},
        title=title,
        filename=f"{title}.xlsx",
        render=lambda: xlsx_response(tracking_workbook(plan, items, as_of=as_of), title),
    )


def tracking_document(user, params: dict, progress) -> bytes:
    """The tracking table as a background document, made in the worker with the items
    ``user`` may see now."""
    require(user, PlanItem, "view")
    plan = Plan.objects.filter(pk__in=visible(user, PlanItem).values("plan")).get(pk=params["plan"])
    as_of = dt.date.fromisoformat(params["as_of"])
    return tracking_workbook(plan, _tracking_items(user, plan), as_of=as_of, progress=progress)


def progress_pdf(request, plan_pk: int):
    require(request.user, PlanItem, "view", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    as_of = AsOfForm(request.GET or None).as_of_date()
    board = plan_dashboard(plan, user=request.user, as_of=as_of)
    title = _("%(plan)s progress as of %(date)s") % {
        "plan": plan.title,
        "date": as_of.isoformat(),
    }
    return offer_document(
        request,
        PROGRESS_DOCUMENT,
        rows=len(board.at_risk) + len(board.overdue),
        params={"plan": plan.pk, "as_of": as_of.isoformat()},
        title=title,
        filename=f"{title}.pdf",
        render=lambda: pdf_response(progress_report_pdf(board), title),
    )


def progress_document(user, params: dict, progress) -> bytes:
    """The progress report as a background document, made in the worker for ``user``
    (who must still see the whole plan)."""
    require(user, PlanItem, "view", everywhere=True)
    plan = get_for_action_or_404(user, Plan, "view", pk=params["plan"])
    as_of = dt.date.fromisoformat(params["as_of"])
    return progress_report_pdf(plan_dashboard(plan, user=user, as_of=as_of))


# -- assignment by spreadsheet -------------------------------------------------------------


def assignment_xlsx(request, plan_pk: int):
    require(request.user, PlanItem, "change", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    return xlsx_response(export_assignment(plan), _("%(plan)s assignment") % {"plan": plan.title})


ASSIGNMENT_SESSION_KEY = "shuxiang_assignment_import"


def assignment_import(request, plan_pk: int):
    """Upload the filled-in assignment sheet, see what would change (item → old and new
    lead unit, partners, responsible person…), then confirm or cancel. Every bad cell is
    listed and nothing is saved until the preview is confirmed."""
    require(request.user, PlanItem, "change", everywhere=True)
    plan = get_for_action_or_404(request.user, Plan, "view", pk=plan_pk)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        info = request.session.pop(ASSIGNMENT_SESSION_KEY, None) or {}
        data = staging.take(info.get("token", "")) if info.get("plan") == plan.pk else None
        if data is None:
            messages.error(request, _("The upload has expired: choose the file again."))
            return redirect("plan_assignment_import", plan_pk=plan.pk)
        if action == "cancel":
            messages.success(request, _("Import cancelled: nothing was saved."))
            return redirect("plan_assignment_import", plan_pk=plan.pk)
        try:
            count = apply_assignment(plan, read_assignment(plan, data), user=request.user)
        except ImportFailed as error:
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
            return _assignment_page(request, plan, SpreadsheetUploadForm(), error.errors)
        messages.success(request, _("%(count)s items assigned.") % {"count": count})
        return redirect(reverse("governance_planitem:index") + f"?plan={plan.pk}")
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            changes = read_assignment(plan, data)
        except ImportFailed as error:
            errors = error.errors
            messages.error(request, _("Nothing was saved: correct the cells listed below."))
        else:
            staged = staging.stage(data, upload.name)
            request.session[ASSIGNMENT_SESSION_KEY] = {"token": staged.token, "plan": plan.pk}
            changed = [c for c in changes if c.changed]
            return TemplateResponse(
                request,
                "governance/plan/assignment_preview.html",
                {
                    "plan": plan,
                    "name": upload.name,
                    "changed": changed,
                    "unchanged_count": len(changes) - len(changed),
                },
            )
    return _assignment_page(request, plan, form, errors)


def _assignment_page(request, plan, form, errors):
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
