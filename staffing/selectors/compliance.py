"""Continuing-education hours: the yearly requirement, who falls short and by how much,
and each person's training by year.

Hours of a person in a year: attended enrolments (the hours credited, else the program's
hours; counted in the year the program ends) plus external training (in the year of its
date), split into professional and general subjects. Professional-technical staff need at
least ``SHUXIANG_CE_MIN_HOURS`` hours, of which at least ``SHUXIANG_CE_MIN_PROFESSIONAL_SHARE``
(a fraction such as "2/3") in professional subjects. Amounts are Decimals and the share is a
Fraction, so the rule is exact: 60 of 91 hours is short of 2/3, however it is rounded.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils.translation import gettext as _

from governance.access import visible
from governance.models import OrgUnit

from ..models import Enrolment, ExternalTraining, PostCategory, Staff, SubjectType

HOURS = DecimalField(max_digits=9, decimal_places=1)


TENTH = Decimal("0.1")


ZERO = Decimal("0.0")


CREDITED_HOURS = Coalesce("hours", "program__hours", output_field=HOURS)


@dataclass(frozen=True)
class Requirement:
    """The yearly requirement for professional-technical staff, from the settings."""

    min_hours: Decimal
    professional_share: Fraction

    @classmethod
    def from_settings(cls) -> Requirement:
        share = Fraction(str(settings.SHUXIANG_CE_MIN_PROFESSIONAL_SHARE))
        if not 0 <= share <= 1:
            raise ValueError("SHUXIANG_CE_MIN_PROFESSIONAL_SHARE must lie between 0 and 1")
        return cls(Decimal(str(settings.SHUXIANG_CE_MIN_HOURS)), share)

    @property
    def share_text(self) -> str:
        return str(self.professional_share)


def _ceil(value: Fraction) -> Decimal:
    """``value`` rounded up to 0.01 h (a shortfall is never shown smaller than it is),
    written with one decimal when that is exact: 60.67, 60.0."""
    hundredths = Decimal(math.ceil(value * 100)).scaleb(-2)
    tenths = hundredths.quantize(TENTH)
    return tenths if tenths == hundredths else hundredths


def _half_up(value: Fraction, places: int = 1) -> Decimal:
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


def _tenths(value) -> Decimal:
    # SQLite sums decimals as floats; every amount is stored to 0.1 h, so round back to that.
    return Decimal(value or 0).quantize(TENTH)


@dataclass(frozen=True)
class Compliance:
    """One person's hours in one year measured against the requirement."""

    professional: Decimal
    general: Decimal
    required: bool  # only professional-technical posts carry the requirement
    requirement: Requirement

    @property
    def total(self) -> Decimal:
        return self.professional + self.general

    @property
    def hours_short(self) -> Decimal:
        return max(self.requirement.min_hours - self.total, ZERO)

    @property
    def _professional_needed(self) -> Fraction:
        # Measured against the hours the person has to reach: someone below the minimum is
        # told the professional hours that make a compliant year together with the rest.
        base = max(self.total, self.requirement.min_hours)
        return Fraction(base) * self.requirement.professional_share

    @property
    def professional_required(self) -> Decimal:
        """Professional hours needed, rounded up to 0.01 h (60.67 for 91 h at 2/3)."""
        return _ceil(self._professional_needed)

    @property
    def professional_short(self) -> Decimal:
        return _ceil(max(self._professional_needed - Fraction(self.professional), Fraction(0)))

    @property
    def professional_share_percent(self) -> Decimal | None:
        if not self.total:
            return None
        return _half_up(Fraction(self.professional) / Fraction(self.total) * 100)

    @property
    def is_short(self) -> bool:
        return self.required and (
            self.total < self.requirement.min_hours
            or Fraction(self.professional) < self._professional_needed
        )

    @property
    def status(self) -> str:
        if not self.required:
            return _("Not required")
        return _("Short") if self.is_short else _("Compliant")

    @property
    def summary(self) -> str:
        """One line for the person's page and record PDF."""
        rule = {
            "min": self.requirement.min_hours,
            "share": self.requirement.share_text,
        }
        if not self.required:
            return _("No yearly requirement: the person is not in a professional-technical post.")
        if not self.is_short:
            return (
                _(
                    "Meets the requirement of %(min)s hours, at least %(share)s of them in "
                    "professional subjects."
                )
                % rule
            )
        parts = []
        if self.hours_short:
            parts.append(
                _("%(short)s hours short of the %(min)s hours required.")
                % {**rule, "short": self.hours_short}
            )
        if self.professional_short:
            parts.append(
                _(
                    "Professional subjects: %(have)s hours of the %(need)s needed (%(share)s), "
                    "%(short)s hours short."
                )
                % {
                    **rule,
                    "have": self.professional,
                    "need": self.professional_required,
                    "short": self.professional_short,
                }
            )
        return " ".join(parts)


