"""The plan in the back office: who sees and reports on which items, the review queue,
the dashboard and its documents."""

import subprocess
from decimal import Decimal
from io import BytesIO
from shutil import which

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import Period, PlanItem, ProgressReport
from governance.services.plan import close_period, review_report, submit_report
from tests.factories import Node, item, make_plan, make_user
from tests.scoped import assert_out_of_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org):
    outline = [
        Node(
            "一、",
            "主要任务",
            [
                Node(
                    "一、",
                    "体系建设",
                    [
                        Node("（1）", "借阅部任务", style="paren_num"),
                        Node("（2）", "少儿部任务", style="paren_num"),
                    ],
                ),
            ],
        ),
    ]
    plan = make_plan(outline)
    PlanItem.objects.filter(title="借阅部任务").update(lead_unit=org["a"])
    PlanItem.objects.filter(title="少儿部任务").update(lead_unit=org["b"])
    return plan


def period(plan, year=2021, quarter=1):
    return Period.objects.get(plan=plan, year=year, quarter=quarter)


def report_data(plan, **values):
    data = {
        "period": period(plan).pk,
        "percent": "40",
        "health": "on_track",
        "narrative": "完成自助借还设备升级",
        "next_steps": "",
        "submit": "1",
    }
    data.update(values)
    return data


def test_head_lists_only_own_units_items(client, plan, head_a):
    client.force_login(head_a)
    html = client.get(reverse("governance_planitem:index")).content.decode()
    assert "借阅部任务" in html
    assert "少儿部任务" not in html


def test_other_head_cannot_open_items_by_url(client, plan, head_b):
    client.force_login(head_b)
    assert_out_of_scope(
        client, "governance_planitem", item(plan, "借阅部任务"), marker="借阅部任务"
    )
    response = client.get(reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]))
    assert response.status_code == 404
    response = client.post(
        reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]), report_data(plan)
    )
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_planning_office_sees_all_items(client, plan, planner):
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:index")).content.decode()
    assert "借阅部任务" in html and "少儿部任务" in html


def test_partner_head_sees_the_item_but_cannot_report(client, plan, org, head_b):
    target = item(plan, "借阅部任务")
    target.partner_units.add(org["b"])
    client.force_login(head_b)
    assert client.get(reverse("governance_planitem:inspect", args=[target.pk])).status_code == 200
    assert client.get(reverse("governance_planitem:edit", args=[target.pk])).status_code == 404
    assert client.get(reverse("plan_report_item", args=[target.pk])).status_code == 404
    response = client.post(
        reverse("plan_contribute", args=[target.pk]),
        {"period": period(plan).pk, "text": "少儿部提供绘本200册"},
    )
    assert response.status_code == 302
    assert target.contributions.get().text == "少儿部提供绘本200册"


def test_head_reports_and_planner_accepts(client, plan, head_a, planner):
    target = item(plan, "借阅部任务")
    client.force_login(head_a)
    page = client.get(reverse("plan_report_item", args=[target.pk]))
    assert page.status_code == 200 and "报送进度" in page.content.decode()
    response = client.post(reverse("plan_report_item", args=[target.pk]), report_data(plan))
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == "submitted" and report.author == head_a

    client.force_login(planner)
    queue = client.get(reverse("plan_review_queue")).content.decode()
    assert "完成自助借还设备升级" in queue
    response = client.post(reverse("plan_review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"
    assert PlanItem.objects.get(title="体系建设").progress == Decimal("20.00")


def test_report_with_bad_percent_shows_error_and_saves_nothing(client, plan, head_a):
    client.force_login(head_a)
    response = client.post(
        reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]),
        report_data(plan, percent="150"),
    )
    assert response.status_code == 200
    assert "100" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_evidence_of_a_forbidden_type_is_refused(client, plan, head_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(head_a)
    data = report_data(plan)
    data["evidence"] = SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream")
    response = client.post(reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]), data)
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()


def test_head_cannot_review(client, plan, head_a):
    report = submit_report(
        item(plan, "借阅部任务"),
        period(plan),
        user=head_a,
        percent=Decimal(10),
        health="on_track",
        narrative="x",
    )
    client.force_login(head_a)
    response = client.post(reverse("plan_review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 404  # out of scope answers 404, like every other URL
    report.refresh_from_db()
    assert report.status == "submitted"


def test_closed_period_refuses_reports_with_a_message(client, plan, head_a, planner):
    close_period(period(plan), user=planner)
    client.force_login(head_a)
    response = client.post(
        reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]), report_data(plan)
    )
    assert response.status_code == 200  # the closed period is not offered
    assert not ProgressReport.objects.exists()


