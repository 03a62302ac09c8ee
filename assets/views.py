"""The depreciation actions: post a month (GET shows the month to post, last month by
default; POST runs the service) and reverse the latest month in force (POST from the
run's page). The access API fetches the run (out of scope: 404); a refusal comes back as
a message, nothing changes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages

from governance.access import get_for_action_or_404, require
from reporting.responses import xlsx_response

from . import documents, services
from .forms import CorrectionForm, MonthForm
from .models import DepreciationRun


@require_http_methods(["GET", "POST"])
def post_depreciation(request):
    require(request.user, DepreciationRun, "add")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    form = MonthForm(
        request.POST or None, initial={"year": last_month.year, "month": last_month.month}
    )
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
        try:
            run = services.run_depreciation(year, month, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(run)s: %(cards)s cards, %(total)s yuan.")
                % {"run": run, "cards": run.cards, "total": f"{run.total:,.2f}"},
            )
            return redirect("assets_depreciationrun:inspect", run.pk)
    latest = DepreciationRun.objects.filter(live=True).order_by("-year", "-month").first()
    return TemplateResponse(
        request, "assets/post_depreciation.html", {"form": form, "latest": latest}
    )


@require_POST
def reverse_depreciation(request, pk: int):
    run = get_for_action_or_404(request.user, DepreciationRun, "view", pk=pk)
    form = CorrectionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        correction = services.reverse_run(run, user=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assets_depreciationrun:inspect", run.pk)
    messages.success(request, _("%(run)s is reversed.") % {"run": run})
    return redirect("assets_depreciationrun:inspect", correction.pk)


def run_summary_xlsx(request, pk: int):
    """A run's depreciation by account and funding source, for the accountant."""
    run = get_for_action_or_404(request.user, DepreciationRun, "view", pk=pk)
    return xlsx_response(
        documents.run_summary(run), _("Depreciation summary %(run)s") % {"run": run}
    )
