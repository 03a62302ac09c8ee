"""Workforce structure on a date — by title level, education, post category, discipline,
age band and unit — against HR's yearly targets, for the admin page, the roster and the
plan's computed indicators (which read the same figures).

Figures for a past date come from the histories: a person counts when hired by the date
and not gone by it; their title is the latest obtained by the date, their post the one
held on it, their unit the one they were assigned to on it and their education the
latest obtained by it. Every figure is a grouped query over the staff, each row annotated
with its values as of the date (``Subquery``), so the cost in queries does not grow with
the number of staff.

People without a unit or education history (none recorded yet) are read from their staff
row; with a history, a date before its first entry reads the first unit and no education
("not recorded") — an education record without a date counts as held since before the
records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.access import get_user_access, may_everywhere, may_for_units, policy_for, visible
from governance.models import Indicator, OrgUnit

from ..models import (
    Discipline,
    Education,
    EducationRecord,
    PostAppointment,
    PostCategory,
    Staff,
    StructureTarget,
    TitleLevel,
    TitleRecord,
    UnitAssignment,
)

CENT = Decimal("0.01")


HUNDRED = Decimal(100)


GONE = (Staff.Status.LEFT, Staff.Status.RETIRED)
Dimension = StructureTarget.Dimension
# Targets on these dimensions count the value and everything above it ("level 3" counts
# 3, 4 and 5); the others count the value itself.


AT_LEAST = (Dimension.TITLE_LEVEL, Dimension.EDUCATION)


AGE_BAND = "age_band"


UNIT = "unit"
# (key, oldest age in the band, label); the last band has no upper bound.


AGE_BANDS: tuple[tuple[str, int | None, str], ...] = (
    ("30-", 30, gettext_lazy("30 or under")),
    ("31-40", 40, gettext_lazy("31–40")),
    ("41-50", 50, gettext_lazy("41–50")),
    ("51+", None, gettext_lazy("51 or over")),
)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def staff_on(as_of: dt.date, staff: QuerySet[Staff] | None = None) -> QuerySet[Staff]:
    """The staff employed on ``as_of``: hired by then (an unknown hire date counts) and not
    left or retired by then. Someone who left on an unknown date is not counted at all —
    we cannot place them, and counting them would inflate today's figures."""
    staff = Staff.objects.all() if staff is None else staff
    gone = Q(status__in=GONE) & (Q(status_date__isnull=True) | Q(status_date__lte=as_of))
    return staff.filter(Q(hire_date__isnull=True) | Q(hire_date__lte=as_of)).exclude(gone)


def title_level_on(as_of: dt.date) -> Subquery:
    """For a staff row: the level of the latest title obtained on or before ``as_of``."""
    titles = TitleRecord.objects.filter(staff=OuterRef("pk"), obtained__lte=as_of)
    return Subquery(titles.order_by("-obtained", "-level", "-pk").values("level")[:1])


def post_category_on(as_of: dt.date) -> Subquery:
    """For a staff row: the category of the post held on ``as_of`` (the latest started
    when appointments overlap)."""
    posts = PostAppointment.objects.filter(staff=OuterRef("pk"), start__lte=as_of).filter(
        Q(end__isnull=True) | Q(end__gte=as_of)
    )
    return Subquery(posts.order_by("-start", "-pk").values("category")[:1])


def _unit_on(as_of: dt.date, field: str, output_field) -> Coalesce:
    """``field`` of the unit a staff row was assigned to on ``as_of``: the assignment that
    started last by then (one without a start counts as the earliest); before the first
    assignment, the first one; without any history, the staff row's unit."""
    mine = UnitAssignment.objects.filter(staff=OuterRef("pk"))
    by_then = mine.filter(Q(start__isnull=True) | Q(start__lte=as_of)).order_by(
        F("start").desc(nulls_last=True), "-pk"
    )
    first = mine.order_by(F("start").asc(nulls_first=True), "pk")
    return Coalesce(
        Subquery(by_then.values(field)[:1]),
        Subquery(first.values(field)[:1]),
        F(field),
        output_field=output_field,
    )


def unit_on(as_of: dt.date) -> Coalesce:
    """For a staff row: the id of the unit they were in on ``as_of``."""
    return _unit_on(as_of, "unit", BigIntegerField())


def unit_path_on(as_of: dt.date) -> Coalesce:
    """For a staff row: the tree path of the unit they were in on ``as_of`` (to select a
    subtree: ``unit_then_path__startswith``)."""
    return _unit_on(as_of, "unit__path", CharField())


