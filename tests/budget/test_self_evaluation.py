"""The year-end self-evaluation (项目支出绩效自评表) against hand-computed scores: ≥ and ≤
indicators, an over-achieved one capped, a qualitative one by its band, = on either side,
the execution rate above and below 100 %; the reasons a lost point needs; finance's
confirmation that locks it; the page, the PDF and the summary showing the same figures."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from budget.models import (
    BudgetAdjustment,
    Expenditure,
    SelfEvaluation,
    TargetIndicator,
    TargetTable,
)
from budget.services import (
    confirm_evaluation,
    execution_score,
    indicator_score,
    record_results,
    start_self_evaluation,
    submit_evaluation,
)
from tests.factories import make_project, make_user
from tests.tools import pdf_text, require_cjk_font

pytestmark = pytest.mark.django_db
D = Decimal
AFTER = dt.date(2026, 1, 20)
# (level 2, name, operator, target, qualitative target, unit, points)
INDICATORS = [
    ("quantity", "举办活动场次", "ge", D(120), "", "场", 25),
    ("timeliness", "年内完成率", "ge", D(100), "", "%", 15),
    ("cost", "场均活动成本", "le", D(50), "", "元", 10),
    ("social", "少儿阅读兴趣提升", "qual", None, "效果明显", "", 30),
    ("beneficiaries", "读者满意度", "ge", D(90), "", "%", 10),
]


@pytest.fixture
def finance(org):
    return make_user("finance_officer", role="finance")


@pytest.fixture
def project(org, finance):
    """Fiscal 200,000 and carried over 50,000 (250,000); 230,000 spent: 92 %."""
    project = make_project(
        org["a"], name="少儿阅读推广", funds={"fiscal": D(200000), "carry_over": D(50000)}
    )
    table = TargetTable.objects.create(
        project=project, status="approved", annual_goal="全年举办活动120场"
    )
    for n, (level2, name, operator, value, text, unit, points) in enumerate(INDICATORS):
        TargetIndicator.objects.create(
            table=table, sort_order=n, level2=level2, name=name, operator=operator,
            target_value=value, target_text=text, measure_unit=unit, points=D(points),
        )  # fmt: skip
    for source, amount in (("fiscal", 190000), ("carry_over", 40000)):
        Expenditure.objects.create(
            project=project, date=dt.date(2025, 11, 5), amount=D(amount), source=source,
            recorded_by=finance,
        )  # fmt: skip
    return project


ACTUALS = {  # the year's actuals, hand-scored
    "举办活动场次": {"actual_value": D(96)},  # 96 / 120 × 25 = 20
    "年内完成率": {"actual_value": D(110)},  # over-achieved: capped at 15
    "场均活动成本": {"actual_value": D("62.5")},  # ≤: 50 / 62.5 × 10 = 8
    "少儿阅读兴趣提升": {"band": "partial", "actual_text": "问卷显示兴趣提升"},  # 70 % of 30 = 21
    "读者满意度": {"actual_value": D(95)},  # 10
}


def fill(evaluation, user, *, reasons=True):
    results = {}
    for row in evaluation.indicators.select_related("indicator"):
        values = dict(ACTUALS[row.indicator.name])
        if reasons and row.indicator.name in ("举办活动场次", "场均活动成本", "少儿阅读兴趣提升"):
            values["reason"] = "场馆维修停放两个月；下年提前安排"
        results[row.pk] = values
    return record_results(evaluation, user=user, goal_result="完成活动96场", results=results)


def test_each_rule_scores_as_computed_by_hand(head_a, project):
    evaluation = fill(start_self_evaluation(project, user=head_a, today=AFTER), head_a)
    scores = {r.indicator.name: r.score for r in evaluation.indicators.select_related("indicator")}
    assert scores == {
        "举办活动场次": D("20.00"),
        "年内完成率": D("15.00"),
        "场均活动成本": D("8.00"),
        "少儿阅读兴趣提升": D("21.00"),
        "读者满意度": D("10.00"),
    }
    assert evaluation.execution_score == D("9.20")  # 230,000 of 250,000 × 10
    assert evaluation.total == D("83.20") and evaluation.grade == "good"


def test_execution_above_100_percent_earns_its_points_and_no_more():
    assert execution_score(D(260000), D(250000), D(10)) == D("10.00")
    assert execution_score(D(0), D(250000), D(10)) == D("0.00")
    assert execution_score(D(100), D(0), D(10)) == D(0)


def test_an_equal_target_loses_points_on_either_side(project):
    indicator = TargetIndicator(operator="eq", target_value=D(100), points=D(10))
    assert indicator_score(indicator, D(100), "") == D("10.00")
    assert indicator_score(indicator, D(110), "") == D("9.09")  # 100 / 110
    assert indicator_score(indicator, D(80), "") == D("8.00")
    reverse_ = TargetIndicator(operator="le", target_value=D(50), points=D(10))
    assert indicator_score(reverse_, D(40), "") == D("10.00")  # under the ceiling: full
    assert indicator_score(reverse_, D(0), "") == D("10.00")


def test_a_lost_point_needs_its_reason_and_finance_confirms_and_locks(
    client, head_a, finance, project
):
    evaluation = start_self_evaluation(project, user=head_a, today=AFTER)
    with pytest.raises(ValidationError, match="举办活动场次"):
        submit_evaluation(evaluation, user=head_a)  # no actuals yet
    fill(evaluation, head_a, reasons=False)
    with pytest.raises(ValidationError, match="场均活动成本.*原因|原因.*场均活动成本"):
        submit_evaluation(evaluation, user=head_a)
    fill(evaluation, head_a)
    submit_evaluation(evaluation, user=head_a)
    with pytest.raises(ValidationError):
        record_results(evaluation, user=head_a, goal_result="改", results={})
    client.force_login(finance)
    page = client.get(
        reverse("budget_selfevaluation:inspect", args=[evaluation.pk])
    ).content.decode()
    assert "确认" in page
    confirm_evaluation(evaluation, user=finance)
    evaluation.refresh_from_db()
    assert evaluation.status == SelfEvaluation.Status.CONFIRMED
    client.force_login(head_a)
    assert (
        client.post(reverse("budget_selfevaluation:inspect", args=[evaluation.pk]), {}).status_code
        == 404
    )


def test_it_waits_for_the_years_end_and_the_approved_targets(head_a, head_b, org, project):
    with pytest.raises(ValidationError, match="2025"):
        start_self_evaluation(project, user=head_a, today=dt.date(2025, 12, 20))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_self_evaluation(project, user=head_b, today=AFTER)
    bare = make_project(org["a"])
    with pytest.raises(ValidationError, match="批复"):
        start_self_evaluation(bare, user=head_a, today=AFTER)


def test_the_department_fills_in_the_form_on_the_page(client, head_a, project):
    evaluation = start_self_evaluation(project, user=head_a, today=AFTER)
    client.force_login(head_a)
    url = reverse("budget_selfevaluation:inspect", args=[evaluation.pk])
    data = {"goal_result": "完成活动96场"}
    for row in evaluation.indicators.select_related("indicator"):
        for key, value in ACTUALS[row.indicator.name].items():
            data[f"{row.pk}-{key}"] = str(value)
    bad = {**data}
    first = evaluation.indicators.order_by("pk").first()
    bad[f"{first.pk}-actual_value"] = "九十六"
    assert client.post(url, bad).status_code == 400
    evaluation.refresh_from_db()
    assert evaluation.total is None  # nothing saved
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.total == D("83.20")
    page = client.get(url).content.decode()
    assert "83.2" in page and "良" in page and "还需" in page  # the reasons still to give


def test_the_pdf_and_the_summary_show_the_screens_figures(client, head_a, finance, project):
    require_cjk_font()
    BudgetAdjustment.objects.create(
        project=project, source="fiscal", amount=D("0.01"), reference="尾差",
        date=dt.date(2025, 12, 1), recorded_by=finance,
    )  # fmt: skip
    evaluation = fill(start_self_evaluation(project, user=head_a, today=AFTER), head_a)
    client.force_login(finance)
    response = client.get(reverse("budget_evaluation_pdf", args=[evaluation.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = text.replace(" ", "")
    for words in ("项目支出绩效自评表", "年度资金总额", "其中：当年财政拨款", "上年结转资金",
                  "250,000.01", "230,000.00", "举办活动场次", "≥120场", "62.5元", "部分达成",
                  "83.2", "自评等级：良", "场馆维修停放两个月"):  # fmt: skip
        assert words.replace(" ", "") in flat, words
    summary = client.get(reverse("budget_evaluations_xlsx"), {"year": 2025})
    header, *rows = load_workbook(BytesIO(summary.content)).active.iter_rows(values_only=True)
    assert header[:3] == ("序号", "项目编码", "项目名称")
    assert rows[0][2] == "少儿阅读推广" and rows[0][9] == 83.2 and rows[0][10] == "良"
