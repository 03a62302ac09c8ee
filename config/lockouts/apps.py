from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LockoutsConfig(AppConfig):
    name = "config.lockouts"
    label = "lockouts"
    verbose_name = _("Sign-in lockouts")
