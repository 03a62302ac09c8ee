"""Template helpers for clean Chinese: ``{{ user|person }}`` (the person's name, never the
login), ``{{ value|clean }}`` (是/否, — for nothing), ``{% library_name %}``."""

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


@register.simple_tag
def library_name() -> str:
    return getattr(settings, "SHUXIANG_LIBRARY_NAME", "")
