"""Admin views of continuing education: the compliance listing (and its workbook), a
person's training page and their training record PDF."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import get_for_action_or_404, may, policy_for
from governance.models import OrgUnit
from governance.views.documents import offer_document
from reporting.responses import pdf_response, xlsx_response

from ..documents import COMPLIANCE_DOCUMENT, compliance_workbook
from ..documents import training_record_pdf as render_training_record
from ..models import Staff
from ..selectors.compliance import (
    Requirement,
    assess_staff,
    compliance_listing,
    pass_rates_by_library,
    training_years,
)

PER_PAGE = 50
MAX_YEARS = 20  # a record PDF covers at most this many years


def _year(value: str | None) -> int:
    """The year asked for, else the current one."""
    this_year = timezone.localdate().year
    try:
        year = int(value or "")
    except ValueError:
        return this_year
    return year if 1900 <= year <= 2100 else this_year


def _years(value: str | None) -> tuple[int, int]:
    """``2024`` or a range ``2021-2025``; the current year when missing or unusable."""
    first, sep, last = (value or "").partition("-")
    if not sep:
        year = _year(first)
        return year, year
    start, end = _year(first), _year(last)
    if str(start) != first.strip() or str(end) != last.strip() or not 0 <= end - start < MAX_YEARS:
        year = timezone.localdate().year
        return year, year
    return start, end


def _visible_units(user) -> list[OrgUnit]:
    """The units whose staff the user sees (empty when they only see themselves); refuses
    users who see no staff at all."""
    units = list(policy_for(Staff).units_for(user, ["view"]).order_by("path"))
    if not units and not may(user, Staff, "view"):
        raise PermissionDenied
    return units


def compliance_document(user, params: dict, progress) -> bytes:
    """The compliance workbook as a background document, made in the worker for ``user``
    with the units and staff they may see now."""
    units = _visible_units(user)
    unit = next((u for u in units if u.pk == params.get("unit")), None)
    year = params["year"]
    requirement = Requirement.for_year(year)
    staff = compliance_listing(
        user, year=year, unit=unit, short_only=params.get("short", False), requirement=requirement
    )
    return compliance_workbook(staff, year, requirement, progress=progress)


def compliance_index(request):
    """Professional-technical staff and their hours in a year, the short ones flagged."""
    units = _visible_units(request.user)  # each named with its library (OrgUnit.label)
    year = _year(request.GET.get("year"))
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    short_only = request.GET.get("short") == "1"
    requirement = Requirement.for_year(year)  # the year's rule: past years keep theirs
    staff = compliance_listing(
        request.user, year=year, unit=unit, short_only=short_only, requirement=requirement
    )
    if request.GET.get("export") == "xlsx":
        title = _("Continuing education %(year)s") % {"year": year}
        return offer_document(
            request,
            COMPLIANCE_DOCUMENT,
            rows=staff.count(),
            params={"year": year, "unit": unit.pk if unit else None, "short": short_only},
            title=title,
            filename=f"{title}.xlsx",
            render=lambda: xlsx_response(compliance_workbook(staff, year, requirement), title),
        )
    pass_rates, total = pass_rates_by_library(
        request.user, year=year, unit=unit, requirement=requirement
    )
    page = Paginator(staff, PER_PAGE).get_page(request.GET.get("p"))
    people = list(page)
    rows = [(person, assess_staff(person, requirement)) for person in people]
    filters = {"year": year}
    if unit is not None:
        filters["unit"] = unit.pk
    if short_only:
        filters["short"] = "1"
    return TemplateResponse(
        request,
        "staffing/compliance.html",
        {
            "page": page,
            "rows": rows,
            "units": units,
            "unit": unit,
            "year": year,
            "short_only": short_only,
            "requirement": requirement,
            "query": urlencode(filters),
            "all_query": urlencode({k: v for k, v in filters.items() if k != "short"}),
            "pass_rates": pass_rates,
            "total": total,
        },
    )


def my_training(request, staff_pk: int | None = None):
    """A person's hours and training in a year: one's own, or (by id) anyone's the user
    may view — HR everyone's, a head their units' staff."""
    people = Staff.objects.select_related("unit")
    if staff_pk is None:
        staff = people.filter(user=request.user).first()
    else:
        staff = get_for_action_or_404(request.user, people, "view", pk=staff_pk)
    year = _year(request.GET.get("year"))
    context = {"staff": staff, "year": year}
    if staff is not None:
        context["training"] = training_years(staff, year, year)[0]
    return TemplateResponse(request, "staffing/my_training.html", context)


def training_record_pdf(request, staff_pk: int):
    staff = get_for_action_or_404(
        request.user, Staff.objects.select_related("unit"), "view", pk=staff_pk
    )
    first, last = _years(request.GET.get("year"))
    data = render_training_record(staff, training_years(staff, first, last))
    period = str(first) if first == last else f"{first}-{last}"
    return pdf_response(
        data,
        _("Training record %(name)s %(number)s %(period)s")
        % {"name": staff.name, "number": staff.staff_number, "period": period},
    )
