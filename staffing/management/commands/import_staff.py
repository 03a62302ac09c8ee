"""``manage.py import_staff FILE.xlsx``: the staff sheet's import, with HR's rights."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reporting.imports import ImportFailed
from staffing.importers.staff import import_staff


class Command(BaseCommand):
    help = (
        "Create or update staff from the staff sheet (.xlsx), matched by staff number. "
        "If any cell is wrong nothing is saved, the cells are listed on stderr and the exit "
        "status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the staff sheet (.xlsx)")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        try:
            result = import_staff(data)
        except ImportFailed as error:
            for cell in error.errors:
                self.stderr.write(str(cell))
            raise CommandError(
                _("Nothing was saved: %(count)s cells need correcting.")
                % {"count": len(error.errors)}
            ) from None
        self.stdout.write(str(result))
