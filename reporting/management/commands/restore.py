"""``manage.py restore FILE``: a backup of ``manage.py backup`` into an empty database
(same engine) and the media and private directories, checked against its manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database of the same engine and the media and "
        "private directories, then compare every table's rows with the backup's manifest. "
        "Refuses a database with tables, or directories holding other files, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .tar.gz written by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables and files the backup does not hold, "
            "after backing them up into --backup-dir.",
        )
        parser.add_argument(
            "--backup-dir",
            type=Path,
            default=None,
            help="Where --force saves what it replaces (default: SHUXIANG_BACKUP_DIR).",
        )

    def handle(self, *args, file, force, backup_dir, **options):
        try:
            restored = restore_backup(
                file,
                force=force,
                backup_dir=backup_dir or Path(settings.SHUXIANG_BACKUP_DIR),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if restored.replaced:
            self.stdout.write(f"What was there before is saved in {restored.replaced.path}")
        if options["verbosity"] > 1:
            for table, rows in restored.rows.items():
                self.stdout.write(f"  {table}: {rows}")
        files = ", ".join(f"{count} {tree} files" for tree, count in restored.files.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {restored.path.name} ({restored.engine}): {len(restored.rows)} "
                f"tables, {sum(restored.rows.values())} rows, each table as in the backup; "
                f"{files}."
            )
        )
        if restored.unknown_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup has {len(restored.unknown_migrations)} migrations this code "
                    f"does not know (a newer version?), e.g. {restored.unknown_migrations[0]}."
                )
            )
        if restored.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(restored.pending_migrations)} migrations of this code are not "
                    "applied yet: run `manage.py migrate`."
                )
            )
