from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_cached_pages(sender, **kwargs):
    from .services import forget_cached_pages

    forget_cached_pages()


def _forget_on_change(sender, created=False, **kwargs):
    # Wagtail makes a site's settings row, empty, the first time a page reads it: that
    # changes nothing the pages show, and must not empty the cache on every first visit.
    if not created:
        _forget_cached_pages(sender)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Website")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import PageViewRestriction, Site, get_page_models
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import DisclosureCategory, PublicIdentity

        # Signals rather than the admin's after_publish_page hooks: scheduled publishing
        # (manage.py publish_scheduled) publishes and unpublishes without the admin's views.
        # A saved page is only a draft until it is published; a deleted one is gone at once;
        # a page made private must stop being served from the cache at once.
        # Each signal for its senders only: a post_delete listener on every model would
        # turn Django's fast bulk deletes into row-by-row ones.
        receivers = [(page_published, None), (page_unpublished, None), (post_page_move, None)]
        receivers += [
            (signal, model)
            for signal in (post_save, post_delete)
            for model in (PageViewRestriction, Site, DisclosureCategory)
        ]
        receivers += [(post_delete, model) for model in get_page_models()]
        for signal, sender in receivers:
            signal.connect(_forget_cached_pages, sender=sender, dispatch_uid="cms_forget_pages")
        post_save.connect(_forget_on_change, sender=PublicIdentity, dispatch_uid="cms_forget_pages")
