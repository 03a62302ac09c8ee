"""The organisation's name as documents print it: the default site's name, else the
``WAGTAIL_SITE_NAME`` setting."""

from django.conf import settings


def organisation_name() -> str:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).only("site_name").first()
    return (site.site_name if site and site.site_name else "") or settings.WAGTAIL_SITE_NAME
