"""Reads of the appraisal: the 优秀 quota of a cycle and the consequences of the results,
computed from the history of grades (never typed in). A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from .models import Appraisal, AppraisalCycle, Grade

Participation = Appraisal.Participation


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
