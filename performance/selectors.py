"""Reads of the appraisal: the 优秀 quota of a cycle, the consequences of the results
computed from the history of grades (never typed in), the routine grades beside an
annual proposal, who is eligible next year for a post-grade promotion and the next
title, and the parts of the departments' yearly evaluation. A fixed number of queries
each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext as _

from governance.models import OrgUnit, PlanItem, ProgressReport
from governance.selectors.plan import current_plan, rollup
from staffing.models import PostCategory, TitleLevel, TitleRecord

from .models import Appraisal, AppraisalCycle, DepartmentEvaluation, Grade, TitleRule

Participation = Appraisal.Participation
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Quota:
    base: int  # those who should take part (everyone in the cycle but the excluded)
    percent: int
    allowed: int  # rounded down
    proposed: int  # 优秀 proposed so far

    @property
    def remaining(self) -> int:
        return max(self.allowed - self.proposed, 0)


def quota_of(cycle: AppraisalCycle) -> Quota:
    """The cycle's 优秀 quota (Art.15): a share of the people who should take part,
    rounded down, by the cycle's quota basis (``SHUXIANG_APPRAISAL_QUOTA_PERCENT``). One
    query."""
    counts = cycle.appraisals.aggregate(
        base=Count("pk", filter=~Q(participation=Participation.EXCLUDED)),
        proposed=Count("pk", filter=Q(proposed_grade=Grade.EXCELLENT)),
    )
    percent = settings.SHUXIANG_APPRAISAL_QUOTA_PERCENT[cycle.quota_basis]
    return Quota(
        base=counts["base"],
        percent=percent,
        allowed=counts["base"] * percent // 100,
        proposed=counts["proposed"],
    )


def routine_grades(appraisal: Appraisal) -> list[tuple[int, str]]:
    """(quarter, grade label) of the person's final quarterly routine appraisals in the
    annual appraisal's year, shown beside its proposal (one query)."""
    if appraisal.cycle.kind != AppraisalCycle.Kind.ANNUAL:
        return []
    rows = Appraisal.objects.filter(
        staff_id=appraisal.staff_id,
        cycle__kind=AppraisalCycle.Kind.QUARTERLY,
        cycle__year=appraisal.cycle.year,
        cycle__status=AppraisalCycle.Status.FINAL,
    ).order_by("cycle__quarter")
    labels = dict(Grade.choices)
    return [(quarter, labels.get(grade, "—")) for quarter, grade in
            rows.values_list("cycle__quarter", "grade")]  # fmt: skip


# -- consequences (Arts.28–32) -------------------------------------------------------------

PASSING = (Grade.EXCELLENT, Grade.COMPETENT)


@dataclass(frozen=True)
class Consequences:
    """What an annual result means for the person (考核规定 Arts.28–32)."""

    year: int
    grade: str
    salary_step: bool  # one more 薪级
    counts_for_tenure: bool  # the year counts toward time in grade
    pay_reduced: bool  # 绩效工资 reduced
    no_promotion_next_year: bool  # 基本合格: no post-grade promotion the next year
    down_one_grade: bool  # 不合格: down one post grade
    adjustment_flag: bool  # two consecutive 基本合格 (组织调整)


def consequences_of(grades: dict[int, str]) -> dict[int, Consequences]:
    """Each year's consequences from one person's annual grades by year (the previous
    year decides the "two consecutive" flag)."""
    result = {}
    for year, grade in sorted(grades.items()):
        passing = grade in PASSING
        result[year] = Consequences(
            year=year,
            grade=grade,
            salary_step=passing,
            counts_for_tenure=passing,
            pay_reduced=not passing,
            no_promotion_next_year=grade == Grade.BASIC,
            down_one_grade=grade == Grade.INCOMPETENT,
            adjustment_flag=grade == Grade.BASIC and grades.get(year - 1) == Grade.BASIC,
        )
    return result


def annual_grades(staff_ids) -> dict[int, dict[int, str]]:
    """Each person's final annual grades by year: one query."""
    rows = Appraisal.objects.filter(
        staff__in=staff_ids,
        cycle__kind=AppraisalCycle.Kind.ANNUAL,
        cycle__status=AppraisalCycle.Status.FINAL,
    ).exclude(grade="")
    grades: dict[int, dict[int, str]] = {}
    for staff_id, year, grade in rows.values_list("staff_id", "cycle__year", "grade"):
        grades.setdefault(staff_id, {})[year] = grade
    return grades


