"""The appraisal's rules (考核规定, 人社部发〔2023〕6号): who takes part and why, the 优秀
quota (also under two HR officers at once on PostgreSQL), the publicity counted in
working days, finalising in a fixed number of queries, signatures and appeals."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from governance.models import WorkdayOverride
from governance.selectors.calendar import nth_working_day, working_days_between
from performance.models import Appeal, Appraisal, AppraisalCycle, Grade
from performance.selectors import consequences_of, quota_of
from performance.services import (
    advance_cycle,
    confirm_result,
    correct_participation,
    file_appeal,
    finalise_cycle,
    open_cycle,
    score_appraisal,
    start_publicity,
    submit_summary,
)
from staffing.models import Investigation, LeaveRecord, Staff
from tests.factories import make_staff, make_user

P = Appraisal.Participation
SCORES = {
    d: Decimal(90) for d in ("morality", "competence", "diligence", "achievement", "integrity")
}


def staff_in(unit, n, **values):
    values.setdefault("hire_date", dt.date(2015, 1, 1))
    return [make_staff(unit, **values) for _ in range(n)]


def open_2025(org, hr, **options):
    return open_cycle(library=org["library"], kind="annual", year=2025, user=hr, **options)


def to_scoring(cycle, hr):
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    cycle.refresh_from_db()
    assert cycle.status == AppraisalCycle.Status.SCORING
    return cycle


def by_staff(cycle):
    return {a.staff_id: a for a in cycle.appraisals.all()}


# -- who takes part ----------------------------------------------------------------------


def test_opening_works_out_who_takes_part_and_why(org, hr):
    graded = make_staff(org["a"], hire_date=dt.date(2015, 3, 1))
    newcomer = make_staff(org["a"], hire_date=dt.date(2025, 8, 1))  # 5 months in 2025
    half_year = make_staff(org["a"], hire_date=dt.date(2025, 7, 1))  # 6 months: graded
    sick = make_staff(org["b"], hire_date=dt.date(2010, 1, 1))
    LeaveRecord.objects.create(
        staff=sick, kind="sick", start=dt.date(2025, 1, 1), end=dt.date(2025, 4, 30)
    )
    LeaveRecord.objects.create(
        staff=sick, kind="personal", start=dt.date(2025, 6, 1), end=dt.date(2025, 8, 31)
    )
    mother = make_staff(org["b"], hire_date=dt.date(2010, 1, 1))
    LeaveRecord.objects.create(
        staff=mother, kind="maternity", start=dt.date(2025, 1, 1), end=dt.date(2025, 9, 30)
    )
    investigated = make_staff(org["b"], hire_date=dt.date(2010, 1, 1))
    Investigation.objects.create(staff=investigated, opened=dt.date(2025, 11, 1))
    left = make_staff(
        org["a"], hire_date=dt.date(2010, 1, 1), status="left", status_date=dt.date(2025, 6, 30)
    )
    make_staff(
        org["a"], hire_date=dt.date(2010, 1, 1), status="left", status_date=dt.date(2024, 6, 30)
    )

    cycle = open_2025(org, hr)

    rows = by_staff(cycle)
    assert rows[graded.pk].participation == P.GRADED
    assert rows[newcomer.pk].participation == P.COMMENT_ONLY
    assert "5" in rows[newcomer.pk].participation_reason
    assert rows[half_year.pk].participation == P.GRADED
    assert rows[sick.pk].participation == P.LEAVE  # 120 + 92 days of sick and personal leave
    assert rows[mother.pk].participation == P.GRADED  # maternity leave is graded
    assert rows[investigated.pk].participation == P.PENDING
    assert rows[left.pk].participation == P.EXCLUDED
    assert len(rows) == 7  # the one who left in 2024 is not in the year at all
    assert rows[graded.pk].unit == org["a"]


def test_hr_corrects_participation_with_a_reason_and_a_refusal_is_incompetent(org, hr, head_a):
    person = make_staff(org["a"])
    cycle = open_2025(org, hr)
    appraisal = cycle.appraisals.get(staff=person)
    with pytest.raises(PermissionDenied):
        correct_participation(appraisal, participation=P.REFUSED, reason="拒绝参加", user=head_a)
    with pytest.raises(ValidationError, match="更正理由"):
        correct_participation(appraisal, participation=P.REFUSED, reason=" ", user=hr)
    corrected = correct_participation(
        appraisal, participation=P.REFUSED, reason="拒绝参加考核", user=hr
    )
    assert corrected.corrected and corrected.proposed_grade == Grade.INCOMPETENT


def test_only_a_library_is_appraised_and_only_hr_opens_cycles(org, hr, head_a):
    with pytest.raises(ValidationError, match="不是图书馆"):
        open_cycle(library=org["a"], kind="annual", year=2025, user=hr)
    with pytest.raises(PermissionDenied):
        open_cycle(library=org["library"], kind="annual", year=2025, user=head_a)
    assert not AppraisalCycle.objects.exists()


# -- the quota -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "reference", "allowed"),
    [("normal", "", 2), ("raised", "文化局批〔2025〕3号", 3), ("reduced", "", 1)],
)
def test_the_excellent_quota_is_a_share_rounded_down(org, hr, basis, reference, allowed):
    staff_in(org["a"], 12)  # 20 % of 12 = 2.4, 25 % = 3, 15 % = 1.8
    cycle = open_2025(org, hr, quota_basis=basis, approval_reference=reference)
    assert quota_of(cycle).allowed == allowed


def test_a_raised_quota_needs_its_approval_reference(org, hr):
    with pytest.raises(ValidationError, match="批准文号"):
        open_2025(org, hr, quota_basis="raised")


def test_proposing_past_the_quota_is_refused_and_the_rest_still_pass(org, hr, head_a):
    people = staff_in(org["a"], 10)  # two 优秀 allowed
    cycle = to_scoring(open_2025(org, hr), hr)
    rows = by_staff(cycle)
    for person in people[:2]:
        score_appraisal(rows[person.pk], user=head_a, scores=SCORES, proposed_grade=Grade.EXCELLENT)
    assert quota_of(cycle).remaining == 0
    with pytest.raises(ValidationError, match="优秀名额 2 个"):
        score_appraisal(rows[people[2].pk], user=head_a, proposed_grade=Grade.EXCELLENT)
    assert Appraisal.objects.get(pk=rows[people[2].pk].pk).proposed_grade == ""
    # Changing one's mind about an 优秀 already counted is not a second place.
    score_appraisal(rows[people[0].pk], user=head_a, proposed_grade=Grade.EXCELLENT)
    score_appraisal(rows[people[2].pk], user=head_a, proposed_grade=Grade.COMPETENT)


def test_a_head_scores_only_their_units_staff(org, hr, head_b):
    person = make_staff(org["a"])
    cycle = to_scoring(open_2025(org, hr), hr)
    with pytest.raises(PermissionDenied):
        score_appraisal(cycle.appraisals.get(staff=person), user=head_b, scores=SCORES)


def test_an_ungraded_person_gets_no_grade_proposed(org, hr, head_a):
    newcomer = make_staff(org["a"], hire_date=dt.date(2025, 10, 1))
    cycle = to_scoring(open_2025(org, hr), hr)
    with pytest.raises(ValidationError, match="不定档次"):
        score_appraisal(
            cycle.appraisals.get(staff=newcomer), user=head_a, proposed_grade=Grade.COMPETENT
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_hr_officers_cannot_both_take_the_last_excellent(org):
    hr1, hr2 = make_user("hr1", role="hr"), make_user("hr2", role="hr")
    people = staff_in(org["a"], 5)  # one 优秀 allowed
    cycle = to_scoring(open_2025(org, hr1), hr1)
    rows = by_staff(cycle)
    outcomes = []
    if connection.vendor != "postgresql":
        # SQLite writes one transaction at a time: the second proposal comes after.
        for officer, person in ((hr1, people[0]), (hr2, people[1])):
            try:
                score_appraisal(rows[person.pk], user=officer, proposed_grade=Grade.EXCELLENT)
                outcomes.append("ok")
            except ValidationError:
                outcomes.append("refused")
    else:
        barrier = threading.Barrier(2)

        def propose(officer, person):
            try:
                barrier.wait()
                score_appraisal(rows[person.pk], user=officer, proposed_grade=Grade.EXCELLENT)
                outcomes.append("ok")
            except ValidationError:
                outcomes.append("refused")
            finally:
                close_old_connections()
                connection.close()

        threads = [
            threading.Thread(target=propose, args=(hr1, people[0])),
            threading.Thread(target=propose, args=(hr2, people[1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert cycle.appraisals.filter(proposed_grade=Grade.EXCELLENT).count() == 1


# -- publicity and the result ------------------------------------------------------------


def test_working_days_skip_the_national_day_holiday_and_count_the_make_up_saturday(db):
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert working_days_between(dt.date(2025, 9, 28), dt.date(2025, 10, 11)) == 6
    assert nth_working_day(dt.date(2025, 9, 29), 5) == dt.date(2025, 10, 11)
    assert nth_working_day(dt.date(2025, 9, 27), 1) == dt.date(2025, 9, 28)


def test_a_correction_of_the_calendar_wins_over_the_package(db):
    WorkdayOverride.objects.create(date=dt.date(2025, 10, 9), is_workday=False, note="本地假日")
    assert nth_working_day(dt.date(2025, 10, 9), 1) == dt.date(2025, 10, 10)


def run_to_publicity(org, hr, head_a, start=dt.date(2025, 9, 29)):
    people = staff_in(org["a"], 5)
    cycle = to_scoring(open_2025(org, hr), hr)
    rows = by_staff(cycle)
    grades = [Grade.EXCELLENT, Grade.COMPETENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]
    for person, grade in zip(people, grades, strict=True):
        score_appraisal(rows[person.pk], user=head_a, scores=SCORES, proposed_grade=grade)
    advance_cycle(cycle, user=hr)
    return start_publicity(cycle, user=hr, start=start), people


def test_the_cycle_cannot_be_finalised_before_five_working_days_of_publicity(org, hr, head_a):
    cycle, _people = run_to_publicity(org, hr, head_a)
    assert cycle.publicity_end == dt.date(2025, 10, 11)  # across the National Day holiday
    with pytest.raises(ValidationError, match="2025-10-11"):
        finalise_cycle(cycle, user=hr, today=dt.date(2025, 10, 11))
    final = finalise_cycle(cycle, user=hr, today=dt.date(2025, 10, 12))
    assert final.is_final
    assert sorted(final.appraisals.values_list("grade", flat=True)) == sorted(
        ["excellent", "competent", "competent", "basic", "incompetent"]
    )


def test_proposals_must_be_complete_before_the_publicity(org, hr, head_a):
    staff_in(org["a"], 3)
    cycle = to_scoring(open_2025(org, hr), hr)
    with pytest.raises(ValidationError, match="还有 3 人"):
        advance_cycle(cycle, user=hr)


def finalise_queries(org, hr, n):
    Staff.objects.bulk_create(
        [
            Staff(unit=org["b"], staff_number=f"Q{n}-{i:05d}", name=f"职工{i}", gender="F",
                  employment_type="establishment", hire_date=dt.date(2015, 1, 1))
            for i in range(n)
        ]
    )  # fmt: skip
    cycle = to_scoring(open_2025(org, hr), hr)
    cycle.appraisals.update(proposed_grade=Grade.COMPETENT)
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    with CaptureQueriesContext(connection) as queries:
        finalise_cycle(cycle, user=hr, today=dt.date(2026, 1, 5))
    assert cycle.appraisals.filter(grade=Grade.COMPETENT).count() == Staff.objects.count()
    return len(queries)


def test_finalising_costs_the_same_queries_for_50_and_2000_people(org, hr):
    small = finalise_queries(org, hr, 50)
    Appraisal.objects.all().delete()
    AppraisalCycle.objects.all().delete()
    assert finalise_queries(org, hr, 2000) == small


def test_staff_sign_only_their_own_final_result_and_appeal_within_the_period(
    org, hr, head_a, settings
):
    people = staff_in(org["a"], 4)
    person_user = make_user("appraised", role="staff")
    Staff.objects.filter(pk=people[3].pk).update(user=person_user)
    cycle = to_scoring(open_2025(org, hr), hr)
    rows = by_staff(cycle)
    for person in people:
        grade = Grade.BASIC if person == people[3] else Grade.COMPETENT
        score_appraisal(rows[person.pk], user=head_a, scores=SCORES, proposed_grade=grade)
    mine = rows[people[3].pk]
    with pytest.raises(ValidationError, match="尚无可签字"):
        confirm_result(mine, user=person_user)
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    finalise_cycle(cycle, user=hr, today=dt.date(2025, 12, 10))
    with pytest.raises(PermissionDenied):
        confirm_result(rows[people[0].pk], user=person_user)
    with pytest.raises(ValidationError, match="请先签字"):
        file_appeal(
            mine, user=person_user, kind="review", reasons="有异议", filed_on=dt.date(2025, 12, 11)
        )
    signed = confirm_result(mine, user=person_user)
    late = signed.confirmed_at.date() + dt.timedelta(
        days=settings.SHUXIANG_APPRAISAL_REVIEW_DAYS + 1
    )
    with pytest.raises(ValidationError, match="期限已于"):
        file_appeal(mine, user=person_user, kind="review", reasons="有异议", filed_on=late)
    with pytest.raises(ValidationError, match="请先申请复核"):
        file_appeal(
            mine,
            user=person_user,
            kind="appeal",
            reasons="有异议",
            filed_on=signed.confirmed_at.date(),
        )
    review = file_appeal(
        mine, user=person_user, kind="review", reasons="有异议", filed_on=signed.confirmed_at.date()
    )
    assert review.previous_grade == Grade.BASIC and Appeal.objects.count() == 1


def test_a_self_summary_is_the_persons_own(org, hr, head_a):
    person_user = make_user("writer", role="staff")
    person = make_staff(org["a"], user=person_user, hire_date=dt.date(2015, 1, 1))
    cycle = open_2025(org, hr)
    appraisal = cycle.appraisals.get(staff=person)
    with pytest.raises(PermissionDenied):
        submit_summary(appraisal, user=head_a, achievement="代写")
    done = submit_summary(appraisal, user=person_user, achievement="完成全年借阅服务目标")
    assert done.summary_submitted_at and done.summary_achievement.startswith("完成")


# -- consequences ----------------------------------------------------------------------------


def test_consequences_follow_from_the_grades():
    years = consequences_of({2023: "basic", 2024: "basic", 2025: "incompetent"})
    assert years[2023].no_promotion_next_year and not years[2023].adjustment_flag
    assert years[2024].adjustment_flag  # two 基本合格 running
    assert years[2025].down_one_grade and not years[2025].salary_step
    assert consequences_of({2025: "excellent"})[2025].salary_step


def test_nobody_scores_their_own_appraisal(org, hr, head_a):
    own = make_staff(org["a"], user=head_a, hire_date=dt.date(2015, 1, 1))
    cycle = to_scoring(open_2025(org, hr), hr)
    with pytest.raises(PermissionDenied):
        score_appraisal(cycle.appraisals.get(staff=own), user=head_a, scores=SCORES)
    score_appraisal(cycle.appraisals.get(staff=own), user=hr, scores=SCORES)  # HR scores the head


def test_a_library_has_one_annual_appraisal_a_year(org, hr):
    open_2025(org, hr)
    with pytest.raises(ValidationError, match="已有这项考核"):
        open_2025(org, hr)
    assert AppraisalCycle.objects.count() == 1


def test_votes_are_recorded_and_never_negative(org, hr, head_a):
    person = make_staff(org["a"])
    cycle = to_scoring(open_2025(org, hr), hr)
    appraisal = cycle.appraisals.get(staff=person)
    votes = {"excellent": 10, "competent": 25, "basic": 2, "incompetent": 0}
    with pytest.raises(ValidationError, match="票数"):
        score_appraisal(appraisal, user=head_a, votes=votes | {"basic": -1})
    saved = score_appraisal(appraisal, user=head_a, votes=votes)
    assert (saved.votes_excellent, saved.votes_competent, saved.votes_basic) == (10, 25, 2)