def assess(
    professional,
    general,
    *,
    required: bool = True,
    requirement: Requirement | None = None,
) -> Compliance:
    """``professional`` and ``general`` hours of a year against the requirement."""
    return Compliance(
        professional=_tenths(professional),
        general=_tenths(general),
        required=required,
        requirement=requirement or Requirement.from_settings(),
    )


def assess_staff(staff: Staff, requirement: Requirement | None = None) -> Compliance:
    """A row of ``with_training_hours`` against the requirement."""
    return assess(
        staff.professional_hours,
        staff.general_hours,
        required=staff.post_category == PostCategory.PROFESSIONAL,
        requirement=requirement,
    )


def attended_enrolments(first: int, last: int) -> QuerySet[Enrolment]:
    """Enrolments that earn hours in the years ``first``..``last``."""
    return Enrolment.objects.filter(
        attended=True, program__end__year__gte=first, program__end__year__lte=last
    )


def external_trainings(first: int, last: int) -> QuerySet[ExternalTraining]:
    return ExternalTraining.objects.filter(date__year__gte=first, date__year__lte=last)


def _hours_of_each_staff(records: QuerySet, hours, **subject) -> Coalesce:
    """A correlated subquery: the hours of the outer staff row among ``records``."""
    total = (
        records.filter(staff=OuterRef("pk"), **subject)
        .order_by()
        .values("staff")
        .annotate(total=Sum(hours, output_field=HOURS))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HOURS), Value(ZERO), output_field=HOURS)


def with_training_hours(staff: QuerySet[Staff], year: int) -> QuerySet[Staff]:
    """``staff`` annotated with ``professional_hours``, ``general_hours`` and ``total_hours``
    in ``year``, in the same query whatever the number of rows."""
    enrolments, external = attended_enrolments(year, year), external_trainings(year, year)

    def hours(subject: str):
        return _hours_of_each_staff(
            enrolments, CREDITED_HOURS, program__subject_type=subject
        ) + _hours_of_each_staff(external, F("hours"), subject_type=subject)

    return staff.annotate(
        professional_hours=hours(SubjectType.PROFESSIONAL),
        general_hours=hours(SubjectType.GENERAL),
    ).annotate(total_hours=F("professional_hours") + F("general_hours"))


def only_short(staff: QuerySet[Staff], requirement: Requirement | None = None) -> QuerySet[Staff]:
    """Rows of ``with_training_hours`` short of the requirement, decided in SQL exactly.

    Amounts are compared in whole tenths of an hour (integers, so SQLite's float sums cannot
    tip a boundary) and the share without division: P < s·(P + G) ⇔ P·(d − n) < n·G.
    """
    requirement = requirement or Requirement.from_settings()
    share = requirement.professional_share
    minimum = Fraction(requirement.min_hours) * 10

    def tenths(name: str):
        return Cast(Round(F(name) * Value(Decimal(10))), BigIntegerField())

    def times(expression, factor: int):
        return expression * Value(factor)

    professional, general = tenths("professional_hours"), tenths("general_hours")
    return staff.alias(
        scaled_total=times(professional + general, minimum.denominator),
        scaled_professional=times(professional, share.denominator - share.numerator),
        scaled_general=times(general, share.numerator),
    ).filter(Q(scaled_total__lt=minimum.numerator) | Q(scaled_professional__lt=F("scaled_general")))


def compliance_listing(
    user,
    *,
    year: int,
    unit: OrgUnit | None = None,
    short_only: bool = False,
    requirement: Requirement | None = None,
) -> QuerySet[Staff]:
    """Professional-technical staff in post whom ``user`` may view, with their hours in
    ``year``; in ``unit`` (and the units under it), only those short if asked."""
    staff = visible(user, Staff.objects.in_post().filter(post_category=PostCategory.PROFESSIONAL))
    if unit is not None:
        staff = staff.filter(unit__path__startswith=unit.path)
    staff = with_training_hours(staff.select_related("unit"), year)
    if short_only:
        staff = only_short(staff, requirement)
    return staff.order_by("unit__path", "staff_number", "pk")


