"""External-training certificates: a plain file field in the admin, kept in private
storage, downloaded only by HR and administrators through a checked view."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from staffing.models import ExternalTraining
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 certificate of book restoration"
PNG = b"\x89PNG\r\n\x1a\n certificate"


@pytest.fixture
def hr(org):
    return make_user("hr_user", role="hr")


@pytest.fixture
def staff_member(org, staff_a):
    return make_staff(org["a"], name="借阅部张三", user=staff_a)


@pytest.fixture
def training(staff_member):
    row = ExternalTraining(
        staff=staff_member,
        name="古籍修复培训",
        date=dt.date(2024, 5, 1),
        hours=Decimal(8),
        subject_type="professional",
        certificate_name="古籍修复证书.pdf",
    )
    row.certificate.save("cert.pdf", ContentFile(PDF))
    return row


def form_data(staff, **values):
    data = {
        "staff": staff.pk,
        "name": "古籍修复培训",
        "organiser": "省图书馆",
        "date": "2024-05-01",
        "hours": "8",
        "subject_type": "professional",
    }
    data.update(values)
    return data


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_hr_attaches_a_certificate_in_the_admin(client, hr, staff_member, private_root, settings):
    client.force_login(hr)
    upload = SimpleUploadedFile("古籍修复证书.pdf", PDF, "application/pdf")
    response = client.post(
        reverse("staffing_externaltraining:add"), form_data(staff_member, certificate=upload)
    )
    assert response.status_code == 302
    training = ExternalTraining.objects.get()
    assert training.certificate_name == "古籍修复证书.pdf"
    assert "古籍" not in training.certificate.name  # a random name in storage
    assert [p.read_bytes() for p in files_in(private_root)] == [PDF]
    assert not any(p.read_bytes() == PDF for p in files_in(Path(settings.MEDIA_ROOT)))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "证书须为 PDF、JPG 或 PNG 文件"),
        ("scan.gif", b"GIF89a", "证书须为 PDF、JPG 或 PNG 文件"),
        ("page.pdf", b"<html><script>alert(1)</script>", "不是真正的 PDF 文件"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "不是真正的 PNG 文件"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "证书文件超过 10 MB"),
    ],
    ids=["exe", "gif", "html-as-pdf", "jpeg-as-png", "over-10-mb"],
)
def test_the_form_refuses_anything_but_a_real_pdf_jpg_or_png_up_to_10_mb(
    client, hr, staff_member, private_root, name, data, message
):
    client.force_login(hr)
    response = client.post(
        reverse("staffing_externaltraining:add"),
        form_data(staff_member, certificate=SimpleUploadedFile(name, data)),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExternalTraining.objects.exists()
    assert files_in(private_root) == []


def test_a_jpg_is_accepted(client, hr, staff_member):
    client.force_login(hr)
    upload = SimpleUploadedFile("证书.JPG", b"\xff\xd8\xff\xe0 photo", "image/jpeg")
    response = client.post(
        reverse("staffing_externaltraining:add"), form_data(staff_member, certificate=upload)
    )
    assert response.status_code == 302
    assert ExternalTraining.objects.get().certificate_name == "证书.JPG"


def test_edit_form_names_the_current_file_and_replacing_it_removes_the_old_one(
    client, hr, training, private_root, django_capture_on_commit_callbacks
):
    url = reverse("staffing_externaltraining:edit", args=[training.pk])
    client.force_login(hr)
    page = client.get(url).content.decode()
    assert "古籍修复证书.pdf" in page
    assert reverse("staffing_certificate_file", args=[training.pk]) in page
    old = private_root / training.certificate.name
    upload = SimpleUploadedFile("新证书.png", PNG, "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(training.staff, certificate=upload))
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.certificate_name == "新证书.png"
    assert not old.exists()
    assert [p.read_bytes() for p in files_in(private_root)] == [PNG]


def test_clearing_the_certificate_removes_the_file(
    client, hr, training, private_root, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staffing_externaltraining:edit", args=[training.pk]),
            form_data(training.staff, **{"certificate-clear": "on"}),
        )
    assert response.status_code == 302
    training.refresh_from_db()
    assert not training.certificate and training.certificate_name == ""
    assert files_in(private_root) == []


def test_editing_other_fields_keeps_the_certificate(
    client, hr, training, private_root, django_capture_on_commit_callbacks
):
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("staffing_externaltraining:edit", args=[training.pk]),
            form_data(training.staff, hours="10"),
        )
    training.refresh_from_db()
    assert training.hours == 10 and training.certificate_name == "古籍修复证书.pdf"
    assert [p.read_bytes() for p in files_in(private_root)] == [PDF]


def test_hr_downloads_the_certificate_under_its_chinese_name(client, hr, training):
    client.force_login(hr)
    response = client.get(reverse("staffing_certificate_file", args=[training.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert f"filename*=utf-8''{quote('古籍修复证书.pdf')}" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("hr", 200),
        ("admin_user", 200),
        ("head_a", 404),  # sees the training record, not the scan (ID numbers)
        ("staff_a", 404),  # their own record: they hold the paper
        ("head_b", 404),
        ("finance", 404),
        ("anonymous", 404),  # not a login redirect
    ],
)
def test_only_hr_and_administrators_download_certificates(client, training, who, status, request):
    if who == "finance":
        client.force_login(make_user("fin", role="finance"))
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("staffing_certificate_file", args=[training.pk]))
    assert response.status_code == status


def test_inspect_page_links_the_scan_for_hr_only(client, hr, head_a, training):
    url = reverse("staffing_externaltraining:inspect", args=[training.pk])
    download = reverse("staffing_certificate_file", args=[training.pk])
    client.force_login(hr)
    page = client.get(url).content.decode()
    assert download in page and "古籍修复证书.pdf" in page
    client.force_login(head_a)
    page = client.get(url).content.decode()
    assert download not in page and "已存档（仅人事和系统管理员可下载）" in page


def test_a_training_without_certificate_has_no_download(client, hr, staff_member):
    training = ExternalTraining.objects.create(
        staff=staff_member, name="讲座", date=dt.date(2024, 6, 1), hours=2, subject_type="general"
    )
    client.force_login(hr)
    assert client.get(reverse("staffing_certificate_file", args=[training.pk])).status_code == 404
    assert client.get(
        reverse("staffing_externaltraining:edit", args=[training.pk])
    ).status_code == (200)


def test_deleting_a_training_removes_its_certificate_file(
    client, training, private_root, django_capture_on_commit_callbacks
):
    client.force_login(make_user("root", is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staffing_externaltraining:delete", args=[training.pk]))
    assert response.status_code == 302
    assert not ExternalTraining.objects.exists()
    assert files_in(private_root) == []
