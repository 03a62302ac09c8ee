"""External-training certificates stop being Wagtail documents: each certificate
document's file is copied into the private storage (`certificate_file`, with its name in
`certificate_name`); those documents are then deleted (wherever they were filed), with
their files once the migration commits, and nobody keeps permissions to file documents
in that collection.

Irreversible for data: moving the scans back into public media would reopen the leak.
Going back is refused while any certificate file is stored (restore a backup taken
before this migration instead); without one it does nothing.
"""

import uuid
from pathlib import PurePath

from django.db import migrations, transaction
from django.db.migrations.exceptions import IrreversibleError

CERTIFICATE_COLLECTION = "职工证书"


def _private_name(document_name):
    suffix = PurePath(document_name).suffix.lower()[:10]
    return f"certificates/migrated/{uuid.uuid4().hex}{suffix}"


def documents_to_files(apps, schema_editor):
    ExternalTraining = apps.get_model("staffing", "ExternalTraining")
    Document = apps.get_model("wagtaildocs", "Document")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    private_storage = ExternalTraining._meta.get_field("certificate_file").storage
    copied, moved = [], set()
    try:
        rows = ExternalTraining.objects.filter(certificate__isnull=False).select_related(
            "certificate"
        )
        for training in rows.order_by("pk"):
            document = training.certificate
            try:
                source = document.file.open("rb")
            except FileNotFoundError as error:
                raise RuntimeError(
                    f"The file of certificate document {document.pk} ({document.file.name}) is "
                    "missing: restore it (or delete the document) and migrate again."
                ) from error
            with source:
                saved = private_storage.save(_private_name(document.file.name), source)
            copied.append(saved)
            ExternalTraining.objects.filter(pk=training.pk).update(
                certificate_file=saved,
                certificate_name=PurePath(document.file.name).name[:255],
                certificate=None,
            )
            moved.add(document.pk)
        # Wherever they were filed (before the certificate collection, in the root).
        doomed = Document.objects.filter(pk__in=moved)
        old_files = [(d.file.storage, d.file.name) for d in doomed]
        doomed.delete()
        # Nobody files certificates as documents any more (the collection stays, still
        # restricted, for whatever else it may hold; an administrator may delete it).
        GroupCollectionPermission.objects.filter(
            collection__name=CERTIFICATE_COLLECTION, collection__depth=2
        ).delete()
    except BaseException:
        for name in copied:
            private_storage.delete(name)
        raise

    def remove_old_files():
        for storage, name in old_files:
            storage.delete(name)

    transaction.on_commit(remove_old_files, using=schema_editor.connection.alias)


def refuse_to_reverse(apps, schema_editor):
    ExternalTraining = apps.get_model("staffing", "ExternalTraining")
    if ExternalTraining.objects.exclude(certificate_file="").exists():
        raise IrreversibleError(
            "Certificate files cannot be turned back into Wagtail documents (their files "
            "would become public again): restore a backup taken before staffing 0003."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0002_certificate_file"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(documents_to_files, refuse_to_reverse)]
