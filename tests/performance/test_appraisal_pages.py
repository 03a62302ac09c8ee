"""The appraisal's pages as their users see them: HR's cycle page (the quota left, who
takes part and why), the head scoring their own staff only, the person seeing and signing
their own result only, a trustee seeing no appraisal at all."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from governance.access import visible
from performance.models import Appraisal, Grade
from performance.services import (
    advance_cycle,
    finalise_cycle,
    open_cycle,
    score_appraisal,
    set_committee,
    start_publicity,
)
from tests.factories import make_staff, make_user
from tests.performance import appraisal_of
from tests.tools import pdf_text, require_cjk_font

SCORES = {
    d: Decimal(88) for d in ("morality", "competence", "diligence", "achievement", "integrity")
}


def test_hr_sees_the_quota_left_and_why_each_person_is_in(client, org, hr, scoring):
    cycle, mine, _others, other_unit = scoring
    client.force_login(hr)
    page = client.get(reverse("performance_cycle", args=[cycle.pk])).content.decode()
    assert "周雨婷" in page and "刘明" in page
    assert "测试市图书馆 · 借阅部" in page  # the unit with its library
    assert "还剩 1 个" in page  # 20 % of 6 people: one 优秀, none proposed yet
    assert "True" not in page and "None" not in page


def test_the_cycle_page_costs_the_same_queries_for_5_and_30_people(
    client, org, hr, scoring, django_assert_max_num_queries
):
    cycle = scoring[0]
    client.force_login(hr)
    url = reverse("performance_cycle", args=[cycle.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    Appraisal.objects.bulk_create(
        [
            Appraisal(
                cycle=cycle,
                staff=make_staff(org["b"]),
                unit=org["b"],
                participation="graded",
            )
            for _ in range(25)
        ]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_head_scores_their_staff_and_cannot_open_another_units(
    client, org, scoring, head_a, head_b
):
    cycle, mine, _others, other_unit = scoring
    client.force_login(head_b)
    assert (
        client.get(
            reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
        ).status_code
        == 404
    )
    client.force_login(head_a)
    url = reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
    data = {
        **dict.fromkeys(SCORES, "90"),
        "votes_excellent": "12",
        "votes_competent": "20",
        "votes_basic": "1",
        "votes_incompetent": "0",
        "comment": "工作认真",
        "proposed_grade": "excellent",
    }
    score_url = reverse("performance_score", args=[appraisal_of(cycle, mine).pk])
    assert client.post(score_url, data).status_code == 302
    saved = appraisal_of(cycle, mine)
    assert saved.proposed_grade == Grade.EXCELLENT and saved.score == Decimal("90.00")
    assert (saved.votes_excellent, saved.votes_competent, saved.votes_basic) == (12, 20, 1)
    assert "优秀 12 票" in client.get(url).content.decode()
    listed = client.get(reverse("performance_to_score")).content.decode()
    assert "周雨婷" in listed and "刘明" not in listed


def test_a_refused_proposal_shows_the_reason_and_saves_nothing(client, org, scoring, head_a):
    cycle, mine, others, _other_unit = scoring
    score_appraisal(appraisal_of(cycle, others[0]), user=head_a, proposed_grade=Grade.EXCELLENT)
    client.force_login(head_a)
    url = reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
    data = {
        **dict.fromkeys(SCORES, "90"),
        **dict.fromkeys(
            ["votes_excellent", "votes_competent", "votes_basic", "votes_incompetent"], "0"
        ),
        "comment": "",
        "proposed_grade": "excellent",
    }
    response = client.post(url + "score/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "优秀名额" in page
    assert appraisal_of(cycle, mine).proposed_grade == ""


def test_the_person_sees_no_proposal_before_the_result_then_signs_their_own(
    client, org, hr, head_a, person, scoring
):
    cycle, mine, others, other_unit = scoring
    for staff in [mine, *others, other_unit]:
        grade = Grade.EXCELLENT if staff == mine else Grade.COMPETENT
        score_appraisal(appraisal_of(cycle, staff), user=hr, scores=SCORES, proposed_grade=grade)
    client.force_login(person)
    url = reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
    page = client.get(url).content.decode()
    assert "拟定档次" not in page and "优秀" not in page
    assert (
        client.get(
            reverse("performance_appraisal", args=[appraisal_of(cycle, others[0]).pk])
        ).status_code
        == 404
    )
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    finalise_cycle(cycle, user=hr, today=dt.date(2025, 12, 10))
    page = client.get(url).content.decode()
    assert "优秀" in page and "签字确认" in page
    assert client.post(url + "confirm/").status_code == 302
    assert appraisal_of(cycle, mine).confirmed_at is not None
    assert "周雨婷" in client.get(reverse("performance_mine")).content.decode()


def test_a_trustee_sees_no_appraisal(client, org, scoring):
    cycle, mine, _others, _other_unit = scoring
    trustee = make_user("trustee", role="trustee")
    client.force_login(trustee)
    home = reverse("wagtailadmin_home")  # Wagtail turns a refusal into a message there
    assert client.get(reverse("performance_cycles")).url == home
    assert client.get(reverse("performance_cycle", args=[cycle.pk])).status_code == 404
    assert (
        client.get(
            reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("performance_to_score")).url == home
    assert "周雨婷" not in client.get(reverse("performance_mine")).content.decode()


def test_the_person_writes_their_self_summary_on_the_page(client, org, hr, person):
    mine = make_staff(org["a"], name="周雨婷", user=person, hire_date=dt.date(2015, 1, 1))
    cycle = open_cycle(library=org["library"], kind="annual", year=2026, user=hr)
    client.force_login(person)
    url = reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
    data = {f"summary_{d}": "" for d in SCORES} | {
        "summary_achievement": "全年完成阅读推广活动 24 场",
    }
    assert client.post(url + "summary/", data).status_code == 302
    assert appraisal_of(cycle, mine).summary_achievement.startswith("全年完成")


def test_hr_filters_the_cycle_by_name_and_participation(client, org, hr, scoring):
    cycle, mine, _others, other_unit = scoring
    Appraisal.objects.create(
        cycle=cycle,
        staff=make_staff(org["a"], name="王新", hire_date=dt.date(2025, 10, 1)),
        unit=org["a"],
        participation="comment_only",
        participation_reason="2025-10-01 入职",
    )
    client.force_login(hr)
    url = reverse("performance_cycle", args=[cycle.pk])

    def listed(params) -> str:  # the people's table (the committee picker names users too)
        return client.get(url, params).content.decode().split('<table class="listing">')[1]

    page = listed({"participation": "comment_only"})
    assert "王新" in page and "周雨婷" not in page
    page = listed({"q": "刘"})
    assert "刘明" in page and "周雨婷" not in page


def test_a_head_does_not_find_themselves_to_score(client, org, hr, head_a):
    make_staff(org["a"], name="黄晓梅", user=head_a, hire_date=dt.date(2015, 1, 1))
    make_staff(org["a"], name="周敏", hire_date=dt.date(2015, 1, 1))
    cycle = open_cycle(library=org["library"], kind="annual", year=2025, user=hr)
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    client.force_login(head_a)
    page = client.get(reverse("performance_to_score")).content.decode()
    assert "周敏" in page and "黄晓梅" not in page


def test_the_registration_form_is_one_page_of_the_official_form(
    client, org, hr, head_a, head_b, person, scoring
):
    require_cjk_font()
    cycle, mine, others, other_unit = scoring
    for staff in [mine, *others, other_unit]:
        score_appraisal(
            appraisal_of(cycle, staff),
            user=hr,
            scores=SCORES,
            proposed_grade=Grade.COMPETENT,
            comment="工作认真负责",
        )
    url = reverse("performance_registration_form", args=[appraisal_of(cycle, mine).pk])
    client.force_login(person)
    assert client.get(url).status_code == 404  # the person's own form: once it is the result
    client.force_login(head_b)
    assert client.get(url).status_code == 404
    client.force_login(head_a)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for words in (
        "事业单位工作人员年度考核登记表",
        "（2025 年度）",
        "周雨婷",
        "测试市图书馆 · 借阅部",
        "个人总结",
        "建议等次：合格",
        "被考核人意见",
    ):
        assert words in text, words
    assert "第1页/共1页" in text.replace(" ", "")  # one page


def test_the_quarterly_routine_grades_stand_beside_the_annual_proposal(client, org, hr, scoring):
    cycle, mine, _others, _other_unit = scoring
    quarter = open_cycle(library=org["library"], kind="quarterly", year=2025, quarter=1, user=hr)
    advance_cycle(quarter, user=hr)
    advance_cycle(quarter, user=hr)
    quarter.appraisals.update(proposed_grade=Grade.COMPETENT)
    advance_cycle(quarter, user=hr)
    finalise_cycle(quarter, user=hr)  # a routine appraisal has no publicity
    client.force_login(hr)
    page = client.get(reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk]))
    assert "1 季度：合格" in page.content.decode()


def test_the_results_summary_lists_everyone_with_their_grade(client, org, hr, scoring):
    cycle, mine, others, other_unit = scoring
    Appraisal.objects.create(
        cycle=cycle,
        staff=make_staff(org["a"], name="王新"),
        unit=org["a"],
        participation="comment_only",
        participation_reason="2025-10-01 入职：本年度工作 3 个月。",
    )
    for staff in [mine, *others, other_unit]:
        grade = Grade.EXCELLENT if staff == mine else Grade.COMPETENT
        score_appraisal(appraisal_of(cycle, staff), user=hr, scores=SCORES, proposed_grade=grade)
    client.force_login(hr)
    url = reverse("performance_results_summary", args=[cycle.pk])
    sheet = load_workbook(BytesIO(client.get(url).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "单位", "部门", "工号", "姓名")
    by_name = {row[4]: row for row in rows[1:]}
    assert by_name["周雨婷"][8] == "优秀（拟）"  # proposed, not final yet
    assert by_name["王新"][8] is None and "3 个月" in by_name["王新"][9]
    assert len(rows) == 1 + 7


def test_the_publicity_notice_names_the_proposed_excellent_and_the_dates(
    client, org, hr, head_a, scoring
):
    require_cjk_font()
    cycle, mine, others, other_unit = scoring
    for staff in [mine, *others, other_unit]:
        grade = Grade.EXCELLENT if staff == mine else Grade.COMPETENT
        score_appraisal(appraisal_of(cycle, staff), user=hr, scores=SCORES, proposed_grade=grade)
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 9, 29))
    client.force_login(hr)
    text = pdf_text(client.get(reverse("performance_publicity_notice", args=[cycle.pk])).content)
    flat = text.replace(" ", "")
    assert "周雨婷" in text and "刘明" not in text
    assert "2025年9月29日至2025年10月11日" in flat  # five working days across National Day
    client.force_login(head_a)
    assert client.get(reverse("performance_publicity_notice", args=[cycle.pk])).status_code == 404


def test_the_committee_sees_its_cycle_and_nobody_elses(client, org, hr, head_b, scoring):
    cycle, mine, others, _other_unit = scoring
    score_appraisal(appraisal_of(cycle, mine), user=hr, proposed_grade=Grade.EXCELLENT)
    chair = make_user("director", role="leadership", first_name="馆长")
    rep = make_user("rep", role="staff")
    other = open_cycle(library=org["library"], kind="special", year=2025, user=hr)
    client.force_login(hr)
    url = reverse("performance_cycle", args=[cycle.pk])
    response = client.post(
        reverse("performance_cycle_committee", args=[cycle.pk]),
        {"chair": chair.pk, "staff_rep": [rep.pk, head_b.pk]},
    )
    assert response.status_code == 302
    assert cycle.committee.count() == 3
    client.force_login(rep)
    page = client.get(url).content.decode()
    assert "周雨婷" in page and "优秀" in page  # the committee sees the proposals
    # ... and each person's appraisal in it, but cannot score, nor post another's form.
    person_url = reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk])
    page = client.get(person_url).content.decode()
    assert "周雨婷" in page and "保存评分" not in page
    assert client.post(person_url + "score/", {}).status_code == 404
    assert set(visible(rep, Appraisal)) == set(cycle.appraisals.all())
    assert client.post(reverse("performance_cycle_advance", args=[cycle.pk])).status_code == 404
    assert client.get(reverse("performance_cycle", args=[other.pk])).status_code == 404
    elsewhere = appraisal_of(other, mine)
    assert client.get(reverse("performance_appraisal", args=[elsewhere.pk])).status_code == 404
    # Taken off the committee: the cycle is out of reach again.
    set_committee(cycle, members=[(chair, "chair")], user=hr)
    assert client.get(url).status_code == 404
    assert client.get(person_url).status_code == 404


def test_a_committee_needs_one_chair(org, hr, scoring):
    cycle = scoring[0]
    with pytest.raises(ValidationError, match="主任|chair"):
        set_committee(cycle, members=[], user=hr)


def test_the_lists_cost_the_same_queries_for_few_and_many_rows(
    client, org, hr, head_a, scoring, django_assert_max_num_queries
):
    cycle = scoring[0]
    pages = [
        (reverse("performance_to_score"), head_a),
        (reverse("performance_cycles"), hr),
        (reverse("performance_cycle", args=[cycle.pk]), hr),
    ]
    counts = []
    for url, user in pages:
        client.force_login(user)
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for _ in range(20):
        Appraisal.objects.create(
            cycle=cycle, staff=make_staff(org["a"]), unit=org["a"], participation="graded"
        )
    open_cycle(library=org["library"], kind="special", year=2024, user=hr)
    for (url, user), before in zip(pages, counts, strict=True):
        client.force_login(user)
        with django_assert_max_num_queries(before):
            client.get(url)


def test_the_person_reads_what_their_result_means(client, org, hr, person, scoring):
    cycle, mine, others, other_unit = scoring
    for staff in [mine, *others, other_unit]:
        grade = Grade.BASIC if staff == mine else Grade.COMPETENT
        score_appraisal(appraisal_of(cycle, staff), user=hr, proposed_grade=grade)
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    finalise_cycle(cycle, user=hr, today=dt.date(2025, 12, 10))
    client.force_login(person)
    page = client.get(reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk]))
    text = page.content.decode()
    assert "不增加薪级" in text and "次年不得晋升岗位等级" in text
