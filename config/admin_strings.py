"""Wagtail admin strings that Wagtail's own zh-hans catalogue leaves untranslated.

Listed here so `makemessages` copies them into our catalogue (which LOCALE_PATHS puts
first); nothing imports this module.
"""

from django.utils.translation import gettext_noop

WAGTAIL_STRINGS = [
    gettext_noop("Search all pages…"),
]
