"""Continuing-education hours: the yearly requirement, who falls short and by how much,
and each person's training by year.

Hours of a person in a year: attended enrolments (the hours credited, else the program's
hours; counted in the year the program ends) plus external training (in the year of its
date), split into professional and general subjects. Amounts are Decimals and shares
Fractions, so the rule is exact: 60 of 91 hours is short of 2/3, however it is rounded.

The requirement is the year's ``ContinuingEducationRule`` (HR keeps one per year, so a
change never rewrites a past year), else the defaults in the settings (``SHUXIANG_CE_*``):
the hours required, the professional hours as a share of the total or a fixed minimum,
and how people who joined or left during the year are treated — pro-rated by the months
employed (the joining and the leaving month counted whole: a July joiner needs 6/12 of
90 = 45 hours), exempt, or held to the full requirement.

Who a year concerns: people employed at some time in it (hired by its end; not left or
retired before it — a leaver without a leaving date is never counted) whose post held
in the year is professional-technical: the appointment in force last in that year (the
staff row's category for someone without a post history).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, NullIf, Round
from django.db.models.lookups import Exact, IsNull
from django.db.models.sql.constants import LOUTER
from django.db.models.sql.datastructures import Join
from django.utils.translation import gettext as _

from governance.access import visible
from governance.models import OrgUnit

from ..models import (
    ContinuingEducationRule,
    Enrolment,
    ExternalTraining,
    PostAppointment,
    PostCategory,
    Staff,
    SubjectType,
)

Rule = ContinuingEducationRule
GONE = (Staff.Status.LEFT, Staff.Status.RETIRED)

HOURS = DecimalField(max_digits=9, decimal_places=1)


TENTH = Decimal("0.1")


ZERO = Decimal("0.0")


CREDITED_HOURS = Coalesce("hours", "program__hours", output_field=HOURS)


@dataclass(frozen=True)
class Requirement:
    """The yearly requirement for professional-technical staff: a year's
    ``ContinuingEducationRule`` or the settings' defaults."""

    min_hours: Decimal
    professional_share: Fraction
    professional_rule: str = Rule.ProfessionalRule.SHARE
    professional_min_hours: Decimal | None = None
    joiners_rule: str = Rule.JoinersRule.PRORATE

    @classmethod
    def from_settings(cls) -> Requirement:
        share = Fraction(str(settings.SHUXIANG_CE_MIN_PROFESSIONAL_SHARE))
        if not 0 <= share <= 1:
            raise ValueError("SHUXIANG_CE_MIN_PROFESSIONAL_SHARE must lie between 0 and 1")
        kind = getattr(settings, "SHUXIANG_CE_PROFESSIONAL_RULE", Rule.ProfessionalRule.SHARE)
        joiners = getattr(settings, "SHUXIANG_CE_JOINERS_RULE", Rule.JoinersRule.PRORATE)
        if kind not in Rule.ProfessionalRule.values:
            raise ValueError("SHUXIANG_CE_PROFESSIONAL_RULE must be 'share' or 'minimum'")
        if joiners not in Rule.JoinersRule.values:
            raise ValueError("SHUXIANG_CE_JOINERS_RULE must be 'prorate', 'exempt' or 'none'")
        minimum = getattr(settings, "SHUXIANG_CE_MIN_PROFESSIONAL_HOURS", None)
        return cls(
            Decimal(str(settings.SHUXIANG_CE_MIN_HOURS)),
            share,
            kind,
            None if minimum is None else Decimal(str(minimum)),
            joiners,
        )

    @classmethod
    def from_rule(cls, rule: ContinuingEducationRule) -> Requirement:
        share = Fraction(rule.professional_share.strip() or "0")
        return cls(
            rule.total_hours,
            share,
            rule.professional_rule_kind,
            rule.professional_min_hours,
            rule.joiners_rule,
        )

    @classmethod
    def for_year(cls, year: int) -> Requirement:
        """The requirement of ``year`` (one query)."""
        rule = Rule.objects.filter(year=year).first()
        return cls.from_settings() if rule is None else cls.from_rule(rule)

    @classmethod
    def for_years(cls, first: int, last: int) -> dict[int, Requirement]:
        """The requirement of each year ``first``..``last`` (one query)."""
        rules = {r.year: r for r in Rule.objects.filter(year__gte=first, year__lte=last)}
        default = cls.from_settings()
        return {
            year: cls.from_rule(rules[year]) if year in rules else default
            for year in range(first, last + 1)
        }

    @property
    def by_minimum(self) -> bool:
        return self.professional_rule == Rule.ProfessionalRule.MINIMUM

    @property
    def share_text(self) -> str:
        """The professional part as written in sentences: "2/3", or "60 hours"."""
        if self.by_minimum:
            return _("%(hours)s hours") % {"hours": self.professional_min_hours}
        return str(self.professional_share)

    @property
    def description(self) -> str:
        """The whole rule in one or two sentences, for a page or a document."""
        text = _(
            "Professional-technical staff need at least %(hours)s hours of continuing "
            "education a year, at least %(share)s of them in professional subjects."
        ) % {"hours": self.min_hours, "share": self.share_text}
        joiners = Rule.JoinersRule(self.joiners_rule).label
        return (
            text
            + " "
            + _("People who joined or left during the year: %(rule)s.") % {"rule": joiners}
        )

    def months_factor(self, months: int) -> Fraction:
        """The part of the year's hours required of someone employed ``months`` months of
        the year (1 for a whole year or the "none" rule; 0 when exempt)."""
        if months >= 12 or self.joiners_rule == Rule.JoinersRule.NONE:
            return Fraction(1)
        if self.joiners_rule == Rule.JoinersRule.EXEMPT:
            return Fraction(0)
        return Fraction(max(months, 0), 12)

    def exempts(self, months: int) -> bool:
        return months < 12 and self.joiners_rule == Rule.JoinersRule.EXEMPT


