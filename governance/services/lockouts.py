"""Writes: an administrator unlocks a user name at an address."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.log_actions import log


@transaction.atomic
def unlock_login(*, username: str | None, ip_address: str | None, user) -> int:
    """Forget the failed sign-ins of ``username`` from ``ip_address``; returns how many rows.

    Only that pair: the same user name elsewhere and other names at that address keep
    their counts. The unlock is written to the history of the user it concerns.
    """
    deleted, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    if deleted and username:
        User = get_user_model()  # noqa: N806
        subject = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if subject is not None:
            log(
                instance=subject,
                action="shuxiang.login.unlock",
                user=user,
                data={"ip_address": ip_address},
            )
    return deleted