def _education_on(as_of: dt.date, field: str, staff_field: str, output_field) -> Case:
    mine = EducationRecord.objects.filter(staff=OuterRef("pk"))
    by_then = mine.filter(Q(obtained__isnull=True) | Q(obtained__lte=as_of)).order_by(
        F("obtained").desc(nulls_last=True), F("level").desc(nulls_last=True), "-pk"
    )
    return Case(
        When(Exists(mine), then=Subquery(by_then.values(field)[:1])),
        default=F(staff_field),
        output_field=output_field,
    )


def education_on(as_of: dt.date) -> Case:
    """For a staff row: the education level held on ``as_of`` (the latest obtained by
    then); the staff row's when they have no education history."""
    return _education_on(as_of, "level", "education", PositiveSmallIntegerField())


def discipline_on(as_of: dt.date) -> Case:
    """For a staff row: the discipline group of the education held on ``as_of``."""
    return _education_on(as_of, "discipline", "discipline", CharField())


def age_band_on(as_of: dt.date) -> Case:
    """For a staff row: the key of their age band on ``as_of`` (None without a birth date).

    Someone is at least N on the date when born on or before the same day N years earlier,
    which keeps the arithmetic out of SQL (no date functions differ between databases).
    """
    whens = [When(birth_date__isnull=True, then=Value(None))]
    for key, oldest, _label in AGE_BANDS:
        if oldest is not None:
            whens.append(When(birth_date__gt=years_before(as_of, oldest + 1), then=Value(key)))
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=CharField())


def share(count: int, total: int) -> Decimal:
    """``count`` as a percentage of ``total``, to the cent (0 when there is nobody)."""
    if not total:
        return Decimal(0)
    return (Decimal(count) * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    key: object  # the value counted (a level, a category…); None for "not recorded"
    label: str
    count: int
    share: Decimal  # of the headcount, %


@dataclass
class Breakdown:
    key: str  # a StructureTarget dimension, AGE_BAND or UNIT
    label: str
    rows: list[Row]

    def count(self, test: Callable[[object], bool]) -> int:
        return sum(row.count for row in self.rows if row.key is not None and test(row.key))


@dataclass
class UnitRow:
    unit: OrgUnit
    indent: int  # depth below the shallowest unit listed
    count: int
    share: Decimal
    intermediate_share: Decimal  # of the unit's own headcount


@dataclass
class TargetCheck:
    target: StructureTarget
    label: str
    share: Decimal | None  # None: the target's value cannot be read, or nobody is counted

    @property
    def met(self) -> bool | None:
        return None if self.share is None else self.share >= self.target.min_share

    @property
    def gap(self) -> Decimal:
        """Percentage points short of the minimum share (0 when met)."""
        if self.share is None:
            return Decimal(0)
        return max(self.target.min_share - self.share, Decimal(0))


@dataclass
class Structure:
    as_of: dt.date
    unit: OrgUnit | None
    headcount: int
    breakdowns: list[Breakdown]
    units: list[UnitRow]
    targets: list[TargetCheck]

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)

    def share_at_least(self, key: str, minimum: int) -> Decimal:
        return share(self.breakdown(key).count(lambda value: value >= minimum), self.headcount)

    @property
    def intermediate_share(self) -> Decimal:
        return self.share_at_least(Dimension.TITLE_LEVEL, TitleLevel.INTERMEDIATE)

    @property
    def senior_share(self) -> Decimal:
        return self.share_at_least(Dimension.TITLE_LEVEL, TitleLevel.ASSOCIATE_SENIOR)

    @property
    def bachelor_share(self) -> Decimal:
        return self.share_at_least(Dimension.EDUCATION, Education.BACHELOR)


def _count_by(staff: QuerySet[Staff], name: str, expression: Expression | None = None) -> dict:
    """{value: headcount} grouped by a field, or by ``expression`` annotated as ``name``."""
    if expression is not None:
        staff = staff.annotate(**{name: expression})
    return {row[name]: row["n"] for row in staff.values(name).annotate(n=Count("pk"))}


def _breakdown(
    key: str, label: str, counts: dict, choices, headcount: int, missing: str
) -> Breakdown:
    """One row per choice (zeros included, in the choices' order), then a row for the
    people whose value is not recorded (or not one of the choices), if any."""
    known = {value for value, _text in choices}
    rows = [
        Row(value, str(text), counts.get(value, 0), share(counts.get(value, 0), headcount))
        for value, text in choices
    ]
    unknown = sum(n for value, n in counts.items() if value not in known)
    if unknown:
        rows.append(Row(None, missing, unknown, share(unknown, headcount)))
    return Breakdown(key, label, rows)


