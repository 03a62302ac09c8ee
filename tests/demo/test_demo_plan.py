"""The demo plan: the customer's plan imported, assigned to units and reported on for
five years, with its indicators — enough for every plan screen to have something to show."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from demo.loaders.org import load_org_tree, load_users
from demo.loaders.plan import load_plan
from governance.models import (
    Indicator,
    IndicatorYear,
    OrgUnit,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)
from governance.roles import setup_roles
from governance.selectors import plan as plan_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    setup_roles()
    load_org_tree()
    load_users()
    counts = load_plan()
    assert counts["plans"] == 1
    return Plan.objects.get()


def user(username):
    return get_user_model().objects.get(username=username)


def leaves(plan):
    return PlanItem.objects.filter(plan=plan).reportable()


def test_the_plan_is_in_force_with_seven_task_areas_under_main_tasks(plan):
    assert plan.title == "抚州市图书馆“十四五”规划"
    assert plan.status == Plan.Status.IN_FORCE
    assert (plan.approval_date.year, plan.approval_date.month) == (2020, 12)
    tasks = PlanItem.objects.get(plan=plan, depth=1, title="主要任务")
    areas = tasks.get_children().filter(kind=PlanItem.Kind.AREA)
    assert areas.count() == 7
    # Only those seven count in the plan's progress (理念 and 使命 are corrected to sections).
    assert PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.AREA).count() == 7
    outside = PlanItem.objects.filter(plan=plan).exclude(path__startswith=tasks.path)
    assert not outside.filter(lead_unit__isnull=False).exists()


def test_every_task_and_subtask_has_a_lead_unit_years_and_a_weight(plan):
    work = PlanItem.objects.filter(
        plan=plan, kind__in=[PlanItem.Kind.TASK, PlanItem.Kind.SUBTASK]
    ).exclude(lead_unit__isnull=True)
    assert work.count() > 100
    assert not work.filter(start_year__isnull=True).exists()
    assert set(work.values_list("start_year", "end_year").distinct()) == {
        (2021, 2025),
        (2022, 2024),
    }
    assert set(work.values_list("weight", flat=True)) == {Decimal(1), Decimal(2)}


def test_the_heads_units_lead_items_and_the_heads_answer_for_some(plan):
    for username, code, title in [
        ("head1", "FZ-SLIB-LEND", "优化通借通还功能"),
        ("head2", "FZ-SLIB-CHILD", "继续打造“抚图小读者学堂故事会”"),
    ]:
        led = leaves(plan).filter(lead_unit__code=code)
        assert led.count() >= 4, code
        assert led.filter(title__startswith=title).exists(), title
        assert led.filter(responsible=user(username)).exists(), username


def test_county_libraries_and_the_outreach_department_partner_county_work(plan):
    county_work = PlanItem.objects.filter(
        plan=plan, partner_units__kind=OrgUnit.Kind.LIBRARY
    ).distinct()
    assert county_work.count() >= 3
    for item in county_work:
        counties = item.partner_units.filter(kind=OrgUnit.Kind.LIBRARY).count()
        assert 2 <= counties <= 4, item
        if item.lead_unit.code != "FZ-SLIB-OUTREACH":
            assert item.partner_units.filter(code="FZ-SLIB-OUTREACH").exists(), item


def test_the_childrens_department_partners_a_lending_item(plan, client):
    item = PlanItem.objects.get(
        plan=plan,
        lead_unit__code="FZ-SLIB-LEND",
        partner_units__code="FZ-SLIB-CHILD",
        title__contains="送书上门",
    )
    client.force_login(user("head2"))
    assert client.get(reverse("plan_contribute", args=[item.pk])).status_code == 200


def test_loading_twice_creates_nothing(plan):
    counts = (
        PlanItem.objects.count(),
        ProgressReport.objects.count(),
        Indicator.objects.count(),
        IndicatorYear.objects.count(),
        PlanItem.partner_units.through.objects.count(),
    )
    assert load_plan() == {"plans": 0, "items": 0, "reports": 0, "indicators": 0}
    assert Plan.objects.count() == 1
    assert (
        PlanItem.objects.count(),
        ProgressReport.objects.count(),
        Indicator.objects.count(),
        IndicatorYear.objects.count(),
        PlanItem.partner_units.through.objects.count(),
    ) == counts


def test_every_quarter_but_the_last_is_closed_and_2025q3_leaves_items_overdue(plan):
    open_periods = Period.objects.filter(plan=plan, closed_at__isnull=True)
    assert list(open_periods.values_list("year", "quarter")) == [(2025, 4)]
    last = plan_selectors.last_closed_period(plan)
    assert (last.year, last.quarter) == (2025, 3)
    overdue = plan_selectors.overdue_items(plan, last).count()
    active = leaves(plan).active_in(2025).count()
    assert 0.05 * active <= overdue <= 0.15 * active


def test_reports_are_accepted_up_to_the_open_quarter_where_some_wait_for_review(plan):
    q4 = Period.objects.get(plan=plan, year=2025, quarter=4)
    earlier = ProgressReport.objects.exclude(period=q4)
    assert not earlier.exclude(status=ProgressReport.Status.ACCEPTED).exists()
    assert not earlier.filter(reviewed_by__isnull=True).exists()
    waiting = ProgressReport.objects.filter(period=q4, status=ProgressReport.Status.SUBMITTED)
    assert waiting.exists()
    assert not waiting.filter(reviewed_by__isnull=False).exists()
    unreported = leaves(plan).active_in(2025).exclude(reports__period=q4)
    assert unreported.exists()
    for report in ProgressReport.objects.filter(period__year=2021, period__quarter=1)[:5]:
        assert report.submitted_at.tzinfo is not None
        assert "累计完成" in report.narrative


def test_reported_percent_never_falls(plan):
    previous = {}
    for item_id, percent in ProgressReport.objects.order_by(
        "item", "period__year", "period__quarter"
    ).values_list("item", "percent"):
        assert percent >= previous.get(item_id, Decimal(0)), item_id
        previous[item_id] = percent


def test_some_items_are_off_track_and_stalled(plan):
    latest = plan_selectors.leaf_progress(plan)
    last = plan_selectors.last_closed_period(plan)
    off_track = ProgressReport.objects.filter(period=last, health=ProgressReport.Health.OFF_TRACK)
    assert 1 <= off_track.count() <= 10
    assert all(latest[r.item_id] < 100 for r in off_track)
    assert ProgressReport.objects.filter(period=last, health="at_risk").exists()
    assert sum(1 for v in latest.values() if v == 100) > len(latest) / 2


def test_one_indicator_falls_short_of_its_final_target(plan):
    indicators = Indicator.objects.filter(plan=plan).prefetch_related("years")
    assert indicators.count() == 8
    checks = {i.code: plan_selectors.check_targets(i, i.years.all()) for i in indicators}
    short = [code for code, check in checks.items() if not check.ok]
    assert short == ["ZB-08"]
    assert checks["ZB-08"].gap == Decimal(40)
    assert Indicator.objects.filter(plan=plan, items__isnull=False).distinct().count() == 8


def test_indicator_actuals_are_recorded_by_hand_with_2025_missing_for_some(plan):
    years = IndicatorYear.objects.filter(indicator__plan=plan)
    assert years.count() == 8 * 5
    recorded = years.exclude(actual__isnull=True)
    assert set(recorded.values_list("actual_source", flat=True)) == {"手工填报"}
    assert set(recorded.values_list("actual_recorded_by__username", flat=True)) == {"planner"}
    missing = years.filter(actual__isnull=True)
    assert set(missing.values_list("year", flat=True)) == {2025}
    assert 1 <= missing.count() <= 2


def test_overall_progress_is_between_40_and_100(plan):
    progress = plan_selectors.rollup_progress(plan)
    assert Decimal(40) < plan_selectors.overall_progress(plan, progress) < Decimal(100)
    stored = dict(PlanItem.objects.filter(plan=plan).values_list("pk", "progress"))
    assert stored == progress


def test_the_planners_dashboard_and_review_queue_show_the_demo(plan, client):
    client.force_login(user("planner"))
    dashboard = client.get(reverse("plan_dashboard"))
    assert dashboard.status_code == 200
    assert "抚州市图书馆“十四五”规划" in dashboard.content.decode()
    queue = client.get(reverse("plan_review_queue")).content.decode()
    waiting = ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).first()
    assert waiting.item.title[:10] in queue


def test_the_loader_writes_in_bulk_not_row_by_row(django_assert_max_num_queries):
    setup_roles()
    load_org_tree()
    load_users()
    # ~1,900 reports and ~150 items: a save() per row would be thousands of queries.
    # (The assignment import also reads staff names, the partners it previews and writes
    # the responsible persons' reporting grants: a few set-based queries.)
    with django_assert_max_num_queries(92):
        load_plan()