def term_passes(grades: dict[int, str], first: int, last: int) -> bool:
    """A contract term can be 合格 only when every annual grade in it is 合格 or better
    (Art.20); a year without a grade (under six months, long leave) does not block it."""
    return all(
        grades[year] in PASSING
        for year in range(first, last + 1)
        if year in grades and grades[year] != Grade.UNGRADED
    )


# -- eligibility for the next year (point 7) -------------------------------------------------


@dataclass
class Eligibility:
    """One person's standing for next year: a post-grade promotion and the next title."""

    staff_id: int
    name: str
    staff_number: str
    unit_label: str
    title: str  # the title held ("" without one)
    next_title: str  # "" at the top of the series
    title_ok: bool = False
    title_reasons: list[str] = field(default_factory=list)
    promotion_ok: bool = False
    promotion_reasons: list[str] = field(default_factory=list)


BLOCKING = (Grade.BASIC, Grade.INCOMPETENT)


def _full_years(since, year: int) -> int:
    """Whole years from ``since`` to the end of ``year``."""
    return max(year - since.year, 0) if since else 0


def eligibility(staff, *, year: int, short: set[int]) -> list[Eligibility]:
    """Who among ``staff`` (professional-technical staff in post) may be promoted a post
    grade and put forward for the next title of the library series next year, judged at
    the end of ``year``, with the reasons for each who may not: the title rules (data:
    ``TitleRule``), the years held in the current title (or since hire for a first one),
    the annual grades of those years (no 基本合格 or 不合格) and ``year``'s continuing-
    education hours (``short``: the people short that year). A fixed number of queries."""
    people = list(
        staff.select_related("unit").only(
            "name", "staff_number", "unit__label", "unit__name", "title", "title_level",
            "education", "hire_date", "post_category",
        )
    )  # fmt: skip
    ids = [p.pk for p in people]
    since = dict(
        TitleRecord.objects.filter(staff__in=ids, level=F("staff__title_level"))
        .values("staff")
        .annotate(since=Max("obtained"))
        .values_list("staff", "since")
    )
    grades = annual_grades(ids)
    rules: dict[int, list] = {}
    for rule in TitleRule.objects.order_by("level", "-min_education", "years"):
        rules.setdefault(rule.level, []).append(rule)
    titles = dict(TitleLevel.choices)
    labels = dict(Grade.choices)
    rows = []
    for person in people:
        held = person.title_level or 0
        mine = grades.get(person.pk, {})
        row = Eligibility(
            staff_id=person.pk,
            name=person.name,
            staff_number=person.staff_number,
            unit_label=str(person.unit),
            title=person.title or str(titles.get(person.title_level, "")),
            next_title=str(titles.get(held + 1, "")),
        )
        this_year = mine.get(year)
        if this_year is None:
            row.promotion_reasons.append(_("No final grade for %(year)s yet.") % {"year": year})
        elif this_year in BLOCKING:
            row.promotion_reasons.append(
                _("%(year)s graded %(grade)s (Arts.30–31).")
                % {"year": year, "grade": labels[this_year]}
            )
        row.promotion_ok = not row.promotion_reasons
        row.title_ok, row.title_reasons = _title_standing(
            person, held, rules.get(held + 1, []), since.get(person.pk), mine, year, short, labels
        )
        rows.append(row)
    return rows


def _title_standing(person, held, candidates, since, grades, year, short, labels):
    if person.post_category != PostCategory.PROFESSIONAL:
        return False, [_("Not in a professional-technical post.")]
    if not candidates:
        return False, [_("No higher title in the series, or no rule for it.")]
    education = person.education or 0
    paths = [r for r in candidates if r.from_level is None or r.from_level == held]
    taught = [r for r in paths if education >= r.min_education]
    if not taught:
        return False, [_("Education below what the rules ask for this title.")]
    reasons = []

    def years_for(rule) -> int:
        start = person.hire_date if rule.from_level is None else since
        return _full_years(start, year)

    met = [r for r in taught if years_for(r) >= r.years]
    if not met:
        needed = min(taught, key=lambda r: r.years - years_for(r))
        reasons.append(
            _("%(held)s years where the rules ask %(years)s (%(note)s).")
            % {"held": years_for(needed), "years": needed.years, "note": needed.note}
        )
    window = max((r.years for r in met), default=1) or 1
    for graded_year in range(year - window + 1, year + 1):
        if grades.get(graded_year) in BLOCKING:
            reasons.append(
                _("%(year)s graded %(grade)s.")
                % {"year": graded_year, "grade": labels[grades[graded_year]]}
            )
    if person.pk in short:
        reasons.append(_("Short of continuing-education hours in %(year)s.") % {"year": year})
    return not reasons, reasons


# -- the departments' yearly evaluation (point 8) ---------------------------------------------


