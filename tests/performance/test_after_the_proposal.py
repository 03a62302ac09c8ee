"""What HR does on the pages once the grades are proposed: objections during the publicity
(recorded, answered, and none left waiting when the grades are made final), the decision
on a review or appeal, the grade that waited for a case to close, and every form of the
cycle printed at once (in the background when the cycle is large)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import DocumentJob
from performance.models import Appeal, Appraisal, Grade, Objection
from performance.services import (
    advance_cycle,
    confirm_result,
    file_appeal,
    finalise_cycle,
    record_objection,
    score_appraisal,
    start_publicity,
)
from staffing.models import Investigation
from tests.factories import make_staff
from tests.performance import appraisal_of
from tests.tools import pdf_text, require_cjk_font

SCORES = {
    d: Decimal(88) for d in ("morality", "competence", "diligence", "achievement", "integrity")
}
AFTER_PUBLICITY = dt.date(2025, 12, 10)


def propose(cycle, hr, mine, others, other_unit, *, mine_gets=Grade.EXCELLENT):
    for staff in [mine, *others, other_unit]:
        grade = mine_gets if staff == mine else Grade.COMPETENT
        score_appraisal(appraisal_of(cycle, staff), user=hr, scores=SCORES, proposed_grade=grade)
    advance_cycle(cycle, user=hr)


@pytest.fixture
def publicised(scoring, hr):
    cycle, mine, others, other_unit = scoring
    propose(cycle, hr, mine, others, other_unit)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    cycle.refresh_from_db()
    return scoring


def test_hr_records_an_objection_and_cannot_finalise_until_it_is_answered(client, hr, publicised):
    cycle, mine, _others, _other_unit = publicised
    client.force_login(hr)
    page = client.get(reverse("performance_cycle", args=[cycle.pk])).content.decode()
    assert "记录异议" in page and "暂无异议" in page
    url = reverse("performance_cycle_objection", args=[cycle.pk])
    answer_url = None
    response = client.post(
        url,
        {
            "appraisal": appraisal_of(cycle, mine).pk,
            "received_on": "2025-12-03",
            "text": "该同志全年有两次迟到未报。",
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.recorded_by == hr and objection.answer == ""
    page = client.get(reverse("performance_cycle", args=[cycle.pk])).content.decode()
    assert "两次迟到" in page and "待答复" in page

    # Finalising waits for the answer, whatever the date.
    with pytest.raises(Exception, match="1 条异议"):
        finalise_cycle(cycle, user=hr, today=AFTER_PUBLICITY)

    answer_url = reverse("performance_objection_answer", args=[objection.pk])
    refused = client.post(answer_url, {"answer": "", "grade": ""})
    assert refused.status_code == 400 and Objection.objects.get().answer == ""
    response = client.post(
        answer_url, {"answer": "经考核委员会核实，情况属实，改为合格。", "grade": "competent"}
    )
    assert response.status_code == 302
    assert appraisal_of(cycle, mine).proposed_grade == Grade.COMPETENT
    assert client.post(answer_url, {"answer": "再答", "grade": ""}).status_code == 400

    finalise_cycle(cycle, user=hr, today=AFTER_PUBLICITY)
    assert appraisal_of(cycle, mine).grade == Grade.COMPETENT
    person_page = client.get(reverse("performance_appraisal", args=[appraisal_of(cycle, mine).pk]))
    assert "情况属实" in person_page.content.decode()


def test_an_unfounded_objection_leaves_the_proposal(hr, publicised):
    cycle, mine, _others, _other_unit = publicised
    from performance.services import answer_objection

    objection = record_objection(
        appraisal_of(cycle, mine), user=hr, text="有异议", received_on=dt.date(2025, 12, 2)
    )
    answer_objection(objection, user=hr, answer="经核实，反映的问题不属实。")
    assert appraisal_of(cycle, mine).proposed_grade == Grade.EXCELLENT
    with pytest.raises(Exception, match="优秀以外"):
        answer_objection(
            record_objection(
                appraisal_of(cycle, mine), user=hr, text="再次", received_on=dt.date(2025, 12, 3)
            ),
            user=hr,
            answer="属实",
            grade=Grade.EXCELLENT,
        )


def test_only_hr_records_objections_and_only_during_the_publicity(client, hr, head_a, scoring):
    cycle, mine, others, other_unit = scoring
    propose(cycle, hr, mine, others, other_unit)
    client.force_login(hr)
    url = reverse("performance_cycle_objection", args=[cycle.pk])
    data = {"appraisal": appraisal_of(cycle, mine).pk, "received_on": "2025-12-03", "text": "x"}
    response = client.post(url, data)  # not publicised yet
    assert response.status_code == 400 and "不在公示期" in response.content.decode()
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    client.force_login(head_a)
    assert client.post(url, data).status_code == 404
    # Only a proposed 优秀 can be objected to (the form offers no one else).
    client.force_login(hr)
    data["appraisal"] = appraisal_of(cycle, others[0]).pk
    assert client.post(url, data).status_code == 400
    assert not Objection.objects.exists()


@pytest.fixture
def appealed(client, hr, person, scoring):
    """周雨婷's 基本合格, signed for, with a review waiting for HR's decision."""
    cycle, mine, others, other_unit = scoring
    propose(cycle, hr, mine, others, other_unit, mine_gets=Grade.BASIC)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    finalise_cycle(cycle, user=hr, today=AFTER_PUBLICITY)
    cycle.refresh_from_db()
    appraisal = confirm_result(appraisal_of(cycle, mine), user=person)
    file_appeal(
        appraisal,
        user=person,
        kind="review",
        reasons="全年无迟到早退，考勤记录有误。",
        filed_on=appraisal.confirmed_at.date(),
    )
    return appraisal


def test_hr_decides_a_review_and_a_changed_result_becomes_the_grade(
    client, hr, person, head_a, appealed
):
    url = reverse("performance_appraisal", args=[appealed.pk])
    decide = reverse("performance_decide", args=[appealed.pk])
    client.force_login(person)
    page = client.get(url).content.decode()
    assert "考勤记录有误" in page and "记录决定" not in page
    assert client.post(decide, {}).status_code == 404  # the person does not decide
    client.force_login(head_a)
    assert client.post(decide, {}).status_code == 404
    client.force_login(hr)
    assert "记录决定" in client.get(url).content.decode()
    missing = client.post(
        decide, {"outcome": "changed", "new_grade": "", "decided_on": "2025-12-20", "decision": "x"}
    )
    assert missing.status_code == 400 and "变更结果须写明变更后的档次" in missing.content.decode()
    assert Appeal.objects.get().decided_on is None
    response = client.post(
        decide,
        {
            "outcome": "changed",
            "new_grade": "competent",
            "decided_on": "2025-12-20",
            "decision": "经复核，考勤记录有误，改为合格。",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.previous_grade == Grade.BASIC and appeal.new_grade == Grade.COMPETENT
    assert Appraisal.objects.get(pk=appealed.pk).grade == Grade.COMPETENT
    assert client.post(decide, {"outcome": "upheld", "decided_on": "2025-12-21",
                                "decision": "维持"}).status_code == 404  # fmt: skip
    client.force_login(person)
    page = client.get(url).content.decode()
    assert "变更结果" in page and "改为合格" in page


def test_hr_gives_the_grade_that_waited_for_a_closed_case(client, org, hr, person, scoring):
    cycle, mine, others, other_unit = scoring
    waiting = make_staff(org["a"], name="陈立案", hire_date=dt.date(2015, 1, 1))
    Investigation.objects.create(staff=waiting, opened=dt.date(2025, 11, 1))
    row = Appraisal.objects.create(
        cycle=cycle,
        staff=waiting,
        unit=org["a"],
        participation=Appraisal.Participation.PENDING,
        participation_reason="立案调查中",
    )
    propose(cycle, hr, mine, others, other_unit)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 1))
    finalise_cycle(cycle, user=hr, today=AFTER_PUBLICITY)
    client.force_login(hr)
    page = client.get(reverse("performance_cycle", args=[cycle.pk])).content.decode()
    assert "1 人的等次待案件了结后确定" in page
    settle = reverse("performance_settle", args=[row.pk])
    assert client.post(settle, {"grade": "competent", "reason": ""}).status_code == 400
    assert Appraisal.objects.get(pk=row.pk).grade == ""
    response = client.post(settle, {"grade": "competent", "reason": "2026-01-15 结案，未予处分"})
    assert response.status_code == 302
    settled = Appraisal.objects.get(pk=row.pk)
    assert settled.grade == Grade.COMPETENT and "未予处分" in settled.participation_reason
    # Settled once: the form is gone; and nobody else's grade is "settled" by URL.
    assert client.post(settle, {"grade": "basic", "reason": "x"}).status_code == 404
    mine_settle = reverse("performance_settle", args=[appraisal_of(cycle, mine).pk])
    assert client.post(mine_settle, {"grade": "basic", "reason": "x"}).status_code == 404
    client.force_login(person)
    assert client.post(settle, {"grade": "basic", "reason": "x"}).status_code == 404


def test_every_form_of_the_cycle_prints_at_once_a_page_each(client, hr, head_a, scoring):
    require_cjk_font()
    cycle, mine, others, other_unit = scoring
    propose(cycle, hr, mine, others, other_unit)
    client.force_login(hr)
    response = client.get(reverse("performance_registration_forms", args=[cycle.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert text.count("事业单位工作人员年度考核登记表") == 6
    assert "周雨婷" in text and "刘明" in text
    assert "第6页/共6页" in text.replace(" ", "")
    client.force_login(head_a)  # a head prints their own people's forms one by one
    assert client.get(reverse("performance_registration_forms", args=[cycle.pk])).status_code == 404


def test_a_large_cycles_forms_are_prepared_in_the_background(
    client, hr, scoring, settings, django_capture_on_commit_callbacks
):
    require_cjk_font()
    cycle = scoring[0]
    settings.SHUXIANG_BACKGROUND_ROWS = 40  # two forms' worth: the cycle has six people
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("performance_registration_forms", args=[cycle.pk]))
    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.READY and job.filename.endswith(".pdf")
    data = b"".join(client.get(reverse("shuxiang_document_download", args=[job.pk])))
    assert pdf_text(data).count("事业单位工作人员年度考核登记表") == 6