def _check(
    target: StructureTarget, breakdowns: dict[str, Breakdown], headcount: int
) -> TargetCheck:
    breakdown = breakdowns[target.dimension]
    value_labels = {str(row.key): row.label for row in breakdown.rows if row.key is not None}
    value_label = value_labels.get(target.value, target.value)
    if target.dimension in AT_LEAST:
        try:
            minimum = int(target.value)
        except ValueError:
            return TargetCheck(target, f"{breakdown.label}: {target.value}", None)
        count = breakdown.count(lambda value: value >= minimum)
        value_label = _("%(value)s or higher") % {"value": value_label}
    else:
        count = breakdown.count(lambda value: value == target.value)
    label = f"{breakdown.label}: {value_label}"
    return TargetCheck(target, label, share(count, headcount) if headcount else None)


def workforce_structure(
    staff: QuerySet[Staff] | None = None, *, as_of: dt.date, unit: OrgUnit | None = None
) -> Structure:
    """The structure of ``staff`` (default: everyone) on ``as_of``, narrowed to ``unit``
    and the units under it, with the targets of that year: seven queries whatever the
    number of staff (four grouped counts, one by unit × title level, the units, the
    targets)."""
    staff = staff_on(as_of, staff)
    if unit is not None:  # the people in the subtree on the date, wherever they are now
        staff = staff.alias(unit_then_path=unit_path_on(as_of)).filter(
            unit_then_path__startswith=unit.path
        )
    staff = staff.order_by()

    # Units and titles from one grouping: the unit table needs each unit's title mix.
    by_unit_level = list(
        staff.annotate(level_on=title_level_on(as_of), unit_then=unit_on(as_of))
        .values("unit_then", "level_on")
        .annotate(n=Count("pk"))
    )
    levels: Counter = Counter()
    unit_counts: Counter = Counter()
    unit_intermediate: Counter = Counter()
    for row in by_unit_level:
        levels[row["level_on"]] += row["n"]
        unit_counts[row["unit_then"]] += row["n"]
        if row["level_on"] is not None and row["level_on"] >= TitleLevel.INTERMEDIATE:
            unit_intermediate[row["unit_then"]] += row["n"]
    headcount = sum(unit_counts.values())

    not_recorded = _("Not recorded")
    breakdowns = [
        _breakdown(
            Dimension.TITLE_LEVEL,
            Dimension.TITLE_LEVEL.label,
            levels,
            TitleLevel.choices,
            headcount,
            _("No title"),
        ),
        _breakdown(
            Dimension.EDUCATION,
            Dimension.EDUCATION.label,
            _count_by(staff, "education_then", education_on(as_of)),
            Education.choices,
            headcount,
            not_recorded,
        ),
        _breakdown(
            Dimension.POST_CATEGORY,
            Dimension.POST_CATEGORY.label,
            _count_by(staff, "post_on", post_category_on(as_of)),
            PostCategory.choices,
            headcount,
            _("No post on the date"),
        ),
        _breakdown(
            Dimension.DISCIPLINE,
            Dimension.DISCIPLINE.label,
            _count_by(staff, "discipline_then", discipline_on(as_of)),
            Discipline.choices,
            headcount,
            not_recorded,
        ),
        _breakdown(
            AGE_BAND,
            _("Age band"),
            _count_by(staff, "band_on", age_band_on(as_of)),
            [(key, label) for key, _oldest, label in AGE_BANDS],
            headcount,
            _("Birth date not recorded"),
        ),
    ]

    units = list(OrgUnit.objects.filter(pk__in=list(unit_counts)).order_by("path"))
    top = min((u.depth for u in units), default=0)
    unit_rows = [
        UnitRow(
            unit=u,
            indent=u.depth - top,
            count=unit_counts[u.pk],
            share=share(unit_counts[u.pk], headcount),
            intermediate_share=share(unit_intermediate[u.pk], unit_counts[u.pk]),
        )
        for u in units
    ]
    by_key = {b.key: b for b in breakdowns}
    order = {dimension: n for n, dimension in enumerate(Dimension.values)}
    targets = sorted(
        StructureTarget.objects.filter(year=as_of.year),
        key=lambda t: (order.get(t.dimension, len(order)), t.value),
    )
    checks = [_check(target, by_key, headcount) for target in targets]
    return Structure(as_of, unit, headcount, breakdowns, unit_rows, checks)


def title_share_at_least(level: int, as_of: dt.date) -> Decimal | None:
    """The share (%) of the whole workforce on ``as_of`` holding a title of ``level`` or
    higher, in one query; None when nobody is counted."""
    figures = (
        staff_on(as_of)
        .annotate(level_on=title_level_on(as_of))
        .aggregate(total=Count("pk"), hits=Count("pk", filter=Q(level_on__gte=level)))
    )
    return share(figures["hits"], figures["total"]) if figures["total"] else None


