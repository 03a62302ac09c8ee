"""Reads: the user name and address pairs that are locked out now."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, Max, QuerySet, Sum, Value
from django.utils import timezone


def locked_logins() -> QuerySet:
    """One row per locked (username, ip_address): failures, last_attempt, locked_until.

    axes keeps one AccessAttempt per user name, address and browser; it locks a user name and
    address pair when their failures together reach the limit, until the cool-off has passed
    since the last one (``locked_until`` is None when locks only end by an unlock).
    """
    pairs = (
        AccessAttempt.objects.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    cool_off = get_cool_off()
    if cool_off:
        pairs = pairs.filter(last_attempt__gt=timezone.now() - cool_off).annotate(
            locked_until=ExpressionWrapper(
                Max("attempt_time") + Value(cool_off), output_field=DateTimeField()
            )
        )
    else:
        pairs = pairs.annotate(locked_until=Value(None, output_field=DateTimeField()))
    return pairs.order_by("-last_attempt", "username", "ip_address")
