"""Template tags of the admin home page."""

from django import template
from django.utils.translation import gettext as _
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.search import admin_search_areas

register = template.Library()


@register.simple_tag(takes_context=True)
def home_search(context):
    """The search the home page's box runs: the first search area the user may use (the
    one the sidebar's search box runs too) with its form, or None, and then no box at
    all — so a user without page permissions is never sent to Wagtail's page search."""
    areas = admin_search_areas.search_items_for_request(context["request"])
    if not areas:
        return None
    area = areas[0]
    return {
        "url": area.url,
        "form": SearchForm(placeholder=_("Search %(area)s…") % {"area": area.label}),
    }
