"""Private storage: outside MEDIA_ROOT, no URL, refused by a system check when a web
server would publish it, never served from /media/ (development or production). The
data migrations into it: tests/governance/test_private_files_migration.py."""

import importlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

from governance.models import Period, PlanItem
from governance.services.plan import submit_report
from reporting.checks import check_private_storage
from reporting.storages import private_storage
from tests.factories import Node, item, make_plan, make_staff

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4 private"


@pytest.fixture
def dev_urls(settings, tmp_path):
    """The development server's URLs: DEBUG on, so config/urls.py serves MEDIA_ROOT."""
    import config.urls

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "public.png").write_bytes(b"\x89PNG public")
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def private_files(org, head_a):
    """One evidence file (借阅部's report) and one certificate scan."""
    from staffing.models import ExternalTraining

    plan = make_plan([Node("一、", "体系建设", [Node("（1）", "借阅部任务", style="paren_num")])])
    PlanItem.objects.filter(title="借阅部任务").update(lead_unit=org["a"])
    report = submit_report(
        item(plan, "借阅部任务"),
        Period.objects.get(plan=plan, year=2021, quarter=1),
        user=head_a,
        percent=Decimal(10),
        health="on_track",
        narrative="x",
        evidence_files=[SimpleUploadedFile("借阅部照片.pdf", PDF)],
    )
    training = ExternalTraining(
        staff=make_staff(org["a"]),
        name="古籍修复培训",
        date="2024-05-01",
        hours=Decimal(8),
        subject_type="professional",
        certificate_name="证书.pdf",
    )
    training.certificate.save("证书.pdf", ContentFile(PDF, name="证书.pdf"))
    return {
        reverse("plan_evidence_file", args=[report.evidence_files.get().pk]): (
            report.evidence_files.get().file.name
        ),
        reverse("staffing_certificate_file", args=[training.pk]): training.certificate.name,
    }


def test_private_storage_lies_outside_media_root_and_builds_no_url(settings, private_root):
    assert Path(private_storage.location).resolve() == private_root.resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    assert media not in private_root.resolve().parents
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url("evidence/x.pdf")


def test_private_root_defaults_to_var_private_and_follows_the_environment(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['private']['OPTIONS']['location'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "SHUXIANG_PRIVATE_ROOT"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

    def location(**extra):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", code],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return Path(result.stdout.strip())

    assert location() == ROOT / "var" / "private"
    assert location(SHUXIANG_PRIVATE_ROOT=str(tmp_path)) == tmp_path


def test_system_check_refuses_private_files_inside_media_root(settings, tmp_path):
    assert check_private_storage() == []
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "p"}},
    }
    assert [m.id for m in check_private_storage()] == ["reporting.E002"]


@pytest.mark.django_db
def test_anonymous_requests_for_private_files_are_404_in_development(
    client, dev_urls, private_files, head_a
):
    # The development server does serve MEDIA_ROOT (so the 404s below mean something).
    assert client.get("/media/images/public.png").status_code == 200
    for url, name in private_files.items():
        assert client.get(url).status_code == 404, url
        assert client.get(f"/media/{name}").status_code == 404, name
        assert client.get(f"/media/{Path(name).name}").status_code == 404, name
    client.force_login(head_a)  # signed in or not: nothing private is under /media/
    for name in private_files.values():
        assert client.get(f"/media/{name}").status_code == 404, name


@pytest.mark.django_db
def test_anonymous_requests_for_private_files_are_404_in_production(client, private_files):
    for url, name in private_files.items():
        assert client.get(url).status_code == 404, url
        assert client.get(f"/media/{name}").status_code == 404, name


@pytest.mark.django_db
def test_no_private_file_is_stored_under_media_root(settings, private_files, private_root):
    media = Path(settings.MEDIA_ROOT)
    for name in private_files.values():
        assert (private_root / name).read_bytes() == PDF
        assert not (media / name).exists()
    assert not any(p.is_file() and p.read_bytes() == PDF for p in media.rglob("*"))