def _grow(plan, org, n):
    from governance.services.plan import bulk_create_items

    area = Node(
        "三、", f"扩展{n}", [Node(f"（{i}）", f"任务{i}", style="paren_num") for i in range(n)]
    )
    bulk_create_items(plan, [area])
    PlanItem.objects.filter(plan=plan, title__startswith="任务").update(lead_unit=org["a"])


def _queries(client, url, **params):
    client.get(url, params)  # warm the per-process caches (content types, site, locale)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name", ["governance_planitem:index", "plan_dashboard", "plan_review_queue"]
)
def test_listings_cost_the_same_for_100_and_2000_items(
    client, plan, org, planner, head_a, url_name
):
    _grow(plan, org, 100)
    for task in PlanItem.objects.filter(title__startswith="任务")[:60]:
        submit_report(
            task,
            period(plan),
            user=head_a,
            percent=Decimal(50),
            health="at_risk",
            narrative="进行中",
        )
    client.force_login(planner)
    few = _queries(client, reverse(url_name))
    _grow(plan, org, 1900)
    for task in PlanItem.objects.filter(title__startswith="任务", reports__isnull=True)[:400]:
        submit_report(
            task,
            period(plan),
            user=head_a,
            percent=Decimal(50),
            health="off_track",
            narrative="滞后",
        )
    many = _queries(client, reverse(url_name))
    assert few == many, f"{url_name}: {few} queries with 100 items, {many} with 2,000"


def test_dashboard_and_pdf_show_the_same_figures(client, plan, head_a, planner):
    r = submit_report(
        item(plan, "借阅部任务"),
        period(plan),
        user=head_a,
        percent=Decimal(60),
        health="on_track",
        narrative="x",
    )
    review_report(r, reviewer=planner, accept=True)
    client.force_login(planner)
    html = client.get(reverse("plan_dashboard"), {"as_of": "2021-12-31"}).content.decode()
    assert "30.0%" in html  # (60 + 0) / 2
    response = client.get(reverse("plan_progress_pdf", args=[plan.pk]), {"as_of": "2021-12-31"})
    assert response["Content-Type"] == "application/pdf"
    if which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-raw", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "30.0%" in text and "体系建设" in text and "第 1 页" in text


def test_head_dashboard_shows_own_items_only_and_no_pdf(client, plan, head_a):
    client.force_login(head_a)
    html = client.get(reverse("plan_dashboard")).content.decode()
    assert "借阅部任务" in html and "少儿部任务" not in html
    assert client.get(reverse("plan_progress_pdf", args=[plan.pk])).status_code == 302