def may_see_structure(user) -> bool:
    """HR (global) and department heads (their units); not someone who may view only their
    own record, which the policy grants to every member of staff."""
    return may_for_units(user, Staff, "view")


def visible_staff(user) -> QuerySet[Staff]:
    """The staff whose figures the user may see: everyone for HR, their units' staff for a
    head (not their own record when it lies outside their units)."""
    staff = visible(user, Staff)
    if not may_everywhere(user, Staff, "view"):
        staff = staff.filter(get_user_access(user).units_q(prefix="unit__"))
    return staff


def structure_units(user) -> QuerySet[OrgUnit]:
    """The units whose structure and roster the user may see."""
    return policy_for(Staff).units_for(user, ["view"])


def structure_for(user, *, as_of: dt.date, unit: OrgUnit | None = None) -> Structure:
    """The structure the user may see: the whole system or their units, or ``unit``.

    A head's units are taken as they were on ``as_of``: the people who worked in them
    then are counted, including those who have since moved elsewhere, and not those who
    joined the units later."""
    if may_everywhere(user, Staff, "view"):
        staff = visible(user, Staff)
    else:
        staff = Staff.objects.alias(unit_then_path=unit_path_on(as_of)).filter(
            get_user_access(user).units_q(prefix="unit_then_")
        )
    return workforce_structure(staff, as_of=as_of, unit=unit)


def title_share_provider(level: int) -> Callable[[Indicator, int], Decimal | None]:
    def compute(indicator: Indicator, year: int) -> Decimal | None:
        return title_share_at_least(level, dt.date(year, 12, 31))

    return compute


ROSTER_FIELDS = (
    "staff_number",
    "name",
    "gender",
    "unit__name",
    "unit__label",  # str(unit): without it, a query per person (20 s at 20,000 on PostgreSQL)
    "unit__path",
    "post_category",
    "post_grade",
    "title",
    "title_level",
    "education",
    "hire_date",
)


def roster_staff(staff: QuerySet[Staff], unit: OrgUnit) -> QuerySet[Staff]:
    """The staff in post in ``unit`` and the units under it, by unit then staff number."""
    return (
        staff.in_post()
        .filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .only(*ROSTER_FIELDS)
        .order_by("unit__path", "staff_number")
    )


# -- By library: the structure page and the compliance summary (HR's screens) -----------


def library_of(units) -> dict[int, OrgUnit | None]:
    """{unit pk: the library it belongs to (itself if it is one), None outside any}, from
    the units' stored library, in one query whatever the number of units."""
    units = list(units)
    libraries = OrgUnit.objects.in_bulk({u.library_id for u in units} - {None})
    return {unit.pk: libraries.get(unit.library_id) for unit in units}


def _intermediate_count(row: UnitRow) -> int:
    # The unit's share is rounded to 0.01 %: below 10,000 people the count comes back exact.
    return int((row.intermediate_share * row.count / HUNDRED).to_integral_value(ROUND_HALF_UP))


@dataclass
class UnitLine:
    """A unit beneath its library; ``own`` when it is the library's own staff."""

    row: UnitRow
    indent: int
    own: bool


@dataclass
class LibraryBlock:
    library: OrgUnit | None  # None: units outside any library (the system's own)
    count: int
    share: Decimal
    intermediate_share: Decimal
    lines: list[UnitLine]


def units_by_library(structure: Structure) -> list[LibraryBlock]:
    """The structure's units grouped by library, in tree order: each library with its
    subtotal and its departments (and their service points) beneath. One query."""
    libraries = library_of([row.unit for row in structure.units])
    groups: dict[int | None, tuple[OrgUnit | None, list[UnitRow]]] = {}
    for row in structure.units:
        library = libraries[row.unit.pk]
        groups.setdefault(library.pk if library else None, (library, []))[1].append(row)
    blocks = []
    for library, rows in groups.values():
        count = sum(row.count for row in rows)
        top = library.depth + 1 if library else min(row.unit.depth for row in rows)
        lines = [
            UnitLine(
                row=row,
                indent=max(row.unit.depth - top, 0),
                own=library is not None and row.unit.pk == library.pk,
            )
            for row in rows
        ]
        blocks.append(
            LibraryBlock(
                library=library,
                count=count,
                share=share(count, structure.headcount),
                intermediate_share=share(sum(map(_intermediate_count, rows)), count),
                lines=lines,
            )
        )
    return blocks