def months_employed(staff: Staff, year: int) -> int:
    """Months of ``year`` in which ``staff`` was employed, the joining and the leaving
    month counted whole (0 when not employed in the year). The date of leaving is the
    first day gone, as on the staff row."""
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if staff.hire_date and staff.hire_date > last_day:
        return 0
    start = staff.hire_date.month if staff.hire_date and staff.hire_date >= first_day else 1
    end = 12
    if staff.status in GONE:
        if staff.status_date is None or staff.status_date <= first_day:
            return 0
        if staff.status_date <= last_day:
            last_employed = staff.status_date - dt.timedelta(days=1)
            end = last_employed.month
    return max(end - start + 1, 0)


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
    months: int = 12  # months of the year employed (joiners and leavers: fewer)

    @property
    def total(self) -> Decimal:
        return self.professional + self.general

    @property
    def exempt(self) -> bool:
        """Joined or left during the year, under a rule that exempts them."""
        return self.required and self.requirement.exempts(self.months)

    @property
    def applies(self) -> bool:
        return self.required and not self.exempt

    @property
    def _factor(self) -> Fraction:
        return self.requirement.months_factor(self.months)

    @property
    def _hours_needed(self) -> Fraction:
        return Fraction(self.requirement.min_hours) * self._factor

    @property
    def min_hours(self) -> Decimal:
        """The hours this person needs this year (pro-rated for part of a year)."""
        return _ceil(self._hours_needed)

    @property
    def prorated(self) -> bool:
        return self.applies and self._factor != 1

    @property
    def hours_short(self) -> Decimal:
        return _ceil(max(self._hours_needed - Fraction(self.total), Fraction(0)))

    @property
    def _professional_needed(self) -> Fraction:
        if self.requirement.by_minimum:
            return Fraction(self.requirement.professional_min_hours or 0) * self._factor
        # Measured against the hours the person has to reach: someone below the minimum is
        # told the professional hours that make a compliant year together with the rest.
        base = max(Fraction(self.total), self._hours_needed)
        return base * self.requirement.professional_share

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
        return self.applies and (
            Fraction(self.total) < self._hours_needed
            or Fraction(self.professional) < self._professional_needed
        )

    @property
    def status(self) -> str:
        if self.months <= 0:
            return _("Not employed that year")
        if not self.required:
            return _("Not required")
        if self.exempt:
            return _("Exempt (joined or left during the year)")
        return _("Short") if self.is_short else _("Compliant")

    @property
    def summary(self) -> str:
        """One line for the person's page and record PDF."""
        rule = {
            "min": self.min_hours,
            "share": self.requirement.share_text,
            "months": self.months,
        }
        if self.months <= 0:
            return _("No requirement: the person was not employed that year.")
        if not self.required:
            return _("No yearly requirement: the person is not in a professional-technical post.")
        if self.exempt:
            return (
                _(
                    "No requirement this year: employed %(months)s months of it, and people who "
                    "joined or left during the year are exempt."
                )
                % rule
            )
        prefix = ""
        if self.prorated:
            prefix = _("Pro-rated for %(months)s months employed this year.") % rule + " "
        if not self.is_short:
            return prefix + (
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
        return prefix + " ".join(parts)


def assess(
    professional,
    general,
    *,
    required: bool = True,
    requirement: Requirement | None = None,
    months: int = 12,
) -> Compliance:
    """``professional`` and ``general`` hours of a year against the requirement (the
    settings' default when none is given), for someone employed ``months`` of it."""
    return Compliance(
        professional=_tenths(professional),
        general=_tenths(general),
        required=required,
        requirement=requirement or Requirement.from_settings(),
        months=months,
    )


def assess_staff(staff: Staff, requirement: Requirement | None = None) -> Compliance:
    """A row of ``compliance_listing`` (or ``with_training_hours``) against the
    requirement: the post held in the year and the months employed when annotated."""
    category = getattr(staff, "post_in_year", staff.post_category)
    return assess(
        staff.professional_hours,
        staff.general_hours,
        required=category == PostCategory.PROFESSIONAL,
        requirement=requirement,
        months=getattr(staff, "months_in_year", 12),
    )


def employed_in(year: int, staff: QuerySet[Staff] | None = None) -> QuerySet[Staff]:
    """Staff employed at some time in ``year``: hired by its end (an unknown hire date
    counts) and not left or retired before it (an unknown leaving date: never counted)."""
    staff = Staff.objects.all() if staff is None else staff
    gone = Q(status__in=GONE) & (
        Q(status_date__isnull=True) | Q(status_date__lte=dt.date(year, 1, 1))
    )
    hired = Q(hire_date__isnull=True) | Q(hire_date__lte=dt.date(year, 12, 31))
    return staff.filter(hired).exclude(gone)


def post_category_in(year: int) -> Case:
    """For a staff row: the category of the post held last in ``year`` (the appointment
    in force in the year that started last); the staff row's category when they have no
    post history, none when their history has no post in that year."""
    mine = PostAppointment.objects.filter(staff=OuterRef("pk"))
    in_year = mine.filter(start__lte=dt.date(year, 12, 31)).filter(
        Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1))
    )
    return Case(
        When(
            Exists(mine),
            then=Subquery(in_year.order_by("-start", "-pk").values("category")[:1]),
        ),
        default=F("post_category"),
        output_field=CharField(),
    )


