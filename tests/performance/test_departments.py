"""The departments' yearly evaluation: plan-task completion against the time schedule,
reports sent before their quarter closed, the staff's appraisal results and the items
the leadership scores, weighted, ranked and rated; the leadership's, the ranking read by
others, a head seeing only their own department."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.indicators import get_provider
from governance.models import Period, PlanItem, ProgressReport
from performance.models import DepartmentEvaluation, Grade
from performance.services import (
    advance_cycle,
    evaluate_departments,
    finalise_cycle,
    open_cycle,
    score_appraisal,
    score_other_items,
    start_publicity,
)
from tests.factories import Node, make_plan, make_staff, make_user
from tests.tools import pdf_text, require_cjk_font


@pytest.fixture
def leader(org):
    return make_user("leader", role="leadership")


@pytest.fixture
def plan(org, head_a):
    plan = make_plan(
        [Node("一、", "主要任务", [Node("（一）", "甲任务"), Node("（二）", "乙任务")])],
        start_year=2025,
        end_year=2025,
    )
    PlanItem.objects.filter(plan=plan, title="甲任务").update(lead_unit=org["a"])
    PlanItem.objects.filter(plan=plan, title="乙任务").update(lead_unit=org["b1"])  # B's
    closed = timezone.make_aware(dt.datetime(2026, 1, 10))
    Period.objects.filter(plan=plan, year=2025).update(closed_at=closed)
    late = timezone.make_aware(dt.datetime(2026, 2, 1))
    for title, percent, when in (("甲任务", 100, closed), ("乙任务", 50, late)):
        item = PlanItem.objects.get(plan=plan, title=title)
        for period in Period.objects.filter(plan=plan, year=2025):
            ProgressReport.objects.create(
                item=item, period=period, percent=Decimal(percent), health="on_track",
                narrative="进展", status="accepted", author=head_a,
                submitted_at=when - dt.timedelta(days=1), reviewed_at=when,
            )  # fmt: skip
    return plan


def graded(org, hr, grades):
    people = [("甲一", org["a"]), ("甲二", org["a"]), ("甲三", org["a"]), ("甲四", org["a1"])]
    for name, unit in [*people, ("乙一", org["b"])]:  # five: one 优秀 allowed
        make_staff(unit, name=name, hire_date=dt.date(2015, 1, 1))
    cycle = open_cycle(library=org["library"], kind="annual", year=2025, user=hr)
    advance_cycle(cycle, user=hr)
    advance_cycle(cycle, user=hr)
    for appraisal in cycle.appraisals.select_related("staff"):
        grade = grades.get(appraisal.staff.name, Grade.COMPETENT)
        score_appraisal(appraisal, user=hr, proposed_grade=grade)
    advance_cycle(cycle, user=hr)
    start_publicity(cycle, user=hr, start=dt.date(2025, 12, 15))
    finalise_cycle(cycle, user=hr, today=dt.date(2026, 1, 10))


def test_the_parts_rank_and_rate_the_departments(org, hr, leader, plan):
    graded(org, hr, {"甲一": Grade.EXCELLENT, "乙一": Grade.BASIC})
    assert evaluate_departments(org["library"], 2025, user=leader) == 2
    a = DepartmentEvaluation.objects.get(unit=org["a"])
    b = DepartmentEvaluation.objects.get(unit=org["b"])
    assert a.plan_score == Decimal("100.00") and b.plan_score == Decimal("50.00")
    assert a.reporting_score == Decimal("100.00") and b.reporting_score == Decimal("0.00")
    # 优秀 100 and three 合格 85 (A1 counted with A); one 基本合格 60.
    assert a.appraisal_score == Decimal("88.75") and b.appraisal_score == Decimal("60.00")
    # No leadership score yet: the other parts share its weight (40/20/20 of 80).
    assert a.total == Decimal("97.19") and b.total == Decimal("40.00")
    assert (a.rank, a.rating) == (1, "excellent") and (b.rank, b.rating) == (2, "fail")
    score_other_items(b, user=leader, score=Decimal(100), note="少儿阅读活动获省级表彰")
    b.refresh_from_db()
    assert b.total == Decimal("52.00")  # (40·50 + 20·0 + 20·60 + 20·100) / 100
    evaluate_departments(org["library"], 2025, user=leader)  # computed again: the score stays
    b.refresh_from_db()
    assert b.other_score == Decimal("100.00") and b.total == Decimal("52.00")
    share = get_provider("performance.excellent_departments_share").compute(None, 2025)
    assert share == Decimal("50.00")


def test_only_the_leadership_evaluates_and_scores_between_0_and_100(org, hr, leader, plan):
    with pytest.raises(PermissionDenied):
        evaluate_departments(org["library"], 2025, user=hr)
    evaluate_departments(org["library"], 2025, user=leader)
    row = DepartmentEvaluation.objects.get(unit=org["a"])
    with pytest.raises(ValidationError):
        score_other_items(row, user=leader, score=Decimal(101), note="x")


def test_the_ranking_page_shows_a_head_their_own_department(client, org, leader, head_a, plan):
    evaluate_departments(org["library"], 2025, user=leader)
    url = reverse("performance_departments")
    client.force_login(leader)
    page = client.get(url, {"year": 2025}).content.decode()
    assert "测试市图书馆 · 借阅部" in page and "测试市图书馆 · 少儿部" in page
    client.force_login(head_a)
    page = client.get(url, {"year": 2025}).content.decode()
    assert "测试市图书馆 · 借阅部" in page and "测试市图书馆 · 少儿部" not in page
    assert 'value="compute"' not in page  # no compute button for a head


def test_the_ranking_prints_as_a_pdf_for_whoever_reads_it(client, org, leader, head_a, plan):
    require_cjk_font()
    evaluate_departments(org["library"], 2025, user=leader)
    url = reverse("performance_department_ranking")
    params = {"library": org["library"].pk, "year": 2025}
    client.force_login(leader)
    response = client.get(url, params)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = text.replace(" ", "")
    assert "测试市图书馆2025年度部门综合考评" in flat
    assert "借阅部" in text and "少儿部" in text and "综合得分" in flat
    assert "权重" in text
    client.force_login(head_a)  # a head: their own department's line only
    text = pdf_text(client.get(url, params).content)
    assert "借阅部" in text and "少儿部" not in text
    assert client.get(url, {"library": org["library"].pk}).status_code == 404  # no year
    assert client.get(url, {"library": "abc", "year": 2025}).status_code == 404
    assert client.get(url, {"library": org["a"].pk, "year": 2025}).status_code == 404
    trustee = make_user("trustee", role="trustee")
    client.force_login(trustee)
    assert client.get(url, params).url == reverse("wagtailadmin_home")
