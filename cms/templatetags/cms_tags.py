"""The public site's frame: its home page (name, address, hours for the header and
footer) and its navigation (the home page's children shown in menus)."""

from django import template
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def site_home(context):
    """The site's home page (specific), once per request."""
    request = context.get("request")
    if request is None:
        return None
    if not hasattr(request, "_cms_home"):
        site = Site.find_for_request(request)
        request._cms_home = site.root_page.specific if site else None
    return request._cms_home


@register.simple_tag(takes_context=True)
def site_menu(context):
    """The pages of the main navigation: the home page's live children shown in menus."""
    home = site_home(context)
    if home is None:
        return []
    return list(home.get_children().live().public().in_menu().order_by("path"))


@register.filter
def is_in(page, current) -> bool:
    """Whether ``current`` is ``page`` or below it (the navigation marks its section)."""
    return bool(current and getattr(current, "path", "").startswith(page.path))


@register.filter
def yuan(value) -> str:
    """An amount of money with thousands separators and two decimals; — when none."""
    from cms.documents import money

    return money(value)