def _in_year(year: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start__lte": dt.date(year, 12, 31)}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": dt.date(year, 1, 1)})
    )


def _posts_held_in(year: int, people: QuerySet) -> tuple[QuerySet, QuerySet]:
    """For ``people`` (``pk`` values): the post held last in ``year`` by each person who
    held one in it (``staff_id``, ``held``: the appointment in force in the year that
    started last, ties broken by the later row), and each person with a post history
    (``staff_id``, ``posts``). Two derived tables, each person's row found once."""
    mine = PostAppointment.objects.filter(staff__in=people).order_by()
    later = PostAppointment.objects.filter(_in_year(year), staff=OuterRef("staff")).filter(
        Q(start__gt=OuterRef("start")) | Q(start=OuterRef("start"), pk__gt=OuterRef("pk"))
    )
    held = (
        mine.filter(_in_year(year))
        .filter(~Exists(later))
        .annotate(held=F("category"))
        .values("staff_id", "held")
    )
    history = mine.values("staff_id").annotate(posts=Count("pk")).values("staff_id", "posts")
    return held, history


def with_post_in_year(
    staff: QuerySet[Staff], year: int, scope: QuerySet[Staff] | None = None
) -> QuerySet[Staff]:
    """``staff`` with ``post_in_year`` as an alias (for filtering): the category of the post
    held last in ``year``; the staff row's category when they have no post history, none
    when their history has no post in that year. Worked out once per person in derived
    tables joined to the rows (``scope`` limits the people, as in ``with_training_hours``)."""
    if connection.vendor == "sqlite":
        # SQLite looks a person's posts up by index, row by row, faster than it builds and
        # joins the derived tables (PostgreSQL, the other way round: and its estimate of
        # the correlated subqueries is so far off that it compiles the query, JIT).
        return staff.alias(post_in_year=post_category_in(year))
    scope = staff if scope is None else scope
    staff = staff.all()
    query = staff.query
    base = query.get_initial_alias()
    held, history = _posts_held_in(year, scope.order_by().values("pk"))
    held_alias = query.join(_JoinedAggregate(held.query, base, "ce_post"))
    history_alias = query.join(_JoinedAggregate(history.query, base, "ce_posts"))
    no_history = IsNull(_JoinedColumn(history_alias, "staff_id", IntegerField()), True)
    return staff.alias(
        post_in_year=Case(
            When(no_history, then="post_category"),
            default=_JoinedColumn(held_alias, "held", CharField()),
            output_field=CharField(),
        )
    )


