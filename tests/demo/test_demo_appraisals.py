"""The demo's appraisals: 2021–2025 final in every library within the 优秀 quota, a few
基本合格 (one person two years running), one review, and the municipal library's 2026
appraisal taking self-summaries, half of them written — the demo logins' still to write."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from demo.loaders.org import load_org_tree, load_users
from demo.loaders.performance import load_appraisals
from demo.loaders.plan import load_plan
from demo.loaders.staffing import load_staffing
from governance.access import visible
from governance.roles import setup_roles
from performance.models import (
    Appeal,
    Appraisal,
    AppraisalCycle,
    DepartmentEvaluation,
    Grade,
    Objection,
)
from performance.selectors import annual_grades, consequences_of, quota_of, routine_grades

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    setup_roles()
    load_org_tree()
    load_users()
    load_plan()
    load_staffing()
    return load_appraisals()


def test_five_years_are_final_in_every_library_within_the_quota(counts):
    past = AppraisalCycle.objects.filter(year__lte=2025, kind=AppraisalCycle.Kind.ANNUAL)
    assert set(past.values_list("status", flat=True)) == {AppraisalCycle.Status.FINAL}
    assert past.values("library").distinct().count() == 12
    assert set(past.values_list("year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    for cycle in past:
        quota = quota_of(cycle)
        assert 0 < quota.proposed <= quota.allowed, cycle
    spread = Appraisal.objects.filter(cycle__in=past).aggregate(
        basic=Count("pk", filter=Q(grade=Grade.BASIC)),
        incompetent=Count("pk", filter=Q(grade=Grade.INCOMPETENT)),
    )
    assert 5 <= spread["basic"] <= 30 and spread["incompetent"] >= 1


def test_one_person_is_flagged_for_two_basically_competent_years(counts):
    flagged = [
        staff_id
        for staff_id, grades in annual_grades(Appraisal.objects.values("staff").distinct()).items()
        if any(c.adjustment_flag for c in consequences_of(grades).values())
    ]
    assert len(flagged) == 1


def test_one_review_was_decided(counts):
    review = Appeal.objects.get()
    assert review.kind == Appeal.Kind.REVIEW and review.previous_grade == Grade.BASIC
    assert review.outcome == Appeal.Outcome.UPHELD and review.decided_on


def test_an_objection_was_answered_and_the_excellent_stood(counts):
    objection = Objection.objects.select_related("appraisal").get()
    assert objection.answer and objection.appraisal.grade == Grade.EXCELLENT
    assert objection.appraisal.cycle.publicity_start <= objection.received_on


def test_the_head_sees_the_municipal_appraisals_as_the_committees_chair(counts):
    leader = get_user_model().objects.get(username="leader")
    seen = visible(leader, AppraisalCycle)
    assert seen.count() == 6  # 2021-2026, annual, the municipal library's only
    assert set(seen.values_list("library__name", flat=True)) == {"抚州市图书馆"}
    assert visible(leader, Appraisal).filter(cycle__year=2025).exists()


def test_2026_takes_self_summaries_half_written_not_the_demo_logins(counts):
    cycle = AppraisalCycle.objects.get(year=2026, kind=AppraisalCycle.Kind.ANNUAL)
    assert cycle.status == AppraisalCycle.Status.SELF_SUMMARIES
    people = cycle.appraisals.all()
    written = people.exclude(summary_submitted_at=None)
    assert 0.4 < written.count() / people.count() < 0.6
    assert not written.filter(staff__user__isnull=False).exists()


def test_loading_again_adds_nothing(counts):
    assert load_appraisals() == {"cycles": 0, "appraisals": 0}


def test_2025_has_four_final_quarters_shown_beside_the_annual_grade(counts):
    quarters = AppraisalCycle.objects.filter(kind=AppraisalCycle.Kind.QUARTERLY, year=2025)
    assert sorted(quarters.values_list("quarter", flat=True)) == [1, 2, 3, 4]
    assert set(quarters.values_list("status", flat=True)) == {AppraisalCycle.Status.FINAL}
    basic = Appraisal.objects.filter(
        cycle__kind=AppraisalCycle.Kind.ANNUAL, cycle__year=2025, grade=Grade.BASIC,
        cycle__library__name="抚州市图书馆",
    ).first()  # fmt: skip
    assert [label for _q, label in routine_grades(basic)] == ["基本合格"] * 4


def test_the_departments_are_evaluated_and_ranked_for_five_years(counts):
    rows = DepartmentEvaluation.objects.filter(unit__library__name="抚州市图书馆")
    assert set(rows.values_list("year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    for year in range(2021, 2026):
        ranks = sorted(rows.filter(year=year).exclude(rank=None).values_list("rank", flat=True))
        assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) >= 5
    assert rows.exclude(rating="").count() == rows.exclude(total=None).count()
