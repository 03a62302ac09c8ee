"""Template helpers for clean Chinese: ``{{ user|person }}`` (the person's name, never the
login), ``{{ value|clean }}`` (是/否, — for nothing), ``{{ amount|yuan }}`` (money as
accounts write it: 1,234,567.80), ``{% library_name %}``."""

from decimal import Decimal

from django import template
from django.conf import settings

from governance.columns import clean_value
from governance.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)


@register.filter
def clean(value):
    return clean_value(value)


@register.filter
def yuan(amount) -> str:
    """An amount with thousands separators and two places; — for nothing."""
    if amount is None or amount == "":
        return clean_value(None)
    return f"{Decimal(amount):,.2f}"


@register.filter
def thousands(number) -> str:
    """A count with thousands separators (871,500), as the money is written; — for nothing."""
    if number is None or number == "":
        return clean_value(None)
    return f"{int(number):,}"


@register.simple_tag
def library_name() -> str:
    return getattr(settings, "SHUXIANG_LIBRARY_NAME", "")
