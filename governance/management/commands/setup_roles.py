"""Create or update the roles (Django groups and their permissions). Idempotent."""

from django.core.management.base import BaseCommand

from governance.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update Shuxiang's roles; also runs after every migrate."

    def handle(self, *args, **options):
        groups = setup_roles()
        self.stdout.write(f"{len(groups)} roles ready: " + "、".join(g.name for g in groups))
