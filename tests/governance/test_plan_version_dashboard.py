"""The dashboard shows any version of the plan: the current one by default, as it always
did, or with ``?version=N`` a stored version's outline and targets as they were, labelled
as such, beside today's figures of the items still in the plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import (
    AdjustmentLine,
    BoardMeeting,
    Indicator,
    IndicatorYear,
    Period,
    PlanAdjustment,
    PlanItem,
    PlanVersion,
    Resolution,
)
from governance.services.plan import review_report, submit_report
from governance.services.revisions import apply_adjustment
from tests.factories import Node, item, make_plan, make_user
from tests.governance.test_plan_dashboard import dashboard as page
from tests.governance.test_plan_dashboard import section

pytestmark = pytest.mark.django_db

NUMBER = "抚图理决〔2025〕3号"


@pytest.fixture
def plan(org):
    plan = make_plan(
        [Node("一、", "主要任务", [Node("（一）", "阅读推广", [Node("1.", "全民阅读节"),
                                                              Node("2.", "流动图书车")])])],
        approval_date=dt.date(2021, 3, 1),
    )  # fmt: skip
    PlanItem.objects.filter(plan=plan, kind="task").update(
        start_year=2021, end_year=2025, lead_unit=org["a"]
    )
    indicator = Indicator.objects.create(
        plan=plan, code="I01", name="数字资源总量", measure_unit="TB", final_target=Decimal("60")
    )
    IndicatorYear.objects.create(indicator=indicator, year=2025, target=Decimal("60"))
    return plan


def put_in_force(plan, org, user, *, number=NUMBER, meeting_on=dt.date(2025, 7, 10)):
    """Withdraw 流动图书车, end 全民阅读节 in 2024, add 城市书房建设, raise I01 to 80 TB."""
    meeting = BoardMeeting.objects.create(
        title="第二届理事会第四次会议", date=meeting_on, agenda="规划调整", state="held",
        serving=9, present=7,
    )  # fmt: skip
    adopted = Resolution(meeting=meeting, number=number, type="plan", title="关于调整规划的决议",
                         text="同意。", party_review="纪要", votes_for=7)  # fmt: skip
    adopted.save()
    draft = PlanAdjustment.objects.create(plan=plan, title="中期评估后的调整", reason="提速")
    indicator = Indicator.objects.get(plan=plan, code="I01")
    for values in (
        {"kind": "target", "indicator": indicator, "value": Decimal("80")},
        {"kind": "target", "indicator": indicator, "year": 2025, "value": Decimal("80")},
        {"kind": "withdraw", "item": item(plan, "流动图书车")},
        {"kind": "end_year", "item": item(plan, "全民阅读节"), "value": Decimal("2024")},
        {"kind": "add", "item": item(plan, "阅读推广"), "title": "城市书房建设",
         "lead_unit": org["b"]},
    ):  # fmt: skip
        AdjustmentLine.objects.create(adjustment=draft, **values)
    return apply_adjustment(draft, adopted, user=user)


def test_version_1_shows_the_plan_as_approved_not_as_adjusted(client, org, plan, planner):
    put_in_force(plan, org, planner)
    html = page(client, planner, version=1)
    outline, targets = section(html, "outline"), section(html, "targets")
    assert "流动图书车" in outline and "城市书房建设" not in html
    withdrawn = outline[outline.index("流动图书车") :]
    assert "已暂停" not in withdrawn.split("</tr>")[0]  # not withdrawn yet in version 1
    assert "2021—2025" in outline[outline.index("全民阅读节") :].split("</tr>")[0]
    assert "借阅部" in outline  # the lead unit, as stored
    assert "60.00" in targets and "80.00" not in targets
    banner = section_text(html, "version-banner")
    assert "2021-03-01" in banner and "2025-07-10" in banner  # in force from … until …
    assert 'data-testid="areas"' not in html  # the live figures are the current version's


def test_the_version_in_force_and_the_current_dashboard_show_the_adjusted_plan(
    client, org, plan, planner
):
    put_in_force(plan, org, planner)
    html = page(client, planner, version=2)
    outline, targets = section(html, "outline"), section(html, "targets")
    assert "城市书房建设" in outline and "少儿部" in outline
    assert "已暂停" in outline[outline.index("流动图书车") :].split("</tr>")[0]
    assert "2021—2024" in outline[outline.index("全民阅读节") :].split("</tr>")[0]
    assert "80.00" in targets and "60.00" not in targets
    banner = section_text(html, "version-banner")
    assert NUMBER in banner and "中期评估后的调整" in banner and "2025-07-10" in banner
    current = page(client, planner)
    assert 'data-testid="version-banner"' not in current
    assert 'data-testid="areas"' in current and "阅读推广" in section(current, "areas")
    # The new task is late from its first day (2025 is over, no report): on the list.
    assert "城市书房建设" in section(current, "at-risk")
    choice = section_text(current, "version-choice", "</select>")
    assert '<option value="1">' in choice and "2021-03-01" in choice and "2025-07-10" in choice


def test_a_version_shows_todays_progress_of_the_items_still_in_the_plan(
    client, org, plan, planner, head_a
):
    task = item(plan, "全民阅读节")
    period = Period.objects.get(plan=plan, year=2021, quarter=1)
    report = submit_report(task, period, user=head_a, percent=Decimal(40), health="on_track",
                           narrative="第一季度完成情况")  # fmt: skip
    review_report(report, reviewer=planner, accept=True)
    put_in_force(plan, org, planner)
    IndicatorYear.objects.filter(indicator__code="I01", year=2025).update(actual=Decimal("64"))
    outline = section(page(client, planner, version=1), "outline")
    assert "40.0" in outline[outline.index("全民阅读节") :].split("</tr>")[0]
    targets = section(page(client, planner, version=1), "targets")
    assert "64（2025）" in targets and "最新实际值" in targets


def test_without_versions_the_dashboard_has_no_version_choice(client, plan, planner):
    html = page(client, planner)
    assert 'data-testid="version-choice"' not in html
    assert 'data-testid="version-banner"' not in html


@pytest.mark.parametrize("number", ["3", "0", "x", "1" * 30])
def test_an_unknown_version_is_not_found(client, org, plan, planner, number):
    put_in_force(plan, org, planner)
    client.force_login(planner)
    assert client.get(reverse("plan_dashboard"), {"version": number}).status_code == 404


def test_only_readers_of_the_whole_plan_choose_a_version(client, org, plan, planner, head_a):
    put_in_force(plan, org, planner)
    html = page(client, head_a)  # a head's dashboard is their units' items
    assert 'data-testid="version-choice"' not in html
    assert client.get(reverse("plan_dashboard"), {"version": 1}).status_code == 404
    staff = make_user("staff_x", role="staff", units=[org["a"]])
    client.force_login(staff)
    refused = client.get(reverse("plan_dashboard")).status_code
    assert refused in (302, 403)  # Wagtail sends a refused page back to the admin's home
    assert client.get(reverse("plan_dashboard"), {"version": 1}).status_code == refused
    for role in ("leadership", "trustee"):
        reader = make_user(f"reader_{role}", role=role)
        assert "流动图书车" in section(page(client, reader, version=1), "outline")


def test_the_version_page_links_to_the_dashboard(client, org, plan, planner):
    put_in_force(plan, org, planner)
    first = PlanVersion.objects.get(plan=plan, number=1)
    client.force_login(planner)
    html = client.get(reverse("governance_planversion:inspect", args=[first.pk])).content.decode()
    assert f"{reverse('plan_dashboard')}?plan={plan.pk}&amp;version=1" in html


def test_a_version_costs_the_same_queries_for_few_and_many_rows(
    client, org, plan, planner, django_assert_max_num_queries
):
    put_in_force(plan, org, planner)
    client.force_login(planner)
    url = reverse("plan_dashboard")
    with django_assert_max_num_queries(60) as few:
        assert client.get(url, {"version": 1}).status_code == 200
    baseline = len(few.captured_queries)
    area = item(plan, "阅读推广")
    for n in range(30):
        area.add_child(plan=plan, number=f"{n + 4}.", title=f"新增任务{n}", kind="task")
        area.refresh_from_db()
    PlanItem.objects.filter(title__startswith="新增任务").update(
        lead_unit=org["b"], start_year=2022, end_year=2025
    )
    for n in range(15):
        indicator = Indicator.objects.create(
            plan=plan, code=f"I{n + 10}", name=f"指标{n}", measure_unit="项", final_target=n
        )
        IndicatorYear.objects.create(indicator=indicator, year=2024, target=1, actual=1)
    put_in_force(plan, org, planner, number="抚图理决〔2026〕1号", meeting_on=dt.date(2026, 3, 1))
    for number in (3, 1):
        with django_assert_max_num_queries(baseline):
            assert client.get(url, {"version": number}).status_code == 200
    assert len(PlanVersion.objects.get(plan=plan, number=3).outline) > 30


def section_text(html, testid, end="</section>"):
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index(end, start)]
