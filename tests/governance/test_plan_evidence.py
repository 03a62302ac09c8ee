"""Evidence files of progress reports: kept in private storage, listed and downloaded only
by those who may see the item's reports, never through Wagtail's documents."""

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import Evidence, Period, PlanItem, ProgressReport
from governance.services.plan import close_period, submit_report
from tests.factories import Node, item, make_plan, make_user

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 evidence of the self-service kiosks"


@pytest.fixture
def plan(org):
    outline = [
        Node(
            "一、",
            "体系建设",
            [
                Node("（1）", "借阅部任务", style="paren_num"),
                Node("（2）", "少儿部任务", style="paren_num"),
            ],
        )
    ]
    plan = make_plan(outline)
    PlanItem.objects.filter(title="借阅部任务").update(lead_unit=org["a"])
    PlanItem.objects.filter(title="少儿部任务").update(lead_unit=org["b"])
    return plan


def first_period(plan):
    return Period.objects.get(plan=plan, year=2021, quarter=1)


def upload(name="借阅部照片.pdf", data=PDF):
    return SimpleUploadedFile(name, data, "application/pdf")


def report_with_evidence(plan, user, *files, title="借阅部任务"):
    return submit_report(
        item(plan, title),
        first_period(plan),
        user=user,
        percent=Decimal(40),
        health="on_track",
        narrative="完成自助借还设备升级",
        evidence_files=files or [upload()],
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_evidence_sent_with_a_report_is_kept_in_private_storage(
    client, plan, head_a, private_root, settings
):
    client.force_login(head_a)
    data = {
        "period": first_period(plan).pk,
        "percent": "40",
        "health": "on_track",
        "narrative": "完成自助借还设备升级",
        "next_steps": "",
        "submit": "1",
        "evidence": upload(),
    }
    response = client.post(reverse("plan_report_item", args=[item(plan, "借阅部任务").pk]), data)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.report == ProgressReport.objects.get()
    assert (evidence.name, evidence.size, evidence.content_type) == (
        "借阅部照片.pdf",
        len(PDF),
        "application/pdf",
    )
    assert evidence.uploaded_by == head_a and str(evidence) == "借阅部照片.pdf"
    # In the private root, under a random name; nothing under MEDIA_ROOT, no document.
    assert [p.read_bytes() for p in stored_files(private_root)] == [PDF]
    assert "借阅部照片" not in evidence.file.name
    assert not any(p.read_bytes() == PDF for p in stored_files(Path(settings.MEDIA_ROOT)))
    from wagtail.documents import get_document_model

    assert not get_document_model().objects.exists()
    with pytest.raises(ValueError, match="no URL"):
        evidence.file.url  # noqa: B018 - a private file cannot build a URL


def test_head_downloads_own_units_evidence_under_its_chinese_name(client, plan, head_a):
    evidence = report_with_evidence(plan, head_a).evidence_files.get()
    client.force_login(head_a)
    response = client.get(reverse("plan_evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote('借阅部照片.pdf')}" in disposition
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_head2_finds_none_of_another_units_evidence(client, plan, head_a, head_b):
    """As head2 (a head of another unit): the admin documents API and document chooser
    list none of 借阅部's evidence, and its file URL answers 404."""
    evidence = report_with_evidence(plan, head_a).evidence_files.get()
    client.force_login(head_b)
    api = client.get("/admin/api/main/documents/")
    assert api.status_code == 200
    assert json.loads(api.content)["meta"]["total_count"] == 0
    assert "借阅部照片" not in api.content.decode()
    for url in ("/admin/documents/chooser/", "/admin/documents/chooser/results/?q=借阅部"):
        assert "借阅部照片" not in client.get(url).content.decode()
    assert client.get(reverse("plan_evidence_file", args=[evidence.pk])).status_code == 404
    # Nor through the report's pages, which are out of scope too.
    report = evidence.report
    inspect = client.get(reverse("governance_progressreport:inspect", args=[report.pk]))
    assert inspect.status_code == 404


def test_anonymous_gets_404_not_a_login_page(client, plan, head_a):
    evidence = report_with_evidence(plan, head_a).evidence_files.get()
    response = client.get(reverse("plan_evidence_file", args=[evidence.pk]))
    assert response.status_code == 404
    assert client.get(reverse("plan_evidence_file", args=[evidence.pk + 1000])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("planning", 200), ("leadership", 200), ("editor", 404), ("staff", 404), ("hr", 404)],
)
def test_only_the_plan_roles_download_evidence(client, plan, org, head_a, role, status):
    evidence = report_with_evidence(plan, head_a).evidence_files.get()
    units = [org["a"]] if role == "staff" else []
    client.force_login(make_user(f"u_{role}", role=role, units=units))
    assert client.get(reverse("plan_evidence_file", args=[evidence.pk])).status_code == status


def test_a_sub_units_head_does_not_see_the_departments_evidence(client, plan, org, head_a):
    evidence = report_with_evidence(plan, head_a).evidence_files.get()
    client.force_login(make_user("head_a1", role="department_head", units=[org["a1"]]))
    assert client.get(reverse("plan_evidence_file", args=[evidence.pk])).status_code == 404


def test_evidence_links_on_the_report_item_and_form_pages(client, plan, head_a, planner):
    report = report_with_evidence(plan, head_a)
    evidence = report.evidence_files.get()
    link = reverse("plan_evidence_file", args=[evidence.pk])
    client.force_login(head_a)
    pages = [
        reverse("governance_progressreport:inspect", args=[report.pk]),
        reverse("governance_planitem:inspect", args=[report.item_id]),
        reverse("plan_report_item", args=[report.item_id]) + f"?period={report.period_id}",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert link in html and "借阅部照片.pdf" in html, url
    client.force_login(planner)
    queue = client.get(reverse("plan_review_queue")).content.decode()
    assert link in queue and "借阅部照片.pdf" in queue


def test_review_queue_with_evidence_costs_the_same_for_5_and_30_reports(
    client, plan, org, head_a, planner
):
    parent = PlanItem.objects.get(title="体系建设")

    def grow(start, count):
        for n in range(start, start + count):
            child = parent.add_child(
                plan=plan, number=f"（{n}）", title=f"任务{n}", kind="task", lead_unit=org["a"]
            )
            report_with_evidence(
                plan, head_a, upload(f"佐证{n}.pdf"), upload(f"照片{n}.jpg"), title=child.title
            )

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(reverse("plan_review_queue"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("plan_review_queue")).status_code == 200
        return len(captured)

    client.force_login(planner)
    grow(10, 5)
    few = queries()
    grow(20, 25)
    assert queries() == few


def test_a_refused_file_leaves_nothing_in_private_storage(plan, head_a, private_root):
    with pytest.raises(ValidationError, match="run.exe"):
        report_with_evidence(
            plan, head_a, upload(), SimpleUploadedFile("run.exe", b"MZ\x90\x00", "text/plain")
        )
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert stored_files(private_root) == []


def test_a_closed_period_leaves_nothing_in_private_storage(plan, head_a, planner, private_root):
    close_period(first_period(plan), user=planner)
    with pytest.raises(ValidationError):
        report_with_evidence(plan, head_a)
    assert stored_files(private_root) == []


def test_a_failure_while_storing_removes_the_files_already_stored(plan, head_a, private_root):
    class BrokenUpload(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        report_with_evidence(
            plan, head_a, upload(), BrokenUpload("第二份.pdf", PDF, "application/pdf")
        )
    assert not ProgressReport.objects.exists()
    assert stored_files(private_root) == []


def test_files_already_attached_stay_when_a_report_is_sent_again(plan, head_a):
    report_with_evidence(plan, head_a, upload("一.pdf"))
    report = report_with_evidence(plan, head_a, upload("二.pdf"))
    assert sorted(report.evidence_files.values_list("name", flat=True)) == ["一.pdf", "二.pdf"]


def test_every_role_sees_evidence_exactly_where_it_sees_reports():
    from governance.roles import role_permissions

    for role, perms in role_permissions().items():
        for action in ("view", "add", "change"):
            report = f"governance.{action}_progressreport" in perms
            evidence = f"governance.{action}_evidence" in perms
            assert report == evidence, f"{role}: {action} reports {report}, evidence {evidence}"
