"""Long documents in the background (我的文档): past SHUXIANG_BACKGROUND_ROWS rows the
roster, the staff sheet and the tracking table are queued instead of keeping the request
waiting; the worker makes them as the person who asked; only that person sees the page,
its progress and the file."""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.models import DocumentJob
from governance.services import documents as document_services
from governance.services.documents import prepare_document, register_long_document
from tests.factories import make_staff, make_user
from tests.governance.test_plan_documents import pdf_text
from tests.governance.test_plan_documents import plan as tracked_plan
from tests.tools import require_poppler

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr", first_name="人事专员")


@pytest.fixture
def three_staff(org):
    return [
        make_staff(org["a"], name="借阅部张三"),
        make_staff(org["b"], name="少儿部李四"),
        make_staff(org["b1"], name="绘本馆王五"),
    ]


@pytest.fixture
def small_threshold(settings):
    settings.SHUXIANG_BACKGROUND_ROWS = 2


def ask_roster(client, user, unit):
    client.force_login(user)
    return client.get(reverse("staffing_roster_pdf", args=[unit.pk]))


def test_a_short_roster_comes_at_once(client, org, hr, three_staff):
    response = ask_roster(client, hr, org["system"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not DocumentJob.objects.exists()


def test_a_long_roster_is_prepared_in_the_background_and_offered_when_ready(
    client, org, hr, three_staff, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_roster(client, hr, org["system"])
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "shuxiang_document", args=[job.pk]
    )
    assert job.requested_by == hr and job.total == 3
    assert job.status == DocumentJob.Status.READY and job.size > 0

    page = client.get(reverse("shuxiang_document", args=[job.pk]))
    html = page.content.decode()
    download = reverse("shuxiang_document_download", args=[job.pk])
    assert download in html and 'http-equiv="refresh"' not in html

    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    assert "private" in response["Cache-Control"]

    listing = client.get(reverse("shuxiang_documents")).content.decode()
    assert job.title in listing and download in listing


def test_the_message_says_why_the_document_is_not_here_yet(
    client, org, hr, three_staff, small_threshold, settings
):
    settings.TASKS = DUMMY
    response = ask_roster(client, hr, org["system"])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "共 3 行，正在后台生成" in html and 'http-equiv="refresh"' in html
    assert "<progress" in html
    assert not DocumentJob.objects.get().file


def test_asking_again_while_it_is_prepared_does_not_start_a_second_one(
    client, org, hr, three_staff, small_threshold, settings
):
    settings.TASKS = DUMMY
    first = ask_roster(client, hr, org["system"])
    second = ask_roster(client, hr, org["system"])
    assert first["Location"] == second["Location"]
    assert DocumentJob.objects.count() == 1


def test_nobody_but_the_requester_sees_the_document(
    client, org, hr, three_staff, small_threshold, head_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_roster(client, hr, org["system"])
    job = DocumentJob.objects.get()
    other_hr = make_user("hr_other", role="hr")
    for user in (head_b, other_hr):
        client = Client()  # their own browser
        client.force_login(user)
        assert client.get(reverse("shuxiang_document", args=[job.pk])).status_code == 404
        download = client.get(reverse("shuxiang_document_download", args=[job.pk]))
        assert download.status_code == 404
        assert job.title not in client.get(reverse("shuxiang_documents")).content.decode()
    client.logout()
    anonymous = client.get(reverse("shuxiang_document_download", args=[job.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_a_head_gets_a_roster_of_their_units_only(
    client, org, head_b, three_staff, settings, django_capture_on_commit_callbacks
):
    settings.SHUXIANG_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_roster(client, head_b, org["b"])
    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert job.total == 2  # 少儿部 and 绘本馆, not 借阅部
    assert ask_roster(client, head_b, org["a"]).status_code == 404


def test_the_worker_applies_the_requesters_access_as_it_is_then(
    client, org, hr, three_staff, small_threshold, settings
):
    settings.TASKS = DUMMY
    ask_roster(client, hr, org["system"])
    job = DocumentJob.objects.get()
    hr.groups.clear()  # HR moved to another post before the worker got to it
    prepare_document.call(job.pk)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and not job.file
    html = client.get(reverse("shuxiang_document", args=[job.pk])).content.decode()
    assert reverse("shuxiang_document_download", args=[job.pk]) not in html


def test_a_failed_document_says_so_and_keeps_nothing(client, hr, settings, caplog):
    settings.TASKS = DUMMY

    def broken(user, params, progress):
        raise RuntimeError("disk full")

    register_long_document("tests.broken", broken)
    try:
        job = document_services.request_document(
            hr, "tests.broken", params={}, title="坏文档", filename="坏文档.pdf", total=10
        )
        prepare_document.call(job.pk)
    finally:
        document_services.LONG_DOCUMENTS.pop("tests.broken")
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED and job.finished_at is not None
    client.force_login(hr)
    html = client.get(reverse("shuxiang_document", args=[job.pk])).content.decode()
    assert "失败" in html or "could not be prepared" in html
    assert "disk full" in caplog.text


def test_progress_is_shown_while_the_worker_runs(client, hr):
    job = DocumentJob.objects.create(
        requested_by=hr,
        kind="staffing.roster",
        title="职工花名册",
        filename="职工花名册.pdf",
        status=DocumentJob.Status.RUNNING,
        done=50,
        total=200,
    )
    client.force_login(hr)
    html = client.get(reverse("shuxiang_document", args=[job.pk])).content.decode()
    assert 'value="25"' in html and 'http-equiv="refresh"' in html


def test_a_document_nobody_started_points_at_the_worker(client, hr):
    job = DocumentJob.objects.create(
        requested_by=hr,
        kind="staffing.roster",
        title="职工花名册",
        filename="职工花名册.pdf",
        total=5000,
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    client.force_login(hr)
    html = client.get(reverse("shuxiang_document", args=[job.pk])).content.decode()
    assert "db_worker" in html


def test_documents_older_than_a_week_are_removed_with_their_files(
    client, org, hr, three_staff, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_roster(client, hr, org["system"])
    old = DocumentJob.objects.get()
    storage = old.file.storage
    name = old.file.name
    assert storage.exists(name)
    DocumentJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        ask_roster(client, hr, org["system"])
    assert DocumentJob.objects.get().pk != old.pk
    assert not storage.exists(name)


def test_the_staff_sheet_past_the_threshold_keeps_the_readers_scope_and_columns(
    client, org, hr, head_b, three_staff, settings, django_capture_on_commit_callbacks
):
    def sheet_of(user, **params):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("staffing_export"), params)
        assert response.status_code == 302
        job = DocumentJob.objects.filter(requested_by=user).latest("created_at")
        assert job.status == DocumentJob.Status.READY
        data = b"".join(client.get(reverse("shuxiang_document_download", args=[job.pk])))
        return load_workbook(BytesIO(data)).active

    settings.SHUXIANG_BACKGROUND_ROWS = 2
    sheet = sheet_of(hr)
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    names = {row[header.index("姓名")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"借阅部张三", "少儿部李四", "绘本馆王五"}
    assert "身份证号" in header

    settings.SHUXIANG_BACKGROUND_ROWS = 1
    sheet = sheet_of(head_b)
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    names = {row[header.index("姓名")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"少儿部李四", "绘本馆王五"}
    assert "身份证号" not in header


@pytest.fixture
def plan(org):
    return tracked_plan.__wrapped__(org)


def test_the_tracking_table_past_the_threshold(
    client,
    plan,
    planner,
    small_threshold,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    client.force_login(planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("plan_tracking_xlsx", args=[plan.pk]))
    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.READY and job.filename.endswith(".xlsx")
    data = b"".join(client.get(reverse("shuxiang_document_download", args=[job.pk])))
    titles = [row[1] for row in load_workbook(BytesIO(data)).active.iter_rows(values_only=True)]
    assert "借阅部任务" in titles


def test_my_documents_costs_the_same_for_few_and_many(client, hr):
    def queries():
        client.force_login(hr)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("shuxiang_documents")).status_code == 200
        return len(captured)

    def add(count):
        DocumentJob.objects.bulk_create(
            DocumentJob(
                requested_by=hr, kind="staffing.roster", title=f"花名册{i}", filename="a.pdf"
            )
            for i in range(count)
        )

    add(2)
    few = queries()
    add(40)
    assert queries() == few


def test_a_long_progress_report_is_prepared_in_the_background(
    client, plan, planner, head_b, settings, django_capture_on_commit_callbacks, monkeypatch
):
    import governance.documents
    from governance.models import Period, PlanItem
    from governance.services.plan import submit_report

    item = PlanItem.objects.get(plan=plan, lead_unit__isnull=False, title__startswith="通过")
    period = Period.objects.get(plan=plan, year=2021, quarter=1)
    submit_report(item, period, user=head_b, percent=5, health="off_track", narrative="滞后")
    settings.SHUXIANG_BACKGROUND_ROWS = 0
    monkeypatch.setattr(governance.documents, "WRAPPED_ROWS", 0)  # one line per item
    require_poppler("pdftotext")
    client.force_login(planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("plan_progress_pdf", args=[plan.pk]), {"as_of": "2021-03-31"})
    assert response.status_code == 302
    job = DocumentJob.objects.get()
    assert job.status == DocumentJob.Status.READY and job.filename.endswith(".pdf")
    pdf = b"".join(client.get(reverse("shuxiang_document_download", args=[job.pk])))
    text = pdf_text(pdf)
    assert "风险条目" in text and "通过与社会组织" in text
