"""The dual monitoring (绩效运行监控): the spending to the month filled in from the ledger,
a line per approved indicator (the plan's figure taken where the plan has it), a deviation
that needs its reason and correction, finance's review that locks it, and the PDF."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budget.models import Expenditure, Monitoring, TargetIndicator, TargetTable
from budget.services import (
    record_monitoring,
    review_monitoring,
    start_monitoring,
    submit_monitoring,
)
from governance.models import IndicatorYear
from tests import world
from tests.factories import make_project, make_user
from tests.tools import pdf_text, require_cjk_font

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def finance(org):
    return make_user("finance_officer", role="finance")


@pytest.fixture
def project(org, finance):
    """120,000 planned evenly; 35,000 spent by July, 20,000 more in August. Two indicators:
    活动场次 ≥ 120 (reporting a plan indicator whose 2025 figure is 64) and a
    qualitative one."""
    project = make_project(org["a"], name="少儿阅读推广", funds={"fiscal": D(120000)})
    table = TargetTable.objects.create(project=project, status="approved", annual_goal="全年120场")
    plan_indicator = world.indicator(org["a"], "年举办阅读推广活动场次")
    IndicatorYear.objects.update_or_create(
        indicator=plan_indicator, year=2025, defaults={"actual": D(64)}
    )
    TargetIndicator.objects.create(
        table=table, level2="quantity", name="举办活动场次", operator="ge", target_value=D(120),
        measure_unit="场", points=D(50), plan_indicator=plan_indicator,
    )  # fmt: skip
    TargetIndicator.objects.create(
        table=table, level2="social", name="阅读兴趣提升", operator="qual", target_text="效果明显",
        points=D(40),
    )  # fmt: skip
    for day, amount in ((dt.date(2025, 3, 1), 35000), (dt.date(2025, 8, 2), 20000)):
        Expenditure.objects.create(project=project, date=day, amount=D(amount), recorded_by=finance)
    return project


def lines_of(monitoring):
    return {line.indicator.name: line for line in monitoring.lines.select_related("indicator")}


def test_the_form_starts_with_the_spending_and_the_plans_figure(head_a, project):
    monitoring = start_monitoring(project, user=head_a)
    assert monitoring.month == 7  # the setting's default: January–July
    assert (monitoring.budget, monitoring.spent, monitoring.expected) == (
        D(120000),
        D(35000),
        D(70000),
    )
    lines = lines_of(monitoring)
    assert lines["举办活动场次"].cumulative == D(64) and lines["举办活动场次"].from_plan
    assert lines["阅读兴趣提升"].cumulative is None
    with pytest.raises(ValidationError):
        start_monitoring(project, user=head_a)  # one per month


def test_a_deviation_needs_its_reason_and_correction_then_finance_reviews(
    client, head_a, head_b, finance, project
):
    with pytest.raises(PermissionDenied):
        start_monitoring(project, user=head_b)
    monitoring = start_monitoring(project, user=head_a)
    lines = lines_of(monitoring)
    behind = {"cumulative": D(64), "expected": D(110), "text": "", "deviation_reason": "",
              "correction": "", "adjust_target": False}  # fmt: skip
    words = {"cumulative": None, "expected": None, "text": "问卷反馈良好",
             "deviation_reason": "", "correction": "", "adjust_target": False}  # fmt: skip
    record_monitoring(monitoring, user=head_a, progress="上半年完成64场", lines={
        lines["举办活动场次"].pk: behind, lines["阅读兴趣提升"].pk: words,
    })  # fmt: skip
    with pytest.raises(ValidationError, match="举办活动场次"):
        submit_monitoring(monitoring, user=head_a)  # 110 of 120 expected: why, and what now
    behind |= {"deviation_reason": "场馆维修两个月", "correction": "下半年增加分馆活动"}
    record_monitoring(monitoring, user=head_a, progress="上半年完成64场", lines={
        lines["举办活动场次"].pk: behind, lines["阅读兴趣提升"].pk: words,
    })  # fmt: skip
    submit_monitoring(monitoring, user=head_a)
    client.force_login(head_a)
    url = reverse("budget_monitoring:inspect", args=[monitoring.pk])
    assert client.post(url, {}).status_code == 404  # sent to finance: no longer editable
    with pytest.raises(PermissionDenied):
        review_monitoring(monitoring, user=head_a, comment="x")
    client.force_login(finance)
    client.post(reverse("budget_review_monitoring", args=[monitoring.pk]), {"reason": "同意"})
    monitoring.refresh_from_db()
    assert monitoring.status == Monitoring.Status.REVIEWED and monitoring.review_comment == "同意"


def test_the_page_and_the_pdf_show_the_same_figures(client, head_a, project):
    require_cjk_font()
    monitoring = start_monitoring(project, user=head_a)
    client.force_login(head_a)
    url = reverse("budget_monitoring:inspect", args=[monitoring.pk])
    line = lines_of(monitoring)["举办活动场次"]
    data = {"progress": "上半年完成64场", f"{line.pk}-cumulative": "64",
            f"{line.pk}-expected": "110", f"{line.pk}-deviation_reason": "场馆维修",
            f"{line.pk}-correction": "增加分馆活动"}  # fmt: skip
    assert client.post(url, {**data, f"{line.pk}-expected": "很多"}).status_code == 400
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "35,000.00" in page and "29.17 %" in page and "58.33 %" in page and "场馆维修" in page
    text = pdf_text(client.get(reverse("budget_monitoring_pdf", args=[monitoring.pk])).content)
    flat = text.replace(" ", "")
    for words in ("项目支出绩效运行监控表", "1—7月执行数", "35,000.00", "29.17%", "58.33%",
                  "举办活动场次", "≥120场", "110", "场馆维修", "增加分馆活动"):  # fmt: skip
        assert words in flat, words


def test_a_head_lists_only_their_departments_monitoring(client, org, head_a, head_b, project):
    start_monitoring(project, user=head_a)
    client.force_login(head_b)
    listing = client.get(reverse("budget_monitoring:index")).content.decode()
    assert "少儿阅读推广" not in listing
    client.force_login(head_a)
    assert "少儿阅读推广" in client.get(reverse("budget_monitoring:index")).content.decode()
