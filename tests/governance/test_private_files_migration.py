"""The data migrations that took evidence and certificates out of Wagtail documents.

Transactional: SQLite cannot alter tables inside the test's transaction. The module sits
after tests/e2e on purpose: today any transactional test that runs before the browser
test leaves it a database without permissions (its serialized rollback does not bring
them back), so `make test` would fail.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PDF = b"%PDF-1.4 private"

BEFORE = [("governance", "0003_evidence"), ("staffing", "0002_certificate_file")]


def _seed_documents(apps):
    """What the old code left: a Wagtail document linked as a report's evidence, in the
    evidence collection, and a certificate document in the root collection."""
    Collection = apps.get_model("wagtailcore", "Collection")  # noqa: N806
    Document = apps.get_model("wagtaildocs", "Document")  # noqa: N806
    OrgUnit = apps.get_model("governance", "OrgUnit")  # noqa: N806
    Plan = apps.get_model("governance", "Plan")  # noqa: N806
    PlanItem = apps.get_model("governance", "PlanItem")  # noqa: N806
    Period = apps.get_model("governance", "Period")  # noqa: N806
    ProgressReport = apps.get_model("governance", "ProgressReport")  # noqa: N806
    Staff = apps.get_model("staffing", "Staff")  # noqa: N806
    ExternalTraining = apps.get_model("staffing", "ExternalTraining")  # noqa: N806

    # Wagtail's root collection (a data migration's) is missing after a browser test.
    root = Collection.objects.filter(depth=1).first() or Collection.objects.create(
        name="Root", path="0001", depth=1, numchild=0
    )
    evidence_collection = Collection.objects.create(
        name="规划佐证材料", path=root.path + "0099", depth=2, numchild=0
    )
    unit = OrgUnit.objects.create(
        path="0099", depth=1, numchild=0, name="借阅部", code="M-A", kind="department"
    )
    plan = Plan.objects.create(title="迁移规划", start_year=2021, end_year=2025)
    task = PlanItem.objects.create(
        plan=plan, path="0099", depth=1, numchild=0, title="t", kind="task", lead_unit=unit
    )
    period = Period.objects.create(plan=plan, year=2021, quarter=1)
    report = ProgressReport.objects.create(
        item=task, period=period, percent=10, health="on_track", narrative="x"
    )
    evidence = Document(title="t · 照片.pdf", collection=evidence_collection)
    evidence.file.save("照片.pdf", ContentFile(PDF), save=False)
    evidence.save()
    report.evidence.add(evidence)
    certificate = Document(title="证书", collection=root)
    certificate.file.save("证书.png", ContentFile(b"\x89PNG\r\n\x1a\ncert"), save=False)
    certificate.save()
    staff = Staff.objects.create(
        staff_number="M1", name="张三", gender="F", employment_type="contract", unit=unit
    )
    ExternalTraining.objects.create(
        staff=staff,
        name="培训",
        date="2024-01-01",
        hours=1,
        subject_type="professional",
        certificate=certificate,
    )
    return report.pk, [evidence.file.name, certificate.file.name]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrations_move_evidence_and_certificates_out_of_documents(
    settings, tmp_path, private_root
):
    from wagtail.documents import get_document_model

    from governance.models import Evidence
    from staffing.models import ExternalTraining

    settings.MEDIA_ROOT = tmp_path / "media"
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        report_pk, old_files = _seed_documents(executor.loader.project_state(BEFORE).apps)
        assert all((settings.MEDIA_ROOT / name).exists() for name in old_files)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)

    evidence = Evidence.objects.get()
    assert (evidence.report_id, evidence.name, evidence.content_type) == (
        report_pk,
        "照片.pdf",
        "application/pdf",
    )
    assert evidence.size == len(PDF) and (private_root / evidence.file.name).read_bytes() == PDF
    training = ExternalTraining.objects.get(name="培训")
    assert training.certificate_name == "证书.png"
    assert (private_root / training.certificate.name).read_bytes().startswith(b"\x89PNG")
    # The documents and their public files are gone.
    assert not get_document_model().objects.exists()
    assert not any((settings.MEDIA_ROOT / name).exists() for name in old_files)
