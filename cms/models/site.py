"""The library's public site: the home page, content pages (opening hours, services,
rules), the county libraries, notices and the identifiers a Chinese public body's site
shows in its footer."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.search import bigrams


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    description = blocks.CharBlock(label=_("Description"), required=False)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("External link"), required=False)

    class Meta:
        icon = "link"
        label = _("Link")
        template = "cms/blocks/link.html"


class BodyBlock(blocks.StreamBlock):
    """What a content page is written in. Images need their alternative text (ImageBlock
    asks for it unless the image is marked decorative)."""

    heading = blocks.CharBlock(label=_("Heading"), form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    image = ImageBlock(label=_("Image"))
    table = TableBlock(label=_("Table"))


class SearchableText:
    """Pages whose words the site search finds: ``search_text()`` gives the page's plain
    text, indexed as Chinese character bigrams (cms.search)."""

    def search_text(self) -> str:
        return self.title

    def search_bigrams(self) -> str:
        return bigrams(self.search_text())

    def excerpt_text(self) -> str:
        """The text a search result quotes from (no query: what the page row holds)."""
        return self.search_text()


class HomePage(SearchableText, Page):
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
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = (
            NoticePage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:5]
        )
        return context

    def search_text(self) -> str:
        return " ".join([self.title, self.tagline, _plain(self.introduction), self.address])


class ContentPage(SearchableText, Page):
    """A page of text: opening hours and services, borrowing rules, about the library."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    def search_text(self) -> str:
        return " ".join([self.title, self.introduction, _stream_text(self.body)])


class BranchIndexPage(SearchableText, Page):
    """The public library network: the county (district) libraries with their addresses,
    phones and opening hours."""

    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        InlinePanel("branches", label=_("libraries")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("library network page")
        verbose_name_plural = _("library network pages")

    def search_text(self) -> str:
        parts = [self.title, _plain(self.introduction)]
        parts += [f"{b.name} {b.address}" for b in self.branches.all()]
        return " ".join(parts)

    def excerpt_text(self) -> str:
        return " ".join([self.title, _plain(self.introduction)])


class Branch(Orderable):
    page = ParentalKey(BranchIndexPage, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("address"), FieldPanel("phone"),
              FieldPanel("opening_hours")]  # fmt: skip

    class Meta(Orderable.Meta):
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name


class NoticeIndexPage(Page):
    """Notices (通知公告): closures, activities, recruitment, newest first."""

    subpage_types = ["cms.NoticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("notices page")
        verbose_name_plural = _("notices pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = (
            NoticePage.objects.live().public().child_of(self).order_by("-date", "-pk")
        )
        return context


class NoticePage(SearchableText, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    body = RichTextField(_("body"))

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]
    parent_page_types = ["cms.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def search_text(self) -> str:
        return " ".join([self.title, _plain(self.body)])


class Attachment(Orderable):
    """A document published with a page (a disclosure's attachments, the statements filed
    with an annual report); private while no page holding it is live (wagtail_hooks)."""

    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("document"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


@register_setting(icon="site")
class PublicIdentity(BaseSiteSetting):
    """What the footer of a Chinese public body's site must show: the ICP filing number
    (with its link to the MIIT filing system), the public-security filing number, the
    government website identifier, and who runs the site."""

    sponsor = models.CharField(_("run by"), max_length=100, blank=True)  # 主办单位
    icp_number = models.CharField(_("ICP filing number"), max_length=50, blank=True)
    police_number = models.CharField(_("public security filing number"), max_length=50,
                                     blank=True)  # fmt: skip
    site_code = models.CharField(_("website identifier"), max_length=30, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    panels = [FieldPanel("sponsor"), FieldPanel("icp_number"), FieldPanel("police_number"),
              FieldPanel("site_code"), FieldPanel("contact")]  # fmt: skip

    class Meta:
        verbose_name = _("site identifiers")


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html or "")


def _stream_text(stream) -> str:
    """The words of a StreamField: headings, paragraphs, table cells and image captions."""
    words = []
    for block in stream:
        value = block.value
        if block.block_type == "paragraph":
            words.append(_plain(value.source))
        elif block.block_type == "table":
            for row in (value or {}).get("data") or []:
                words += [str(cell) for cell in row if cell]
        elif block.block_type == "image":
            words.append(getattr(value, "contextual_alt_text", "") or "")
        else:
            words.append(str(value))
    return " ".join(words)
