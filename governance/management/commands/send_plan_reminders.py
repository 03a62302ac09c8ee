"""E-mail department heads their items with no report for the last closed period.

Schedule it (cron or the task worker), e.g. weekly after a period closes.
"""

from django.core.management.base import BaseCommand

from governance.models import Plan
from governance.services.plan import send_reminders


class Command(BaseCommand):
    help = "Remind the responsible heads of overdue plan items by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="only this plan (id); default: plans in force")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, plan=None, dry_run=False, **options):
        plans = (
            Plan.objects.filter(pk=plan)
            if plan
            else Plan.objects.filter(status=Plan.Status.IN_FORCE)
        )
        for current in plans:
            sent = send_reminders(current, dry_run=dry_run)
            verb = "would remind" if dry_run else "reminded"
            self.stdout.write(f"{current}: {verb} {len(sent)} people")
            for address, count in sent:
                self.stdout.write(f"  {address}: {count} items")
