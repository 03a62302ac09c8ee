"""The plan's documents as paper: the tracking sheet (full titles, A4 landscape, overdue
rows coloured) and the progress report PDF (indicators, at-risk list, signature block)."""

import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import Indicator, IndicatorYear, Period, PlanItem
from governance.services.plan import close_period, review_report, submit_report
from reporting.organisation import organisation_name
from tests.factories import Node, item, make_plan
from tests.tools import require_poppler

pytestmark = pytest.mark.django_db

LONG = (
    "通过与社会组织、个人等合作举办活动、开展个案咨询、开发知识产品等方式，将用户智慧融入"
    "知识服务过程，打造信息咨询、知识分享、知识生产互为支撑、相互促进的知识服务模式。"
)


@pytest.fixture
def plan(org):
    outline = [
        Node("一、", "指导思想"),
        Node(
            "二、",
            "主要任务",
            [
                Node(
                    "一、",
                    "体系建设",
                    [
                        Node("（1）", "借阅部任务", style="paren_num"),
                        Node("（2）", LONG[:60] + "…", style="paren_num"),
                    ],
                ),
            ],
        ),
    ]
    plan = make_plan(outline)
    PlanItem.objects.filter(title="借阅部任务").update(lead_unit=org["a"])
    # The importer shortens a heading-less sentence to the title and keeps it as text.
    PlanItem.objects.filter(title=LONG[:60] + "…").update(lead_unit=org["b"], text=LONG)
    indicator = Indicator.objects.create(
        plan=plan,
        code="ZB-01",
        name="馆藏纸质文献总量",
        measure_unit="万册",
        baseline=Decimal("85"),
        final_target=Decimal("110"),
    )
    for year, target, actual in [(2021, 90, "89.6"), (2022, 95, None)]:
        IndicatorYear.objects.create(
            indicator=indicator,
            year=year,
            target=Decimal(target),
            actual=Decimal(actual) if actual else None,
        )
    return plan


def period(plan, year=2021, quarter=1):
    return Period.objects.get(plan=plan, year=year, quarter=quarter)


def sheet_for(client, user, plan, **params):
    client.force_login(user)
    response = client.get(reverse("plan_tracking_xlsx", args=[plan.pk]), params)
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content)).active


def rows_by_title(sheet):
    return {row[1].value: row for row in sheet.iter_rows(min_row=2)}


def test_tracking_sheet_prints_on_a4_landscape_fitted_to_the_width(client, plan, planner):
    sheet = sheet_for(client, planner, plan)
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"  # the header repeats on every page


def test_tracking_sheet_keeps_full_titles_wrapped(client, plan, planner):
    sheet = sheet_for(client, planner, plan)
    rows = rows_by_title(sheet)
    assert LONG in rows  # the whole sentence, not the title cut at 60 characters and "…"
    assert not any(str(title).endswith("…") for title in rows)
    assert rows[LONG][1].alignment.wrap_text
    assert sheet.column_dimensions["B"].width >= 50


def test_tracking_sheet_colours_overdue_rows(client, plan, head_a, planner):
    r = submit_report(
        item(plan, "借阅部任务"),
        period(plan),
        user=head_a,
        percent=Decimal(30),
        health="on_track",
        narrative="完成",
    )
    review_report(r, reviewer=planner, accept=True)
    close_period(period(plan), user=planner)
    rows = rows_by_title(sheet_for(client, planner, plan))  # as of today: Q1 closed
    header = [c.value for c in next(sheet_for(client, planner, plan).iter_rows(max_row=1))]
    overdue_col = header.index("逾期")
    late = rows[LONG]
    assert late[overdue_col].value == "是"
    assert {c.fill.fgColor.rgb[-6:] for c in late} == {"FDE2E1"}
    on_time = rows["借阅部任务"]
    assert on_time[overdue_col].value == "否"
    assert on_time[0].fill.fill_type is None


def test_tracking_sheet_marks_the_preamble_as_not_a_task(client, plan, planner):
    sheet = sheet_for(client, planner, plan)
    header = [c.value for c in sheet[1]]
    row = rows_by_title(sheet)["指导思想"]
    assert row[header.index("状态")].value == "非任务条目"
    assert row[header.index("进度（%）")].value == "—"
    assert row[header.index("序时进度（%）")].value == "—"
    blank = [
        (c.row, header[c.column - 1])
        for r in sheet.iter_rows(min_row=2)
        for c in r
        if c.value is None or c.value is True or c.value in ("None", "True", "False")
    ]
    assert not blank, f"cells without a readable value: {blank}"


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_progress_pdf_has_indicators_at_risk_list_and_signature(client, plan, head_b, planner):
    require_poppler("pdftotext")
    submit_report(
        item(plan, LONG[:60] + "…"),
        period(plan),
        user=head_b,
        percent=Decimal(5),
        health="off_track",
        narrative="滞后",
    )
    client.force_login(planner)
    response = client.get(reverse("plan_progress_pdf", args=[plan.pk]), {"as_of": "2021-03-31"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = text.replace("\n", "")
    # The indicator table: code, name, baseline, yearly target / actual, final target.
    assert "规划指标" in text and "ZB-01" in text and "馆藏纸质文献总量" in flat
    assert "基期值" in flat and "规划目标值" in flat and "2021年目标/实际" in flat
    assert "89.6" in text and "110" in text
    # The at-risk list, with the item's full title.
    assert "风险条目" in text and "知识服务模式" in flat
    # The signature block.
    assert f"编制单位：{organisation_name()}" in text
    assert "日期：" in text
    assert "None" not in text and "True" not in text


def _queries(client, url, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["plan_progress_pdf", "plan_tracking_xlsx"])
def test_documents_cost_the_same_for_few_and_many_items(
    client, plan, org, head_a, planner, url_name
):
    from governance.services.plan import bulk_create_items

    client.force_login(planner)
    url = reverse(url_name, args=[plan.pk])

    def grow(n):
        bulk_create_items(
            plan, [Node("三、", f"扩展{n}", [Node(f"（{i}）", f"任务{n}-{i}") for i in range(n)])]
        )
        tasks = PlanItem.objects.filter(title__startswith=f"任务{n}-")
        tasks.update(lead_unit=org["a"])
        for task in tasks[: n // 2]:
            submit_report(
                task,
                period(plan),
                user=head_a,
                percent=Decimal(5),
                health="at_risk",
                narrative="滞后",
            )

    grow(4)
    few = _queries(client, url, as_of="2021-06-30")
    grow(60)
    many = _queries(client, url, as_of="2021-06-30")
    assert few == many, f"{url_name}: {few} queries with 4 more items, {many} with 64"
