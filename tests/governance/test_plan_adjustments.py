"""Plan adjustments: proposed by the planning office, they change nothing until put in
force with an adopted board resolution on the plan; then the targets, items and years
change, and the plan as it was and as it becomes stay readable as versions. An evaluation
keeps the figures of its date, whatever is corrected later, and prints them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import (
    AdjustmentLine,
    BoardMeeting,
    Indicator,
    IndicatorYear,
    PlanAdjustment,
    PlanEvaluation,
    PlanItem,
    PlanVersion,
    Resolution,
)
from governance.services.revisions import apply_adjustment
from tests.factories import Node, item, make_plan, make_user
from tests.tools import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(org):
    return make_user("planner", role="planning")


@pytest.fixture
def plan(org):
    plan = make_plan(
        [Node("一、", "主要任务", [Node("（一）", "阅读推广", [Node("1.", "全民阅读节"),
                                                              Node("2.", "流动图书车")])])],
        approval_date=dt.date(2021, 3, 1),
    )  # fmt: skip
    indicator = Indicator.objects.create(
        plan=plan, code="I01", name="数字资源总量", measure_unit="TB", final_target=Decimal("60")
    )
    IndicatorYear.objects.create(indicator=indicator, year=2025, target=Decimal("60"))
    PlanItem.objects.filter(plan=plan, kind="task").update(start_year=2021, end_year=2025)
    return plan


def resolution(kind="plan", votes_for=7, number="抚图理决〔2025〕3号") -> Resolution:
    meeting = BoardMeeting.objects.create(
        title="第二届理事会第四次会议", date=dt.date(2025, 7, 10), agenda="规划调整",
        state="held", serving=9, present=7,
    )  # fmt: skip
    made = Resolution(meeting=meeting, number=number, type=kind, title="关于调整规划的决议",
                      text="同意。", party_review="纪要", votes_for=votes_for,
                      votes_against=7 - votes_for)  # fmt: skip
    made.save()
    return made


def adjustment(plan, org) -> PlanAdjustment:
    draft = PlanAdjustment.objects.create(
        plan=plan, title="中期评估后的调整", reason="数字资源建设提速"
    )
    indicator = Indicator.objects.get(plan=plan)
    parent = item(plan, "阅读推广")
    for values in (
        {"kind": "target", "indicator": indicator, "value": Decimal("80")},
        {"kind": "target", "indicator": indicator, "year": 2025, "value": Decimal("80")},
        {"kind": "withdraw", "item": item(plan, "流动图书车")},
        {"kind": "end_year", "item": item(plan, "全民阅读节"), "value": Decimal("2024")},
        {"kind": "add", "item": parent, "title": "城市书房建设", "lead_unit": org["a"]},
    ):
        AdjustmentLine.objects.create(adjustment=draft, **values)
    return draft


def test_an_adjustment_without_a_resolution_changes_nothing(org, plan, planner):
    draft = adjustment(plan, org)
    for wrong in (resolution(votes_for=3, number="未通过"), resolution("budget", number="预算")):
        with pytest.raises(ValidationError, match="理事会通过的规划类决议"):
            apply_adjustment(draft, wrong, user=planner)
    assert Indicator.objects.get(plan=plan).final_target == Decimal("60")
    assert item(plan, "流动图书车").status != PlanItem.Status.SUSPENDED
    assert not PlanItem.objects.filter(title="城市书房建设").exists()
    assert not PlanVersion.objects.exists()
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_with_the_boards_resolution_the_plan_changes_and_every_version_stays(org, plan, planner):
    draft = adjustment(plan, org)
    adopted = resolution()
    version = apply_adjustment(draft, adopted, user=planner)
    indicator = Indicator.objects.get(plan=plan)
    assert indicator.final_target == Decimal("80")
    assert indicator.years.get(year=2025).target == Decimal("80")
    assert item(plan, "流动图书车").status == PlanItem.Status.SUSPENDED
    assert item(plan, "全民阅读节").end_year == 2024
    added = item(plan, "城市书房建设")
    assert added.lead_unit == org["a"] and added.get_parent() == item(plan, "阅读推广")
    first, second = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert (first.number, second.number, second) == (1, 2, version)
    assert first.targets[0]["final"] == "60.00" and second.targets[0]["final"] == "80.00"
    assert "城市书房建设" not in [i["title"] for i in first.outline]
    assert "城市书房建设" in [i["title"] for i in second.outline]
    was = dict(draft.lines.values_list("kind", "was").filter(kind__in=["withdraw", "end_year"]))
    assert was["end_year"] == "2025"
    again = PlanAdjustment.objects.create(plan=plan, title="再调整", reason="x")
    AdjustmentLine.objects.create(adjustment=again, kind="withdraw", item=added)
    with pytest.raises(ValidationError, match="已用于"):
        apply_adjustment(again, adopted, user=planner)


def test_the_planning_office_puts_it_in_force_from_its_page(client, org, plan, planner):
    draft = adjustment(plan, org)
    adopted = resolution()
    client.force_login(planner)
    apply = reverse("plan_adjustment_apply", args=[draft.pk])
    assert client.post(apply, {"resolution": "x"}).status_code == 404  # not a number
    page = client.get(reverse("governance_planadjustment:inspect", args=[draft.pk]))
    assert "抚图理决〔2025〕3号" in page.content.decode()
    client.post(apply, {"resolution": adopted.pk})
    draft.refresh_from_db()
    assert draft.state == "in_force" and draft.resolution == adopted
    edit = client.get(reverse("governance_planadjustment:edit", args=[draft.pk]))
    assert edit.status_code in (403, 404)  # in force: locked
    first = PlanVersion.objects.get(plan=plan, number=1)
    page = client.get(reverse("governance_planversion:inspect", args=[first.pk])).content.decode()
    assert "流动图书车" in page and "60.00" in page and "城市书房建设" not in page
    head = make_user("head", role="department_head", units=[org["a"]])
    client.force_login(head)
    assert client.get(reverse("governance_planadjustment:index")).status_code in (302, 403)
    trustee = make_user("trustee", role="trustee")
    client.force_login(trustee)
    assert client.get(reverse("governance_planversion:index")).status_code == 200


@pytest.mark.parametrize("viewset", ["governance_planadjustment", "governance_planversion"])
def test_the_listings_cost_the_same_queries_for_few_and_many(
    client, org, plan, planner, django_assert_max_num_queries, viewset
):
    def more(n):
        for i in range(n):
            made = PlanAdjustment.objects.create(plan=plan, title=f"调整{i}", reason="x")
            PlanVersion.objects.create(plan=plan, number=100 + len(PlanVersion.objects.all()),
                                       adjustment=made, outline=[], targets=[])  # fmt: skip

    more(2)
    client.force_login(planner)
    url = reverse(f"{viewset}:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    more(25)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


def test_an_evaluation_keeps_the_figures_of_its_date(client, org, plan, planner):
    indicator = Indicator.objects.get(plan=plan)
    IndicatorYear.objects.filter(indicator=indicator, year=2025).update(actual=Decimal("64"))
    client.force_login(planner)
    response = client.post(reverse("governance_planevaluation:add"), {
        "plan": plan.pk, "kind": "mid_term", "as_of": "2025-12-31", "title": "“十四五”规划中期评估",
        "text": "规划实施总体顺利。\n数字资源建设快于预期。",
    })  # fmt: skip
    assert response.status_code == 302
    evaluation = PlanEvaluation.objects.get()
    [stored] = evaluation.figures["indicators"]
    assert stored["actual"] == "64.00" and evaluation.created_by == planner
    IndicatorYear.objects.filter(indicator=indicator, year=2025).update(actual=Decimal("99"))
    evaluation.refresh_from_db()
    page = client.get(reverse("governance_planevaluation:inspect", args=[evaluation.pk]))
    assert "64.00" in page.content.decode() and "99.00" not in page.content.decode()
    pdf = client.get(reverse("plan_evaluation_pdf", args=[evaluation.pk]))
    text = pdf_text(pdf.content)
    assert "数字资源建设快于预期" in text and "数字资源总量" in text and "64（2025）" in text
    head = make_user("head2", role="department_head", units=[org["a"]])
    client.force_login(head)
    assert client.get(reverse("plan_evaluation_pdf", args=[evaluation.pk])).status_code == 404


def test_the_evaluations_listing_costs_the_same_queries(
    client, org, plan, planner, django_assert_max_num_queries
):
    def more(n):
        for i in range(n):
            PlanEvaluation.objects.create(plan=plan, kind="final", as_of=dt.date(2025, 12, 31),
                                          title=f"评估{i}", text="。")  # fmt: skip

    more(2)
    client.force_login(planner)
    url = reverse("governance_planevaluation:index")
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    more(25)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
