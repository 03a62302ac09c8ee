"""Public website pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    description = blocks.CharBlock(label=_("Description"), required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("External link"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")
        template = "cms/blocks/link.html"


class HomePage(Page):
    """The site root: the library's name, an introduction and the main links."""

    library_name = models.CharField(_("library name"), max_length=100)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    introduction = RichTextField(_("introduction"), blank=True)
    links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("links"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("library_name"),
        FieldPanel("tagline"),
        FieldPanel("introduction"),
        FieldPanel("links"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("opening_hours"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")
