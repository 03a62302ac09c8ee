"""Indicators: yearly targets checked against the final target, actuals with their source,
computed providers; reminders of overdue items."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from governance.indicators import register_provider
from governance.models import Indicator, IndicatorYear, Period, PlanItem
from governance.selectors.plan import check_targets
from governance.services.plan import (
    close_period,
    record_actual,
    refresh_computed,
    send_reminders,
)
from tests.factories import Node, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org):
    plan = make_plan([Node("一、", "主要任务", [Node("（1）", "甲"), Node("（2）", "乙")])])
    PlanItem.objects.filter(title="甲").update(lead_unit=org["a"])
    PlanItem.objects.filter(title="乙").update(lead_unit=org["b"])
    return plan


def indicator(plan, kind, final, targets, direction="higher"):
    ind = Indicator.objects.create(
        plan=plan,
        code=f"I{Indicator.objects.count() + 1}",
        name="年到馆读者人次",
        measure_unit="万人次",
        kind=kind,
        direction=direction,
        baseline=Decimal(50),
        final_target=Decimal(final),
    )
    for year, target in zip(plan.years, targets, strict=False):
        IndicatorYear.objects.create(indicator=ind, year=year, target=target)
    return ind


def test_cumulative_targets_must_add_up(plan):
    ok = indicator(plan, "cumulative", 100, [20, 20, 20, 20, 20])
    short = indicator(plan, "cumulative", 100, [20, 20, 20, 20, 10])
    assert check_targets(ok, ok.years.all()).ok
    check = check_targets(short, short.years.all())
    assert not check.ok and check.gap == 10


def test_level_indicator_last_year_must_equal_the_target(plan):
    ok = indicator(plan, "level", 80, [60, 65, 70, 75, 80])
    low = indicator(plan, "level", 80, [60, 65, 70, 75, 78])
    missing = indicator(plan, "level", 80, [60, 65, 70, 75])
    assert check_targets(ok, ok.years.all()).ok
    assert check_targets(low, low.years.all()).gap == 2
    assert check_targets(missing, missing.years.all()).reached is None


def test_shortfall_is_shown_in_the_listing_and_inspect(client, plan, planner):
    short = indicator(plan, "cumulative", 100, [20, 20, 20, 20, 10])
    client.force_login(planner)
    listing = client.get(reverse("governance_indicator:index")).content.decode()
    assert "差 10" in listing
    page = client.get(reverse("governance_indicator:inspect", args=[short.pk])).content.decode()
    assert "差 10" in page and "100" in page


def test_actual_records_when_and_from_where(plan, planner):
    ind = indicator(plan, "level", 80, [60, 65, 70, 75, 80])
    row = record_actual(ind, 2022, Decimal("66.5"), source="手工填报", user=planner)
    assert row.actual == Decimal("66.5") and row.actual_source == "手工填报"
    assert row.actual_recorded_by == planner and row.actual_recorded_at is not None


def test_actual_typed_in_the_form_is_stamped_as_manual(client, plan, planner):
    ind = indicator(plan, "level", 80, [60, 65, 70, 75, 80])
    years = list(ind.years.order_by("year"))
    data = {
        "plan": plan.pk,
        "code": ind.code,
        "name": ind.name,
        "measure_unit": "万人次",
        "direction": "higher",
        "kind": "level",
        "baseline": "50",
        "final_target": "80",
        "source": "manual",
        "provider": "",
        "years-TOTAL_FORMS": "5",
        "years-INITIAL_FORMS": "5",
        "years-MIN_NUM_FORMS": "0",
        "years-MAX_NUM_FORMS": "1000",
    }
    for i, y in enumerate(years):
        data.update(
            {
                f"years-{i}-id": y.pk,
                f"years-{i}-year": y.year,
                f"years-{i}-target": y.target,
                f"years-{i}-actual": "",
                f"years-{i}-ORDER": i,
                f"years-{i}-DELETE": "",
            }
        )
    data["years-1-actual"] = "63"
    client.force_login(planner)
    response = client.post(reverse("governance_indicator:edit", args=[ind.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stamped = IndicatorYear.objects.get(indicator=ind, year=2022)
    assert stamped.actual == 63 and stamped.actual_source == "手工填报"
    assert stamped.actual_recorded_by == planner
    assert IndicatorYear.objects.get(indicator=ind, year=2021).actual_source == ""


def test_computed_provider_fills_actuals(plan, planner):
    register_provider("tests.constant", "测试来源", lambda ind, year: Decimal(year - 2000))
    ind = indicator(plan, "level", 25, [21, 22, 23, 24, 25])
    Indicator.objects.filter(pk=ind.pk).update(source="computed", provider="tests.constant")
    assert refresh_computed(plan, user=planner) == 5
    row = IndicatorYear.objects.get(indicator=ind, year=2023)
    assert row.actual == 23 and row.actual_source == "测试来源"


def test_reminders_go_to_the_heads_of_overdue_items(plan, head_a, head_b, planner):
    head_a.email, head_b.email = "a@example.org", "b@example.org"
    head_a.save()
    head_b.save()
    close_period(Period.objects.get(plan=plan, year=2021, quarter=1), user=planner)
    sent = dict(send_reminders(plan))
    assert sent == {"a@example.org": 1, "b@example.org": 1}
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["a@example.org"])
    assert "甲" in message.body and "乙" not in message.body
    assert "2021年第1季度" in message.subject


def test_public_summary_has_figures_but_no_people(plan, head_a, planner):
    import datetime as dt

    from governance.selectors.dashboard import public_summary
    from governance.services.plan import review_report, submit_report

    ind = indicator(plan, "level", 80, [60, 65, 70, 75, 80])
    record_actual(ind, 2021, Decimal(61), source="手工填报", user=planner)
    report = submit_report(
        PlanItem.objects.get(title="甲"),
        Period.objects.get(plan=plan, year=2021, quarter=1),
        user=head_a,
        percent=Decimal(100),
        health="on_track",
        narrative="内部说明：张三负责",
    )
    review_report(report, reviewer=planner, accept=True)
    summary = public_summary(plan, as_of=dt.date(2021, 12, 31))
    assert summary["items"] == 2 and summary["items_completed"] == 1
    assert summary["indicators"][0]["actual"] == 61
    text = repr(summary)
    assert "head_a" not in text and "张三" not in text and "planner" not in text