class _NativeOnSQLite:
    """A date part read by SQLite's own ``strftime`` rather than Django's Python function,
    which SQLite calls back for every row."""

    strftime: str

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime(%s, {sql}) AS INTEGER)", (self.strftime, *params)


class _Month(_NativeOnSQLite, ExtractMonth):
    strftime = "%m"


class _Day(_NativeOnSQLite, ExtractDay):
    strftime = "%d"


def months_in(year: int) -> Case:
    """For a staff row: the months of ``year`` employed (as ``months_employed``), in SQL."""
    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = Case(
        When(hire_date__gte=first_day, hire_date__lte=last_day, then=_Month("hire_date")),
        default=Value(1),
        output_field=IntegerField(),
    )
    leaving = Q(status__in=GONE, status_date__gt=first_day, status_date__lte=last_day)
    end = Case(
        # Leaving on the 1st: the month before is the last one employed.
        When(leaving & Q(Exact(_Day("status_date"), 1)), then=_Month("status_date") - Value(1)),
        When(leaving, then=_Month("status_date")),
        default=Value(12),
        output_field=IntegerField(),
    )
    return end - start + Value(1)


def attended_enrolments(first: int, last: int) -> QuerySet[Enrolment]:
    """Enrolments that earn hours in the years ``first``..``last``."""
    return Enrolment.objects.filter(
        attended=True, program__end__year__gte=first, program__end__year__lte=last
    )


def external_trainings(first: int, last: int) -> QuerySet[ExternalTraining]:
    return ExternalTraining.objects.filter(date__year__gte=first, date__year__lte=last)


_NO_RELATION = SimpleNamespace(related_model=SimpleNamespace(_meta=SimpleNamespace(db_table=None)))


class _JoinedAggregate(Join):
    """``LEFT OUTER JOIN (grouped query) alias ON alias.staff_id = staff.id``: a derived
    table with one row per person, joined once instead of a subquery run for every row.
    Django cannot join a subquery by itself; this entry of the query's ``alias_map`` does
    (it is relabelled with the query, so the queryset still nests and counts)."""

    _tokens = itertools.count()

    def __init__(
        self, subquery, parent_alias, name, table_alias=None, token=None, join_type=LOUTER
    ):
        self.subquery = subquery
        self.table_name = name
        self.parent_alias = parent_alias
        self.table_alias = name if table_alias is None else table_alias
        self.join_type = join_type
        self.nullable = True
        self.filtered_relation = None
        # Read by Django when the queryset is nested in another query; not a real relation.
        self.join_field = _NO_RELATION
        self.token = next(self._tokens) if token is None else token

    def as_sql(self, compiler, connection):
        sql, params = self.subquery.get_compiler(connection=connection).as_sql()
        qn = compiler.quote_name_unless_alias
        alias, parent = qn(self.table_alias), qn(self.parent_alias)
        pk = connection.ops.quote_name(Staff._meta.pk.column)
        on = f"{alias}.{connection.ops.quote_name('staff_id')} = {parent}.{pk}"
        return f"{self.join_type} ({sql}) {alias} ON ({on})", tuple(params)

    def relabeled_clone(self, change_map):
        return self.__class__(
            self.subquery,
            change_map.get(self.parent_alias, self.parent_alias),
            self.table_name,
            change_map.get(self.table_alias, self.table_alias),
            self.token,
            self.join_type,
        )

    @property
    def identity(self):
        return (self.__class__, self.table_name, self.parent_alias, self.token)