@dataclass
class DepartmentParts:
    """A department's computed parts for a year, each 0–100 (None: nothing to judge)."""

    plan: Decimal | None = None
    reporting: Decimal | None = None
    appraisal: Decimal | None = None


def _under(paths: dict[str, int], path: str) -> int | None:
    """The department whose subtree holds the unit at ``path`` (None: outside them)."""
    for prefix, pk in paths.items():
        if path.startswith(prefix):
            return pk
    return None


def department_parts(library, year: int) -> dict[int, DepartmentParts]:
    """Each department of ``library`` (its units below counted with it): the weighted
    progress of the tasks it leads against the time schedule at the end of ``year``
    (capped at 100), the share of the year's closed quarters' reports it submitted before
    the quarter was closed, and the mean points of its staff's final annual grades. A
    fixed number of queries whatever the plan and the staff."""
    departments = dict(
        OrgUnit.objects.filter(library=library, kind=OrgUnit.Kind.DEPARTMENT).values_list(
            "path", "pk"
        )
    )
    parts = {pk: DepartmentParts() for pk in departments.values()}
    plan = current_plan()
    if plan is not None:
        figures = rollup(plan, as_of=dt.date(year, 12, 31))
        leaves = list(
            PlanItem.objects.filter(plan=plan, lead_unit__library=library)
            .reportable()
            .active_in(year)
            .values_list("pk", "lead_unit__path")
        )
        done: dict[int, Decimal] = defaultdict(Decimal)
        due: dict[int, Decimal] = defaultdict(Decimal)
        owner = {}
        for pk, path in leaves:
            department = _under(departments, path)
            owner[pk] = department
            if department is None or pk not in figures.counted:
                continue
            weight = figures.weight[pk]
            done[department] += weight * figures.progress[pk]
            due[department] += weight * figures.expected[pk]
        for department, expected in due.items():
            if expected:
                parts[department].plan = min(HUNDRED, HUNDRED * done[department] / expected)
        closed = list(
            plan.periods.filter(year=year, closed_at__isnull=False).values_list("pk", "closed_at")
        )
        on_time = set(
            ProgressReport.objects.filter(
                period__in=[pk for pk, _closed in closed],
                item__in=list(owner),
                status__in=[ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED],
                submitted_at__lte=F("period__closed_at"),
            ).values_list("item", "period")
        )
        expected_reports: dict[int, int] = defaultdict(int)
        sent: dict[int, int] = defaultdict(int)
        for item, department in owner.items():
            if department is None:
                continue
            for period, _closed in closed:
                expected_reports[department] += 1
                sent[department] += (item, period) in on_time
        for department, count in expected_reports.items():
            parts[department].reporting = HUNDRED * sent[department] / count
    points = settings.SHUXIANG_DEPARTMENT_GRADE_POINTS
    graded: dict[int, list[int]] = defaultdict(list)
    for path, grade in Appraisal.objects.filter(
        cycle__library=library,
        cycle__kind=AppraisalCycle.Kind.ANNUAL,
        cycle__year=year,
        cycle__status=AppraisalCycle.Status.FINAL,
        grade__in=list(points),
    ).values_list("unit__path", "grade"):
        department = _under(departments, path)
        if department is not None:
            graded[department].append(points[grade])
    for department, values in graded.items():
        parts[department].appraisal = Decimal(sum(values)) / len(values)
    return parts


def department_ranking(library, year: int):
    """The library's departments' evaluations for ``year``, best first (one query)."""
    return (
        DepartmentEvaluation.objects.filter(year=year, unit__library=library)
        .select_related("unit")
        .order_by("rank", "unit__path")
    )


def excellent_departments_share(indicator, year: int) -> Decimal | None:
    """The plan indicator provider ``performance.excellent_departments_share``: the share
    (%) of the departments rated excellent among those evaluated in the year (None before
    any). Two queries."""
    rows = DepartmentEvaluation.objects.filter(year=year).exclude(rating="")
    total = rows.count()
    if not total:
        return None
    excellent = rows.filter(rating=DepartmentEvaluation.Rating.EXCELLENT).count()
    return (HUNDRED * excellent / total).quantize(Decimal("0.01"))


def grade_counts(year: int) -> dict[str, int]:
    """How many people got each final annual grade of ``year`` (the annual report's
    figures; no names): one query."""
    rows = (
        Appraisal.objects.filter(
            cycle__kind=AppraisalCycle.Kind.ANNUAL,
            cycle__status=AppraisalCycle.Status.FINAL,
            cycle__year=year,
        )
        .exclude(grade="")
        .values("grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["grade"]: row["n"] for row in rows}