@dataclass(frozen=True)
class TrainingRecord:
    """One line of a person's training record: a program attended or external training."""

    year: int
    start: dt.date
    end: dt.date
    name: str
    organiser: str
    subject_type: str
    hours: Decimal
    external: bool

    @property
    def subject_label(self) -> str:
        return SubjectType(self.subject_type).label

    @property
    def dates(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


@dataclass(frozen=True)
class TrainingYear:
    year: int
    records: list[TrainingRecord]
    compliance: Compliance


def training_records(staff: Staff, first: int, last: int) -> list[TrainingRecord]:
    """The person's credited training in the years ``first``..``last``, by date (2 queries)."""
    enrolments = (
        attended_enrolments(first, last)
        .filter(staff=staff)
        .select_related("program")
        .annotate(credited_hours=CREDITED_HOURS)
    )
    records = [
        TrainingRecord(
            year=e.program.end.year,
            start=e.program.start,
            end=e.program.end,
            name=e.program.name,
            organiser=e.program.organiser,
            subject_type=e.program.subject_type,
            hours=_tenths(e.credited_hours),
            external=False,
        )
        for e in enrolments
    ]
    records += [
        TrainingRecord(
            year=t.date.year,
            start=t.date,
            end=t.date,
            name=t.name,
            organiser=t.organiser,
            subject_type=t.subject_type,
            hours=_tenths(t.hours),
            external=True,
        )
        for t in external_trainings(first, last).filter(staff=staff)
    ]
    return sorted(records, key=lambda r: (r.end, r.start, r.name))


def training_years(
    staff: Staff, first: int, last: int, requirement: Requirement | None = None
) -> list[TrainingYear]:
    """Each year ``first``..``last`` with the person's records and compliance."""
    requirement = requirement or Requirement.from_settings()
    records = training_records(staff, first, last)
    required = staff.post_category == PostCategory.PROFESSIONAL
    years = []
    for year in range(first, last + 1):
        mine = [r for r in records if r.year == year]

        def hours(subject: str, mine=mine) -> Decimal:
            return sum((r.hours for r in mine if r.subject_type == subject), ZERO)

        compliance = assess(
            hours(SubjectType.PROFESSIONAL),
            hours(SubjectType.GENERAL),
            required=required,
            requirement=requirement,
        )
        years.append(TrainingYear(year, mine, compliance))
    return years


# -- Pass rates by unit, grouped by library (HR's screens) -------------------------------


@dataclass(frozen=True)
class PassRate:
    """Professional-technical staff in post assessed in a unit (or a library, or all) and
    how many of them fall short."""

    unit: OrgUnit | None
    assessed: int
    short: int

    @property
    def passed(self) -> int:
        return self.assessed - self.short

    @property
    def rate(self) -> Decimal | None:
        """The pass rate in %, to 0.1 (None when nobody is assessed)."""
        if not self.assessed:
            return None
        return _half_up(Fraction(self.passed * 100, self.assessed))


@dataclass
class LibraryPassRates:
    library: OrgUnit | None  # None: units outside any library
    total: PassRate
    units: list[PassRate]


def pass_rates_by_library(
    user, *, year: int, unit: OrgUnit | None = None, requirement: Requirement | None = None
) -> tuple[list[LibraryPassRates], PassRate]:
    """The pass rate of each unit in ``year`` among the staff ``compliance_listing`` lists,
    grouped by library with its subtotal, and the grand total: four queries whatever the
    number of staff or units."""
    from django.db.models import Count

    from .structure import library_of

    staff = compliance_listing(user, year=year, unit=unit, requirement=requirement).order_by()
    assessed = dict(staff.values_list("unit").annotate(n=Count("pk")).order_by())
    short = dict(only_short(staff, requirement).values_list("unit").annotate(n=Count("pk")))
    units = list(OrgUnit.objects.filter(pk__in=list(assessed)).order_by("path"))
    libraries = library_of(units)
    groups: dict[int | None, LibraryPassRates] = {}
    for u in units:
        library = libraries[u.pk]
        rate = PassRate(u, assessed[u.pk], short.get(u.pk, 0))
        group = groups.setdefault(
            library.pk if library else None, LibraryPassRates(library, PassRate(library, 0, 0), [])
        )
        group.units.append(rate)
        group.total = PassRate(
            library, group.total.assessed + rate.assessed, group.total.short + rate.short
        )
    total = PassRate(None, sum(assessed.values()), sum(short.values()))
    return list(groups.values()), total
