"""Importing a plan document: the command, the upload screen with its preview, the tree saved."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from governance.importers.plan import parse_plan_file
from governance.models import Period, Plan, PlanItem
from governance.services.plan import import_plan
from tests.governance.docx import build_docx

pytestmark = pytest.mark.django_db

CUSTOMER_PLAN = Path(__file__).resolve().parents[2] / "demo/data/plan-2021-2025.txt"


def customer_plan():
    return import_plan(parse_plan_file(CUSTOMER_PLAN.name, CUSTOMER_PLAN.read_bytes()))


def test_customer_plan_is_saved_as_its_outline():
    plan = customer_plan()
    assert plan.title == "抚州市图书馆“十四五”规划"
    assert (plan.start_year, plan.end_year) == (2021, 2025)
    assert plan.approval_reference == "抚文广新旅字〔2020〕71号"
    assert plan.status == Plan.Status.DRAFT
    assert "弘扬知识文化" in plan.vision and "体系中心" in plan.mission
    tasks = PlanItem.objects.get(plan=plan, depth=1, title="主要任务")
    areas = tasks.get_children()
    assert [a.number for a in areas] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert {a.kind for a in areas} == {"area"}
    assert PlanItem.objects.filter(plan=plan, kind="subtask").count() >= 25
    assert Period.objects.filter(plan=plan).count() == 20
    # A sentence cut by a page break is whole again.
    assert PlanItem.objects.filter(plan=plan, text__contains="延伸图书馆服务范围").exists()


def test_two_plans_live_side_by_side():
    first = customer_plan()
    second = customer_plan()
    assert first.items.count() == second.items.count()
    assert not PlanItem.objects.filter(plan=first, path__in=second.items.values("path")).exists()


def test_command_dry_run_prints_json_and_saves_nothing():
    out = StringIO()
    call_command("import_plan", str(CUSTOMER_PLAN), "--dry-run", "--json", stdout=out)
    outline = json.loads(out.getvalue())
    assert outline["title"] == "抚州市图书馆“十四五”规划"
    tasks = outline["items"][3]
    assert tasks["title"] == "主要任务" and len(tasks["children"]) == 7
    assert set(tasks["children"][0]) >= {"number", "title", "text", "children"}
    assert not Plan.objects.exists()


def test_command_saves_a_draft_plan(tmp_path):
    call_command("import_plan", str(CUSTOMER_PLAN), stdout=StringIO(), stderr=StringIO())
    assert Plan.objects.get().items.count() > 100


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("junk.txt", bytes(range(256)) * 4),
        ("junk.docx", b"PK\x03\x04 not really a zip"),
        ("prose.txt", "这是一段没有任何编号的文字。".encode()),
    ],
)
def test_command_refuses_junk_with_a_message_and_saves_nothing(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path), stdout=StringIO(), stderr=StringIO())
    assert name in str(error.value)
    assert not Plan.objects.exists()


def upload(client, name, data, **extra):
    return client.post(reverse("plan_import"), {"file": SimpleUploadedFile(name, data), **extra})


def test_upload_shows_preview_then_confirm_saves(client, planner, private_root):
    client.force_login(planner)
    paragraphs = ["某馆“十五五”规划", "一、主要任务", "（一）阅读推广", "（1）开展全民阅读活动。"]
    response = upload(client, "plan.docx", build_docx(paragraphs))
    html = response.content.decode()
    assert response.status_code == 200
    assert "核对规划结构" in html and "（1）开展全民阅读活动" in html
    assert not Plan.objects.exists()
    # Staged in the private storage (not a local path, so any app server can confirm;
    # not under MEDIA_ROOT, so no URL leads to it).
    assert len(list((private_root / "staged-uploads").iterdir())) == 1
    response = client.post(reverse("plan_import"), {"action": "confirm"})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.title, plan.start_year, plan.end_year) == ("某馆“十五五”规划", 2026, 2030)
    assert plan.items.count() == 3
    assert not list((private_root / "staged-uploads").iterdir())


def test_upload_cancel_saves_nothing(client, planner, private_root):
    client.force_login(planner)
    upload(client, "plan.txt", CUSTOMER_PLAN.read_bytes())
    client.post(reverse("plan_import"), {"action": "cancel"})
    assert not Plan.objects.exists()
    assert not list((private_root / "staged-uploads").iterdir())


def test_spreadsheet_renamed_docx_is_refused_on_upload(client, planner):
    from reporting.spreadsheets import write_xlsx

    client.force_login(planner)
    response = upload(client, "plan.docx", write_xlsx([("表", ["a"], [[1]])]))
    assert response.status_code == 200
    assert "电子表格" in response.content.decode()
    assert not Plan.objects.exists()


def test_head_cannot_import(client, head_a):
    client.force_login(head_a)
    response = upload(client, "plan.txt", CUSTOMER_PLAN.read_bytes())
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not Plan.objects.exists()


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_another_librarys_action_plan_is_previewed_with_its_guesses_then_saved(
    client, planner, private_root, fmt
):
    from governance.models import Indicator
    from tests.governance.test_plan_parser_quirks import DOCUMENT, as_docx, as_text

    client.force_login(planner)
    data = as_text(DOCUMENT) if fmt == "txt" else as_docx(DOCUMENT)
    html = upload(client, f"plan.{fmt}", data).content.decode()
    assert "临川市图书馆智慧服务三年行动计划（2021—2023年）" in html
    assert "临文旅发〔2021〕12号" in html
    assert "页码已删除" in html and "标题跨页，已合并" in html
    assert "专栏“专栏1 智慧服务重点工程”作为“强化保障”的正文保留" in html
    assert "文件中的指标表" in html and "约束性" in html
    response = client.post(reverse("plan_import"), {"action": "confirm", "indicators": "1"})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.approval_reference == "临文旅发〔2021〕12号"
    assert (plan.start_year, plan.end_year) == (2021, 2023)
    chapters = PlanItem.objects.filter(plan=plan, depth=1)
    assert [(c.number, c.kind) for c in chapters] == [
        ("第一章", "chapter"),
        ("第二章", "chapter"),
        ("第三章", "chapter"),
    ]
    assert {s.kind for s in chapters[0].get_children()} == {"section"}
    box = PlanItem.objects.get(plan=plan, title="强化保障")
    assert box.numchild == 0 and "3．读者服务大数据工程。" in box.text
    indicators = Indicator.objects.filter(plan=plan).order_by("code")
    assert [(i.name, i.measure_unit, i.baseline, i.final_target, i.nature) for i in indicators] == [
        ("数字资源总量", "TB", 50, 120, "expected"),
        ("读者满意度", "%", 90, 95, "binding"),
    ]


def test_the_indicator_table_is_not_imported_unless_asked(client, planner, private_root):
    from governance.models import Indicator
    from tests.governance.test_plan_parser_quirks import DOCUMENT, as_text

    client.force_login(planner)
    upload(client, "plan.txt", as_text(DOCUMENT))
    client.post(reverse("plan_import"), {"action": "confirm"})
    assert Plan.objects.exists()
    assert not Indicator.objects.exists()
