"""Reads for the home page's staffing panels: HR's day (staff short of continuing-education
hours, certificates about to expire, the last staff import) and a person's own hours.
Plain data in a fixed number of queries; every row reached through the access API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from wagtail.log_actions import registry as log_registry

from governance.access import visible
from governance.people import person_name

from ..importers.staff import IMPORT_ACTION
from ..models import Certificate, Staff
from .compliance import Requirement, assess_staff, compliance_listing, training_years

LIST_LIMIT = 8


def expiry_days() -> int:
    return int(getattr(settings, "SHUXIANG_CERTIFICATE_EXPIRY_DAYS", 90))


@dataclass(frozen=True)
class ShortRow:
    staff_id: int
    name: str
    unit: str
    total: Decimal
    hours_short: Decimal
    professional_short: Decimal


@dataclass(frozen=True)
class ExpiringRow:
    staff_id: int
    name: str
    unit: str
    kind: str
    expires: dt.date


@dataclass(frozen=True)
class LastImport:
    by: str
    at: dt.datetime
    created: int
    updated: int


@dataclass
class HrHome:
    year: int
    required: int = 0  # professional-technical staff in post, who carry the requirement
    short_count: int = 0
    short: list[ShortRow] = field(default_factory=list)
    within_days: int = 90
    expiring_count: int = 0
    expiring: list[ExpiringRow] = field(default_factory=list)
    last_import: LastImport | None = None


def last_staff_import() -> LastImport | None:
    """Who imported the staff sheet last, when, and how many records it added or changed
    (from the history entries the import writes, which share one id). Two queries; an
    import that changed nothing leaves no entry."""
    model = log_registry.get_log_model_for_model(Staff)
    entry = (
        model.objects.filter(action=IMPORT_ACTION)
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None:
        return None
    counts = model.objects.filter(action=IMPORT_ACTION, uuid=entry.uuid).aggregate(
        created=Count("pk", filter=Q(data__created=True)), total=Count("pk")
    )
    return LastImport(
        # No user: run from the command line (manage.py import_staff).
        by=person_name(entry.user) if entry.user else _("the command line"),
        at=entry.timestamp,
        created=counts["created"],
        updated=counts["total"] - counts["created"],
    )


def hr_home(user, *, today: dt.date, within_days: int | None = None) -> HrHome:
    """HR's day. A fixed number of queries whatever the number of staff."""
    within_days = expiry_days() if within_days is None else within_days
    requirement = Requirement.from_settings()
    home = HrHome(year=today.year, within_days=within_days)
    listing = compliance_listing(user, year=today.year, requirement=requirement)
    home.required = listing.count()
    short = compliance_listing(user, year=today.year, short_only=True, requirement=requirement)
    home.short_count = short.count()
    for person in short[:LIST_LIMIT]:
        compliance = assess_staff(person, requirement)
        home.short.append(
            ShortRow(
                staff_id=person.pk,
                name=person.name,
                unit=person.unit_label,
                total=compliance.total,
                hours_short=compliance.hours_short,
                professional_short=compliance.professional_short,
            )
        )
    expiring = (
        visible(user, Certificate)
        .filter(
            expires__gte=today,
            expires__lte=today + dt.timedelta(days=within_days),
            staff__status__in=[Staff.Status.IN_POST, Staff.Status.SECONDED],
        )
        .select_related("staff", "staff__unit")
        .order_by("expires", "pk")
    )
    home.expiring_count = expiring.count()
    home.expiring = [
        ExpiringRow(
            staff_id=c.staff_id,
            name=c.staff.name,
            unit=str(c.staff.unit),
            kind=c.kind,
            expires=c.expires,
        )
        for c in expiring[:LIST_LIMIT]
    ]
    home.last_import = last_staff_import()
    return home


@dataclass(frozen=True)
class OwnHours:
    year: int
    staff_id: int
    total: Decimal
    professional: Decimal
    general: Decimal
    required: bool
    min_hours: Decimal
    hours_short: Decimal
    is_short: bool
    summary: str


def own_hours(user, *, year: int) -> OwnHours | None:
    """The user's own continuing-education hours in ``year`` against the requirement;
    None when no staff record is linked to the login (three queries)."""
    staff = visible(user, Staff).filter(user=user).select_related("unit").first()
    if staff is None:
        return None
    compliance = training_years(staff, year, year)[0].compliance
    return OwnHours(
        year=year,
        staff_id=staff.pk,
        total=compliance.total,
        professional=compliance.professional,
        general=compliance.general,
        required=compliance.required,
        min_hours=compliance.requirement.min_hours,
        hours_short=compliance.hours_short,
        is_short=compliance.is_short,
        summary=compliance.summary,
    )
