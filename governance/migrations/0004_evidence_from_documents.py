"""Progress-report evidence stops being Wagtail documents (which every admin user could
list through the documents API and chooser): each evidence document linked to a report
becomes an Evidence row whose file is copied into the private storage; those documents
are then deleted, with their files once the migration commits.

Irreversible for data: moving the files back into public media would reopen the leak.
Going back is refused while any Evidence row exists (restore a backup taken before this
migration instead); on an empty table it does nothing.
"""

import mimetypes
import uuid
from pathlib import PurePath

from django.db import migrations, transaction
from django.db.migrations.exceptions import IrreversibleError


def _private_name(document_name):
    suffix = PurePath(document_name).suffix.lower()[:10]
    return f"evidence/migrated/{uuid.uuid4().hex}{suffix}"


def documents_to_evidence(apps, schema_editor):
    ProgressReport = apps.get_model("governance", "ProgressReport")
    Evidence = apps.get_model("governance", "Evidence")
    Document = apps.get_model("wagtaildocs", "Document")
    Link = ProgressReport.evidence.through
    private_storage = Evidence._meta.get_field("file").storage
    copied, moved = [], set()
    try:
        for link in Link.objects.select_related("document").order_by("pk"):
            document = link.document
            try:
                source = document.file.open("rb")
            except FileNotFoundError as error:
                raise RuntimeError(
                    f"The file of evidence document {document.pk} ({document.file.name}) is "
                    "missing: restore it (or delete the document) and migrate again."
                ) from error
            with source:
                saved = private_storage.save(_private_name(document.file.name), source)
            copied.append(saved)
            name = PurePath(document.file.name).name
            Evidence.objects.create(
                report_id=link.progressreport_id,
                file=saved,
                name=name[:255],
                size=private_storage.size(saved),
                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                uploaded_by_id=document.uploaded_by_user_id,
                uploaded_at=document.created_at,
            )
            moved.add(document.pk)
        doomed = Document.objects.filter(pk__in=moved)
        old_files = [(d.file.storage, d.file.name) for d in doomed]
        Link.objects.filter(document__in=doomed).delete()
        doomed.delete()
    except BaseException:
        for name in copied:
            private_storage.delete(name)
        raise

    def remove_old_files():
        for storage, name in old_files:
            storage.delete(name)

    transaction.on_commit(remove_old_files, using=schema_editor.connection.alias)


def refuse_to_reverse(apps, schema_editor):
    Evidence = apps.get_model("governance", "Evidence")
    if Evidence.objects.exists():
        raise IrreversibleError(
            "Evidence files cannot be turned back into Wagtail documents (their files would "
            "become public again): restore a backup taken before governance 0004."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_evidence"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(documents_to_evidence, refuse_to_reverse)]