class _JoinedColumn(Expression):
    """A column of a ``_JoinedAggregate``: ``alias.column``."""

    def __init__(self, alias: str, column: str, output_field):
        super().__init__(output_field=output_field)
        self.alias, self.column = alias, column

    def as_sql(self, compiler, connection):
        qn = compiler.quote_name_unless_alias
        return f"{qn(self.alias)}.{connection.ops.quote_name(self.column)}", []

    def relabeled_clone(self, relabels):
        return self.__class__(relabels.get(self.alias, self.alias), self.column, self.output_field)

    def get_group_by_cols(self):
        return [self]


def _hours_by_staff(records: QuerySet, hours, subject: str) -> QuerySet:
    """``records`` grouped by person: ``staff_id``, ``professional`` and ``general`` hours."""

    def part(kind: str):
        return Sum(hours, filter=Q(**{subject: kind}), output_field=HOURS)

    return (
        records.order_by()
        .values("staff_id")
        .annotate(professional=part(SubjectType.PROFESSIONAL), general=part(SubjectType.GENERAL))
        .values("staff_id", "professional", "general")
    )


def with_training_hours(
    staff: QuerySet[Staff], year: int, scope: QuerySet[Staff] | None = None
) -> QuerySet[Staff]:
    """``staff`` annotated with ``professional_hours``, ``general_hours`` and ``total_hours``
    in ``year``, in the same query whatever the number of rows: the hours of each person
    are summed once, in one grouped query per source (attended enrolments, external
    training) joined to the staff rows. ``scope`` (staff rows, e.g. those the user may
    view) limits the people whose hours are summed; by default ``staff`` itself."""
    scope = staff if scope is None else scope
    people = scope.order_by().values("pk")
    enrolments = attended_enrolments(year, year).filter(staff__in=people)
    external = external_trainings(year, year).filter(staff__in=people)
    sources = (
        ("ce_enrolled", _hours_by_staff(enrolments, CREDITED_HOURS, "program__subject_type")),
        ("ce_external", _hours_by_staff(external, F("hours"), "subject_type")),
    )
    staff = staff.all()
    query = staff.query
    base = query.get_initial_alias()
    columns = {"professional": [], "general": []}
    for name, grouped in sources:
        alias = query.join(_JoinedAggregate(grouped.query, base, name))
        for column, parts in columns.items():
            parts.append(
                Coalesce(_JoinedColumn(alias, column, HOURS), Value(ZERO), output_field=HOURS)
            )

    def added(parts):
        return ExpressionWrapper(parts[0] + parts[1], output_field=HOURS)

    return staff.annotate(
        professional_hours=added(columns["professional"]),
        general_hours=added(columns["general"]),
    ).annotate(total_hours=F("professional_hours") + F("general_hours"))


def only_short(staff: QuerySet[Staff], requirement: Requirement | None = None) -> QuerySet[Staff]:
    """Rows of ``compliance_listing`` short of the requirement, decided in SQL exactly.

    Amounts are compared in whole tenths of an hour (integers, so SQLite's float sums cannot
    tip a boundary) and fractions without division: with ``f`` = months/12 for a pro-rated
    part-year (else 1), T < f·min ⇔ 12·T·den < num·(12 f); the share rule P < s·(P + G) ⇔
    P·(d − n) < n·G; the fixed-minimum rule P < f·pmin likewise. Rows without
    ``months_in_year`` count as whole years.
    """
    requirement = requirement or Requirement.from_settings()
    share = requirement.professional_share
    minimum = Fraction(requirement.min_hours) * 10

    def tenths(name: str):
        return Cast(Round(F(name) * Value(Decimal(10))), BigIntegerField())

    def times(expression, factor: int):
        return expression * Value(factor)

    has_months = "months_in_year" in staff.query.annotations
    if has_months and requirement.joiners_rule == Rule.JoinersRule.PRORATE:
        twelfths = Case(
            When(months_in_year__lt=12, then=F("months_in_year")),
            default=Value(12),
            output_field=IntegerField(),
        )
    else:
        twelfths = Value(12)
    if has_months and requirement.joiners_rule == Rule.JoinersRule.EXEMPT:
        staff = staff.exclude(months_in_year__lt=12)

    professional, general = tenths("professional_hours"), tenths("general_hours")
    aliases = {
        "scaled_total": times(professional + general, 12 * minimum.denominator),
        "needed_total": twelfths * Value(minimum.numerator),
    }
    if requirement.by_minimum:
        floor = Fraction(requirement.professional_min_hours or 0) * 10
        aliases["scaled_professional"] = times(professional, 12 * floor.denominator)
        aliases["needed_professional"] = twelfths * Value(floor.numerator)
    else:
        aliases["scaled_professional"] = times(professional, share.denominator - share.numerator)
        aliases["needed_professional"] = times(general, share.numerator)
    return staff.alias(**aliases).filter(
        Q(scaled_total__lt=F("needed_total")) | Q(scaled_professional__lt=F("needed_professional"))
    )


