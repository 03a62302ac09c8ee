"""Five years of annual appraisals (2021–2025) from HR's results summaries, one review,
one objection answered during 2025's publicity, the municipal library's 2025 quarterly
routine appraisals, its 2026 appraisal open with half its self-summaries written, and the
departments' evaluations of 2021–2025 computed by the leadership from the plan and the
appraisals.

Each year's cycles are opened by ``open_cycle`` (who takes part is worked out from the
staff records, as for a real cycle), the recorded grades are set as the proposals in one
statement per grade, publicised by ``start_publicity`` in December and made the results
by ``finalise_cycle``. The review is history and is written as it was decided.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import OrgUnit
from performance.models import Appeal, Appraisal, AppraisalCycle, CommitteeMember, Grade
from performance.services import (
    advance_cycle,
    answer_objection,
    evaluate_departments,
    finalise_cycle,
    open_cycle,
    record_objection,
    set_committee,
    start_publicity,
)

from .files import local_time, read_csv

RESULTS = "appraisal-results.csv"
APPEALS = "appraisal-appeals.csv"
OBJECTIONS = "appraisal-objections.csv"
HR = "hr"
LEADER = "leader"
GRADES = {label: value for value, label in
          ((Grade.EXCELLENT, "优秀"), (Grade.COMPETENT, "合格"), (Grade.BASIC, "基本合格"),
           (Grade.INCOMPETENT, "不合格"))}  # fmt: skip
OUTCOMES = {"维持原结果": Appeal.Outcome.UPHELD, "变更结果": Appeal.Outcome.CHANGED}
KINDS = {"复核": Appeal.Kind.REVIEW, "申诉": Appeal.Kind.APPEAL}
OPEN_YEAR = 2026
MUNICIPAL = "抚州市图书馆"
SUMMARIES = {
    "summary_morality": "坚持学习党的理论和业务知识，遵守职业道德，服务读者热情周到。",
    "summary_competence": "熟悉本岗位业务流程，能独立完成读者咨询和文献整理工作。",
    "summary_diligence": "全年出勤正常，无迟到早退，主动承担节假日值班。",
    "summary_achievement": "完成年度岗位目标，参与全民阅读月和“书香抚州”系列活动的组织工作。",
    "summary_integrity": "严格遵守廉洁自律各项规定，无违规违纪行为。",
}


@transaction.atomic
def load_appraisals() -> dict[str, int]:
    """Load the appraisals; does nothing when any cycle exists. Runs after staffing."""
    if AppraisalCycle.objects.exists():
        return {"cycles": 0, "appraisals": 0}
    hr = get_user_model().objects.get(username=HR)
    libraries = {u.name: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY)}
    recorded: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for number, row in enumerate(read_csv(RESULTS), start=2):
        if row["考核等次"] not in GRADES:
            raise ValueError(f"{RESULTS} row {number}: unknown grade {row['考核等次']!r}")
        recorded[int(row["年度"]), row["单位"]][row["工号"]] = GRADES[row["考核等次"]]
    objections = defaultdict(list)
    for row in read_csv(OBJECTIONS):
        objections[int(row["年度"]), row["单位"]].append(row)
    cycles = 0
    for (year, name), grades in sorted(recorded.items()):
        _past_cycle(libraries[name], year, grades, hr, objections[year, name])
        cycles += 1
    _appeals()
    cycles += _quarters(libraries[MUNICIPAL], recorded[2025, MUNICIPAL], hr)
    _open_cycle(libraries[MUNICIPAL], hr)
    leadership = get_user_model().objects.get(username=LEADER)
    for year in range(2021, 2026):
        for library in libraries.values():
            evaluate_departments(library, year, user=leadership)
    return {"cycles": cycles + 1, "appraisals": Appraisal.objects.count()}


def _committee(cycle: AppraisalCycle, hr) -> None:
    """The municipal library's annual committee: its head (the demo's 馆长) and HR."""
    if cycle.library.name == MUNICIPAL:
        chair = get_user_model().objects.get(username=LEADER)
        members = [(chair, CommitteeMember.Role.CHAIR), (hr, CommitteeMember.Role.HR)]
        set_committee(cycle, members=members, user=hr)


def _quarters(library: OrgUnit, annual: dict[str, str], hr) -> int:
    """2025's quarterly routine appraisals of the municipal library: each person's quarters
    follow their annual grade (a 优秀 year was 优秀 in its last two quarters)."""
    for quarter in (1, 2, 3, 4):
        cycle = open_cycle(
            library=library, kind=AppraisalCycle.Kind.QUARTERLY, year=2025, quarter=quarter, user=hr
        )
        advance_cycle(cycle, user=hr)
        advance_cycle(cycle, user=hr)
        graded = cycle.appraisals.filter(participation=Appraisal.Participation.GRADED)
        graded.update(proposed_grade=Grade.COMPETENT)
        for number, grade in annual.items():
            if grade == Grade.BASIC or (grade == Grade.EXCELLENT and quarter >= 3):
                graded.filter(staff__staff_number=number).update(proposed_grade=grade)
        advance_cycle(cycle, user=hr)
        finalise_cycle(cycle, user=hr, today=dt.date(2025, 3 * quarter, 28))
    return 4


def _past_cycle(
    library: OrgUnit, year: int, grades: dict[str, str], hr, objections: list[dict]
) -> None:
    cycle = open_cycle(library=library, kind=AppraisalCycle.Kind.ANNUAL, year=year, user=hr)
    _committee(cycle, hr)
    graded = cycle.appraisals.filter(participation=Appraisal.Participation.GRADED)
    missing = set(graded.values_list("staff__staff_number", flat=True)) - set(grades)
    if missing:
        raise ValueError(f"{RESULTS}: {year} {library}: no grade for {sorted(missing)}")
    by_grade: dict[str, list[str]] = defaultdict(list)
    for number, grade in grades.items():
        by_grade[grade].append(number)
    for grade, numbers in by_grade.items():
        graded.filter(staff__staff_number__in=numbers).update(proposed_grade=grade)
    # Publicised from mid-December, finalised in January (the proposals were checked
    # against the quota when the results were drawn up; the file is the record).
    AppraisalCycle.objects.filter(pk=cycle.pk).update(status=AppraisalCycle.Status.PROPOSED)
    cycle = start_publicity(cycle, user=hr, start=dt.date(year, 12, 15))
    for row in objections:  # received during the publicity, answered: the proposal stood
        objection = record_objection(
            cycle.appraisals.get(staff__staff_number=row["工号"]),
            user=hr,
            text=row["异议"],
            received_on=dt.date.fromisoformat(row["收到日期"]),
        )
        answer_objection(objection, user=hr, answer=row["答复"])
    finalise_cycle(cycle, user=hr, today=dt.date(year + 1, 1, 10))


def _appeals() -> None:
    for row in read_csv(APPEALS):
        appraisal = Appraisal.objects.get(
            cycle__year=int(row["年度"]),
            cycle__kind=AppraisalCycle.Kind.ANNUAL,
            staff__staff_number=row["工号"],
        )
        Appeal.objects.create(
            appraisal=appraisal,
            kind=KINDS[row["程序"]],
            filed_on=dt.date.fromisoformat(row["提出日期"]),
            reasons=row["理由"],
            previous_grade=appraisal.grade,
            outcome=OUTCOMES[row["结果"]],
            decided_on=dt.date.fromisoformat(row["决定日期"]),
            decision=row["决定"],
        )


def _open_cycle(library: OrgUnit, hr) -> None:
    """This year's appraisal taking self-summaries: every other person has written theirs
    (the demo's own logins have not, so that they can)."""
    cycle = open_cycle(library=library, kind=AppraisalCycle.Kind.ANNUAL, year=OPEN_YEAR, user=hr)
    _committee(cycle, hr)
    advance_cycle(cycle, user=hr)
    unlinked = cycle.appraisals.filter(staff__user__isnull=True).order_by("staff__staff_number")
    written = list(unlinked.values_list("pk", flat=True))[::2]
    Appraisal.objects.filter(pk__in=written).update(
        **SUMMARIES, summary_submitted_at=local_time(f"{OPEN_YEAR}-11-20 09:00")
    )
