"""``manage.py backup``: the database and the media and private files in one archive
(reporting/backups.py), written to ``SHUXIANG_BACKUP_DIR`` or ``--dir``."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.backups import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup or pg_dump) and the media and private "
        "files into one .tar.gz with a manifest; prints the path written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="directory",
            type=Path,
            default=None,
            help="Directory for the archive (default: SHUXIANG_BACKUP_DIR, var/backups).",
        )

    def handle(self, *args, directory=None, **options):
        directory = directory or Path(settings.SHUXIANG_BACKUP_DIR)
        try:
            backup = write_backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ", ".join(f"{count} {tree} files" for tree, count in backup.files.items())
        self.stdout.write(
            f"{backup.engine}: {len(backup.rows)} tables, {sum(backup.rows.values())} rows; {files}"
        )
        self.stdout.write(self.style.SUCCESS(str(backup.path)))
