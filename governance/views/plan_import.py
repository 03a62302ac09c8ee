"""Admin view that imports a plan document: upload, preview the outline read from it,
then confirm or cancel. The file waits in reporting's staging between the two steps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from governance.access import require
from governance.forms import PlanImportForm
from governance.importers.indicators import import_indicators
from governance.importers.plan import PlanImportError, indicator_workbook, parse_plan_file
from governance.models import Plan
from governance.services.plan import import_plan
from reporting import staging
from reporting.imports import ImportFailed

SESSION_KEY = "shuxiang_plan_import"


def plan_import(request):
    """Upload a plan document, preview the outline read from it, then confirm or cancel."""
    require(request.user, Plan, "add")
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        info = request.session.pop(SESSION_KEY, None) or {}
        data = staging.take(info.get("token", ""))
        if data is None:
            messages.error(request, _("The upload has expired: choose the file again."))
            return redirect("plan_import")
        if action == "cancel":
            messages.success(request, _("Import cancelled: nothing was saved."))
            return redirect("plan_import")
        try:
            with transaction.atomic():
                parsed = parse_plan_file(info["name"], data)
                plan = import_plan(parsed, user=request.user, start_year=info.get("start_year"))
                indicators = 0
                if request.POST.get("indicators") and any(i.importable for i in parsed.indicators):
                    indicators = import_indicators(
                        plan,
                        "indicators.xlsx",
                        indicator_workbook(parsed.indicators),
                        user=request.user,
                    )
        except (PlanImportError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            messages.error(request, message)
            return redirect("plan_import")
        except ImportFailed as error:
            messages.error(
                request,
                _("The indicator table could not be imported, so nothing was saved: %(errors)s")
                % {"errors": " ".join(str(e) for e in error.errors)},
            )
            return redirect("plan_import")
        messages.success(
            request,
            _("Plan “%(title)s” imported with %(count)s items; assign their units next.")
            % {"title": plan.title, "count": plan.items.count()},
        )
        if indicators:
            messages.success(
                request,
                _("%(count)s indicators were imported from the plan's indicator table.")
                % {"count": indicators},
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
            staged = staging.stage(data, upload.name)
            request.session[SESSION_KEY] = {
                "token": staged.token,
                "name": upload.name,
                "start_year": form.cleaned_data.get("start_year"),
            }
            return TemplateResponse(
                request,
                "governance/plan/import_preview.html",
                {"parsed": parsed, "name": upload.name},
            )
    return TemplateResponse(request, "governance/plan/import.html", {"form": form})