def test_tracking_export_is_scoped_and_in_chinese(client, plan, head_a, planner):
    client.force_login(head_a)
    response = client.get(reverse("plan_tracking_xlsx", args=[plan.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "标题")
    assert [r[1] for r in rows[1:]] == ["借阅部任务"]
    client.force_login(planner)
    sheet = load_workbook(
        BytesIO(client.get(reverse("plan_tracking_xlsx", args=[plan.pk])).content)
    ).active
    assert sheet.max_row == 1 + PlanItem.objects.count()


def test_each_plan_has_its_own_dashboard(client, plan, org, planner):
    successor = make_plan(
        [Node("一、", "主要任务", [Node("一、", "数字化转型", [Node("（1）", "智慧图书馆")])])],
        title="“十五五”规划",
        start_year=2026,
        end_year=2030,
    )
    PlanItem.objects.filter(plan=successor, title="智慧图书馆").update(lead_unit=org["a"])
    client.force_login(planner)
    html = client.get(reverse("plan_dashboard"), {"plan": successor.pk}).content.decode()
    assert "数字化转型" in html and "体系建设" not in html
    html = client.get(reverse("plan_dashboard"), {"plan": plan.pk}).content.decode()
    assert "体系建设" in html and "数字化转型" not in html


@pytest.mark.parametrize("url_name", ["plan_dashboard", "governance_planitem:index"])
def test_head_views_cost_the_same_for_100_and_2000_items(client, plan, org, head_a, url_name):
    _grow(plan, org, 100)
    client.force_login(head_a)
    few = _queries(client, reverse(url_name))
    _grow(plan, org, 1900)
    many = _queries(client, reverse(url_name))
    assert few == many, f"{url_name}: {few} queries with 100 items, {many} with 2,000"


def test_head_adds_annual_targets_only_to_own_items(client, plan, head_a):
    client.force_login(head_a)
    form = client.get(reverse("governance_annualtarget:add")).content.decode()
    assert "借阅部任务" in form and "少儿部任务" not in form
    data = {
        "year": 2022,
        "description": "新增自助借还机10台",
        "target_value": "10",
        "target_unit": "台",
        "due_date": "",
    }
    response = client.post(
        reverse("governance_annualtarget:add"), {**data, "item": item(plan, "少儿部任务").pk}
    )
    assert response.status_code == 200
    assert not item(plan, "少儿部任务").annual_targets.exists()
    response = client.post(
        reverse("governance_annualtarget:add"), {**data, "item": item(plan, "借阅部任务").pk}
    )
    assert response.status_code == 302
    assert item(plan, "借阅部任务").annual_targets.get().target_value == 10


def test_other_head_cannot_reach_reports_targets_or_contributions(
    client, plan, org, head_a, head_b
):
    from governance.models import AnnualTarget, Contribution

    mine = item(plan, "借阅部任务")
    mine.partner_units.add(org["a1"])
    target = AnnualTarget.objects.create(item=mine, year=2022, description="借阅部年度目标X")
    report = submit_report(
        mine,
        period(plan),
        user=head_a,
        percent=Decimal(10),
        health="on_track",
        narrative="借阅部报告Y",
    )
    note = Contribution.objects.create(item=mine, period=period(plan), unit=org["a1"], text="Z")
    client.force_login(head_b)
    assert_out_of_scope(client, "governance_annualtarget", target, marker="借阅部年度目标X")
    assert_out_of_scope(client, "governance_progressreport", report, marker="借阅部报告Y")
    assert_out_of_scope(client, "governance_contribution", note, marker="自助借还点")


def test_copy_cannot_file_a_target_under_another_units_item(client, plan, head_a):
    from governance.models import AnnualTarget

    mine = AnnualTarget.objects.create(item=item(plan, "借阅部任务"), year=2022, description="x")
    client.force_login(head_a)
    # Copying is switched off for targets (a copy could be filed under any item).
    response = client.post(
        f"/admin/plan/targets/copy/{mine.pk}/",
        {"item": item(plan, "少儿部任务").pk, "year": 2023, "description": "越权"},
    )
    assert response.status_code == 404
    assert not AnnualTarget.objects.filter(description="越权").exists()


def test_head_edits_partners_and_person_but_not_the_plans_text(client, plan, org, head_a):
    target = item(plan, "借阅部任务")
    client.force_login(head_a)
    form = client.get(reverse("governance_planitem:edit", args=[target.pk])).content.decode()
    assert 'name="partner_units"' in form and 'name="responsible"' in form
    assert 'name="weight"' not in form and 'name="title"' not in form
    response = client.post(
        reverse("governance_planitem:edit", args=[target.pk]),
        {"partner_units": [org["b"].pk], "responsible": "", "weight": "50", "title": "改"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.title == "借阅部任务" and target.weight == 1
    assert list(target.partner_units.all()) == [org["b"]]


def test_review_does_not_redirect_off_site(client, plan, head_a, planner):
    r = submit_report(
        item(plan, "借阅部任务"),
        period(plan),
        user=head_a,
        percent=Decimal(10),
        health="on_track",
        narrative="x",
    )
    client.force_login(planner)
    response = client.post(
        reverse("plan_review", args=[r.pk]),
        {"decision": "accept", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("plan_review_queue")


def test_evidence_is_private_to_the_plan_roles(client, plan, head_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.models import Evidence

    client.force_login(head_a)
    data = report_data(plan)
    data["evidence"] = SimpleUploadedFile("照片.pdf", b"%PDF-1.4 evidence", "application/pdf")
    client.post(reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]), data)
    evidence = Evidence.objects.get()
    assert ProgressReport.objects.get().evidence_files.get() == evidence
    url = reverse("plan_evidence_file", args=[evidence.pk])
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404
    editor = make_user("ed", role="editor")
    client.force_login(editor)
    assert client.get(url).status_code == 404


def test_bad_period_parameter_is_not_found(client, plan, head_a):
    client.force_login(head_a)
    response = client.get(
        reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]), {"period": "abc"}
    )
    assert response.status_code == 200  # ignored: the default period is offered
