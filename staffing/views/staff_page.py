"""The staff page's sections beside the record itself: posts, titles, education and unit
history, training hours by year and certificates. Each list is one query, narrowed by its
own model's policy, so the page costs the same however long the person's history is."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from governance.access import may

from ..models import (
    Certificate,
    EducationRecord,
    ExternalTraining,
    PostAppointment,
    Staff,
    TitleRecord,
    UnitAssignment,
)
from ..selectors.compliance import training_years
from .certificates import may_download_certificates

TRAINING_YEARS = 5  # the current year and the four before it (not before the hire year)


def training_window(staff: Staff) -> tuple[int, int]:
    this_year = timezone.localdate().year
    first = this_year - TRAINING_YEARS + 1
    if staff.hire_date:
        first = max(first, min(staff.hire_date.year, this_year))
    return first, this_year


def staff_page(staff: Staff, user, related: Callable[[QuerySet], QuerySet]) -> dict[str, object]:
    """The template context of the sections; ``related`` narrows a queryset by its
    model's policy (the inspect view's ``related``)."""
    first, last = training_window(staff)
    downloads = may_download_certificates(user)
    return {
        "unit_label": str(staff.unit),
        "posts": list(related(PostAppointment.objects.filter(staff=staff).order_by("-start"))),
        "unit_history": list(
            related(
                UnitAssignment.objects.filter(staff=staff)
                .select_related("unit")
                .order_by(F("start").desc(nulls_last=True), "-pk")
            )
        ),
        "education_history": list(
            related(
                EducationRecord.objects.filter(staff=staff).order_by(
                    F("obtained").desc(nulls_last=True), "-pk"
                )
            )
        ),
        "titles": list(related(TitleRecord.objects.filter(staff=staff).order_by("-obtained"))),
        "training_years": list(reversed(training_years(staff, first, last))),
        "qualifications": list(
            related(Certificate.objects.filter(staff=staff).order_by("-issued"))
        ),
        "certificate_files": list(
            related(
                ExternalTraining.objects.filter(staff=staff)
                .exclude(certificate="")
                .order_by("-date")
            )
        ),
        "may_download_certificates": downloads,
        # HR corrects a dated row in the history's own listing, found by the 工号.
        "unit_history_url": (
            f"{reverse('staffing_unitassignment:index')}?q={staff.staff_number}"
            if may(user, UnitAssignment, "change")
            else ""
        ),
        "education_history_url": (
            f"{reverse('staffing_educationrecord:index')}?q={staff.staff_number}"
            if may(user, EducationRecord, "change")
            else ""
        ),
        "today": timezone.localdate(),
    }