# The staff columns ``compliance_listing`` loads; ``post_category`` for ``assess_staff``.
# The attributes of a listed row (``compliance_listing``).
LISTED_ROW = (
    "pk",
    "staff_number",
    "name",
    "title",
    "unit_id",
    "unit_label",
    "post_category",
    "post_in_year",
    "professional_hours",
    "general_hours",
    "total_hours",
    "months_in_year",
)

# ``str(unit)`` in SQL: OrgUnit.__str__ is ``label or name``.
UNIT_LABEL = Coalesce(NullIf("unit__label", Value("")), "unit__name", output_field=CharField())


def compliance_listing(
    user,
    *,
    year: int,
    unit: OrgUnit | None = None,
    short_only: bool = False,
    requirement: Requirement | None = None,
) -> QuerySet:
    """Staff whom ``user`` may view, employed in ``year`` in a professional-technical
    post (the post held in that year), with their hours in ``year`` and the months of it
    employed (``post_in_year``, ``months_in_year``) and their unit's label (``unit_label``,
    as ``str(unit)``); in ``unit`` (and the units under it), only those short if asked.
    The requirement defaults to the year's rule. The rows are named tuples of
    ``LISTED_ROW``, not Staff objects."""
    requirement = requirement or Requirement.for_year(year)
    # The user's scope first: only these people's hours are summed.
    people = visible(user, Staff)
    if unit is not None:
        people = people.filter(unit__in=OrgUnit.objects.filter(path__startswith=unit.path))
    scope = employed_in(year, people)
    # Filtered on the post held in the year, which is then the same for every row.
    staff = with_post_in_year(scope, year).filter(post_in_year=PostCategory.PROFESSIONAL)
    staff = staff.annotate(
        post_in_year=Value(PostCategory.PROFESSIONAL.value, output_field=CharField())
    )
    # The unit's label comes with the row (``unit_label``): no unit object per person.
    staff = staff.annotate(unit_label=UNIT_LABEL)
    # Hours are summed for everyone in the user's scope, employed in the year or not (the
    # rows listed are ``scope``'s): the staff table's unit index alone answers that
    # subquery, where the employment test read every row of it for each source (a third
    # of a head's list on SQLite).
    staff = with_training_hours(staff, year, scope=people).annotate(months_in_year=months_in(year))
    if short_only:
        staff = only_short(staff, requirement)
    # Rows, not model objects: a list of thousands spent more on building Staff objects
    # than on its query (the rows answer to the same attribute names).
    return staff.order_by("unit__path", "staff_number", "pk").values_list(*LISTED_ROW, named=True)


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
    """Each year ``first``..``last`` with the person's records and compliance under that
    year's rule (``requirement`` overrides it for every year), the post held that year
    and the months employed in it (four queries)."""
    requirements = Requirement.for_years(first, last) if requirement is None else {}
    records = training_records(staff, first, last)
    posts = list(PostAppointment.objects.filter(staff=staff).order_by("-start", "-pk"))
    years = []
    for year in range(first, last + 1):
        mine = [r for r in records if r.year == year]

        def hours(subject: str, mine=mine) -> Decimal:
            return sum((r.hours for r in mine if r.subject_type == subject), ZERO)

        if posts:
            held = next(
                (
                    p
                    for p in posts
                    if p.start <= dt.date(year, 12, 31)
                    and (p.end is None or p.end >= dt.date(year, 1, 1))
                ),
                None,
            )
            category = held.category if held else None
        else:
            category = staff.post_category
        months = months_employed(staff, year)
        compliance = assess(
            hours(SubjectType.PROFESSIONAL),
            hours(SubjectType.GENERAL),
            required=category == PostCategory.PROFESSIONAL and months > 0,
            requirement=requirement or requirements[year],
            months=months,
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
