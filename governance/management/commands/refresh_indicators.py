"""Record the actuals of computed indicators (schedule it, e.g. nightly)."""

from django.core.management.base import BaseCommand

from governance.models import Plan
from governance.services.plan import refresh_computed


class Command(BaseCommand):
    help = "Record the actuals of every computed indicator of the plans in force."

    def handle(self, *args, **options):
        for plan in Plan.objects.filter(status=Plan.Status.IN_FORCE):
            count = refresh_computed(plan)
            self.stdout.write(f"{plan}: {count} actuals recorded")
