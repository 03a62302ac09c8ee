from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _setup_roles_after_migrate(sender, app_config=None, using="default", verbosity=1, **kwargs):
    """Roles are reference data: (re)create them once every app's permissions exist."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    if not apps.is_installed("governance"):
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    from .roles import setup_roles

    setup_roles()


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Sent with sender=each app; ours runs last because governance is a dependency of
        # nothing that migrates after it, and the handler makes the permissions it needs.
        post_migrate.connect(
            _setup_roles_after_migrate, sender=self, dispatch_uid="shuxiang_setup_roles"
        )
