"""Load the demo data (idempotent) and, in DEBUG, print the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.loaders import load_demo
from demo.loaders.org import demo_users
from governance.roles import ROLE_LABELS


class Command(BaseCommand):
    help = (
        "Load the demo data from demo/data/ (org tree, users, home page, the 2021–2025 plan, "
        "staff and training, appraisals, the budget). Safe to re-run."
    )

    def handle(self, *args, **options):
        counts = load_demo()
        self.stdout.write(
            f"Demo data: {counts['units']} new units, {counts['users']} new users, "
            f"{'a new' if counts['home_page'] else 'the existing'} home page, "
            f"{counts['plan_items']} new plan items with {counts['reports']} progress reports "
            f"and {counts['indicators']} indicators, {counts['staff']} new staff with "
            f"{counts['trainings']} training records, {counts['budget_projects']} new budget "
            f"projects with {counts['expenditure_lines']} expenditure lines, "
            f"{counts['asset_cards']} new asset cards with {counts['depreciation_runs']} "
            f"months of depreciation, {counts['trustees']} new trustees, "
            f"{counts['board_resolutions']} board resolutions and {counts['site_pages']} new "
            "pages of the public website."
        )
        if settings.DEBUG:
            self.stdout.write(
                f"Demo logins (password '{settings.SHUXIANG_DEMO_PASSWORD}') at /admin/:"
            )
            for user in demo_users():
                unit = f" @ {user.unit}" if user.unit else ""
                self.stdout.write(f"  {user.username:9} {ROLE_LABELS[user.role]}{unit}")
