"""Admin views of the plan's workflows: import a document, report progress, add a
partner contribution, review, close a period, the dashboard and its documents."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

from .access import get_user_access
from .models import Contribution, OrgUnit, Period, Plan, PlanItem, ProgressReport
from .plan_forms import (
    AsOfForm,
    ContributionForm,
    PlanImportForm,
    ReportForm,
    ReviewForm,
    started_open_periods,
)
from .plan_import import PlanImportError, parse_plan_file
from .plan_services import (
    close_period,
    import_plan,
    overdue_items,
    review_report,
    save_contribution,
    submit_report,
)
from .roles import evidence_collection
from .selectors import plan_dashboard

SESSION_KEY = "shuxiang_plan_import"


def _policy(model):
    return policy_registry.get_by_type(model)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- import --------------------------------------------------------------------------------


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "plan-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old_uploads(hours: int = 24) -> None:
    """Previews abandoned without confirm or cancel leave their file: drop old ones."""
    limit = time.time() - hours * 3600
    for path in _import_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _pending_file(request) -> tuple[Path, dict] | None:
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return None
    path = _import_dir() / pending["token"]
    return (path, pending) if path.exists() else None


def plan_import(request):
    """Upload a plan document, preview the outline read from it, then confirm or cancel."""
    if not _policy(Plan).user_has_permission(request.user, "add"):
        raise PermissionDenied
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        pending = _pending_file(request)
        request.session.pop(SESSION_KEY, None)
        if pending is None:
            messages.error(request, _("The upload has expired: choose the file again."))
            return redirect("plan_import")
        path, info = pending
        data = path.read_bytes()
        path.unlink(missing_ok=True)
        if action == "cancel":
            messages.success(request, _("Import cancelled: nothing was saved."))
            return redirect("plan_import")
        try:
            plan = import_plan(
                parse_plan_file(info["name"], data),
                user=request.user,
                start_year=info.get("start_year"),
            )
        except (PlanImportError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            messages.error(request, message)
            return redirect("plan_import")
        messages.success(
            request,
            _("Plan “%(title)s” imported with %(count)s items; assign their units next.")
            % {"title": plan.title, "count": plan.items.count()},
        )
        return redirect(reverse("governance_planitem:index") + f"?plan={plan.pk}")

    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            parsed = parse_plan_file(upload.name, data)
        except PlanImportError as error:
            form.add_error("file", str(error))
        else:
            _forget_old_uploads()
            token = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
            (_import_dir() / token).write_bytes(data)
            request.session[SESSION_KEY] = {
                "token": token,
                "name": upload.name,
                "start_year": form.cleaned_data.get("start_year"),
            }
            return TemplateResponse(
                request,
                "governance/plan/import_preview.html",
                {"parsed": parsed, "name": upload.name},
            )
    return TemplateResponse(request, "governance/plan/import.html", {"form": form})


# -- reporting -----------------------------------------------------------------------------


def _item_for(request, pk: int, model, build) -> PlanItem:
    """The item, if the user may add a ``model`` row for it (404 otherwise)."""
    item = get_object_or_404(PlanItem.objects.select_related("plan", "lead_unit"), pk=pk)
    if not _policy(model).user_has_any_permission_for_instance(
        request.user, ["add", "change"], build(item)
    ):
        raise Http404
    return item


def _default_period(plan: Plan) -> Period | None:
    """The earliest open period that has begun: what a head still owes first."""
    return started_open_periods(plan).order_by("year", "quarter").first()


def report_item(request, item_pk: int):
    """The lead unit's head reports on one item for a period; partners' notes are shown."""
    item = _item_for(request, item_pk, ProgressReport, lambda i: ProgressReport(item=i))
    period = _default_period(item.plan)
    if request.GET.get("period", "").isdigit():
        period = get_object_or_404(Period, plan=item.plan, pk=request.GET["period"])
    existing = ProgressReport.objects.filter(item=item, period=period).first()
    initial = {"period": period}
    if existing:
        initial.update(
            percent=existing.percent,
            health=existing.health,
            narrative=existing.narrative,
            next_steps=existing.next_steps,
        )
    form = ReportForm(request.POST or None, request.FILES or None, plan=item.plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # no stray evidence file when the report is refused
                evidence = []
                if data.get("evidence"):
                    evidence = [_save_document(request, data["evidence"], item)]
                submit_report(
                    item,
                    data["period"],
                    user=request.user,
                    percent=data["percent"],
                    health=data["health"],
                    narrative=data["narrative"],
                    next_steps=data["next_steps"],
                    evidence=evidence,
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
        "contributions": Contribution.objects.filter(item=item)
        .select_related("unit", "period", "author")
        .order_by("-period__year", "-period__quarter"),
        "history": ProgressReport.objects.filter(item=item)
        .select_related("period")
        .order_by("-period__year", "-period__quarter"),
    }
    return TemplateResponse(request, "governance/plan/report_form.html", context)


def _save_document(request, upload, item):
    document = get_document_model()(
        title=f"{item} · {upload.name}"[:255],
        file=upload,
        collection=evidence_collection(),
        uploaded_by_user=request.user,
    )
    document.full_clean()
    document.save()
    return document


def contribute(request, item_pk: int):
    """A partner unit's head writes their unit's contribution to an item."""
    item = get_object_or_404(PlanItem.objects.select_related("plan", "lead_unit"), pk=item_pk)
    access = get_user_access(request.user)
    policy = _policy(Contribution)
    units = [
        unit
        for unit in item.partner_units.all()
        if policy.user_has_any_permission_for_instance(
            request.user, ["add", "change"], Contribution(unit=unit)
        )
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


def _require_review(request):
    if not _policy(ProgressReport).user_has_permission(request.user, "review"):
        raise PermissionDenied


def review_queue(request):
    """Submitted reports waiting for the planning office, oldest first, 50 a page."""
    _require_review(request)
    reports = (
        ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED)
        .select_related("item", "item__lead_unit", "item__plan", "period", "author")
        .prefetch_related("evidence")
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


@require_POST
def review(request, report_pk: int):
    _require_review(request)
    report = get_object_or_404(ProgressReport.objects.select_related("item"), pk=report_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or return the report."))
        return redirect("plan_review_queue")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        review_report(
            report, reviewer=request.user, accept=accept, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, f"{report.item}: {_error_text(error)}")
    else:
        if accept:
            messages.success(request, _("Report on “%(item)s” accepted.") % {"item": report.item})
        else:
            messages.success(request, _("Report on “%(item)s” returned.") % {"item": report.item})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("plan_review_queue")
    return redirect(back)


def close_period_view(request, period_pk: int):
    """Confirm, then close a period; lists what would become overdue."""
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_pk)
    if not _policy(Period).user_has_permission_for_instance(request.user, "change", period):
        raise PermissionDenied
    if request.method == "POST":
        try:
            close_period(period, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Period %(period)s closed.") % {"period": period})
        return redirect("governance_period:index")
    missing = overdue_items(period.plan, period)
    return TemplateResponse(
        request,
        "governance/plan/close_period.html",
        {"period": period, "missing": missing[:200], "missing_count": missing.count()},
    )


# -- dashboard and documents ---------------------------------------------------------------


def _current_plan(form: AsOfForm) -> Plan | None:
    if form.is_valid() and form.cleaned_data.get("plan"):
        return form.cleaned_data["plan"]
    return (
        Plan.objects.filter(status=Plan.Status.IN_FORCE).order_by("-start_year").first()
        or Plan.objects.order_by("-start_year").first()
    )


def dashboard(request):
    if not _policy(PlanItem).user_has_permission(request.user, "view"):
        raise PermissionDenied
    form = AsOfForm(request.GET or None)
    plan = _current_plan(form)
    if plan is not None and not request.GET.get("plan"):
        form = AsOfForm({**request.GET.dict(), "plan": plan.pk})
    context = {"form": form, "plan": plan}
    if plan is not None:
        context["board"] = plan_dashboard(plan, user=request.user, as_of=form.as_of_date())
    return TemplateResponse(request, "governance/plan/dashboard.html", context)


def tracking_xlsx(request, plan_pk: int):
    from .exports import tracking_workbook

    if not _policy(PlanItem).user_has_permission(request.user, "view"):
        raise PermissionDenied
    plan = get_object_or_404(Plan, pk=plan_pk)
    items = (
        _policy(PlanItem)
        .filter_queryset(request.user, PlanItem.objects.filter(plan=plan), ["view"])
        .select_related("lead_unit", "responsible")
        .prefetch_related(Prefetch("partner_units", queryset=OrgUnit.objects.order_by("path")))
    )
    as_of = AsOfForm(request.GET or None).as_of_date()
    response = HttpResponse(
        tracking_workbook(plan, items, as_of=as_of),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-tracking.xlsx"'
    return response


def progress_pdf(request, plan_pk: int):
    from .pdf import progress_report_pdf

    if not _policy(PlanItem).user_has_global_permission(request.user, "view"):
        raise PermissionDenied
    plan = get_object_or_404(Plan, pk=plan_pk)
    as_of = AsOfForm(request.GET or None).as_of_date()
    board = plan_dashboard(plan, user=request.user, as_of=as_of)
    response = HttpResponse(progress_report_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{plan.pk}-progress-{as_of.isoformat()}.pdf"'
    )
    return response


# -- assignment by spreadsheet -------------------------------------------------------------


def _require_assign(request):
    if not _policy(PlanItem).user_has_global_permission(request.user, "change"):
        raise PermissionDenied


def assignment_xlsx(request, plan_pk: int):
    from .assignment import export_assignment

    _require_assign(request)
    plan = get_object_or_404(Plan, pk=plan_pk)
    response = HttpResponse(
        export_assignment(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-assignment.xlsx"'
    return response


def assignment_import(request, plan_pk: int):
    """Upload the filled-in assignment sheet; every bad cell is listed and nothing saved."""
    from .assignment import AssignmentImportError, import_assignment
    from .plan_forms import SpreadsheetUploadForm

    _require_assign(request)
    plan = get_object_or_404(Plan, pk=plan_pk)
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = import_assignment(plan, form.cleaned_data["file"].read(), user=request.user)
        except AssignmentImportError as error:
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
