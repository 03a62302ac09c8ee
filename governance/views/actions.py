"""The one way a custom view runs a service for a button: the service's refusal (a
``ValidationError``, or a ``PermissionDenied`` with its reason) becomes an error message on
the page the user came from; success, the message given. Every app's POST views use it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from wagtail.admin import messages


def run_action(request, call, success: str) -> bool:
    """Call ``call()``; True when it succeeded (``success`` shown), False when refused."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
        return False
    messages.success(request, success)
    return True
