"""``manage.py export_staff FILE.xlsx``: every staff member as the staff sheet, with ID
numbers and birth dates (the command line acts with HR's rights)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from staffing.documents import export_staff
from staffing.models import Staff


class Command(BaseCommand):
    help = "Write every staff member to FILE.xlsx in the format import_staff reads back."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="where to write the staff sheet (.xlsx)")

    def handle(self, *args, file: Path, **options):
        staff = Staff.objects.all()
        try:
            file.write_bytes(export_staff(staff, personal=True))
        except OSError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("%(count)s staff written to %(file)s.") % {"count": staff.count(), "file": file}
        )
