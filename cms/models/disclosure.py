"""Information disclosure (信息公开): the register of what the library makes public.

Each disclosure is a page under the disclosure index, so it is drafted, approved through
the moderation workflow, published, searched and withdrawn (unpublished) like every
page; deletion is refused (``cms.wagtail_hooks``) so a withdrawn item stays on record.
Its index number (索引号) is given once, by rule, when the item is first saved.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from reporting.organisation import organisation_name

from .site import Attachment, SearchableText, _plain


class DisclosureCategory(models.Model):
    """One class of the disclosure catalogue (公开目录); its code goes into index numbers."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("order")]

    class Meta:
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class DisclosureSequence(models.Model):
    """The last serial number given in a category and year (rows locked while one is
    given, so two editors saving at once never share a number)."""

    category = models.ForeignKey(DisclosureCategory, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "year"], name="disclosure_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.year}: {self.last}"


class DisclosureIndexPage(SearchableText, Page):
    """信息公开: the catalogue and the list of disclosures, by category and year."""

    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]
    subpage_types = ["cms.DisclosurePage"]
    max_count = 1

    class Meta:
        verbose_name = _("information disclosure page")
        verbose_name_plural = _("information disclosure pages")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import disclosure_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(disclosure_listing(self, request.GET))
        return context

    def search_text(self) -> str:
        return " ".join([self.title, _plain(self.introduction)])


class DisclosurePage(SearchableText, Page):
    """One disclosure: a record of the register with its text and attachments."""

    class Validity(models.TextChoices):
        VALID = "valid", pgettext_lazy("validity", "In force")  # 有效
        REPEALED = "repealed", pgettext_lazy("validity", "Repealed")  # 废止

    class BudgetTable(models.TextChoices):
        NONE = "", _("None")
        BUDGET = "budget", _("Departmental budget")  # 部门预算
        FINAL_ACCOUNTS = "final_accounts", _("Departmental final accounts")  # 部门决算

    category = models.ForeignKey(
        DisclosureCategory, on_delete=models.PROTECT, related_name="disclosures",
        verbose_name=_("category"),
    )  # fmt: skip
    index_number = models.CharField(
        _("index number"), max_length=60, blank=True, editable=False, db_index=True
    )
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=100, default=organisation_name)
    created_on = models.DateField(
        _("created on"),
        default=timezone.localdate,
        help_text=_("The day the information was made or changed: it must be published "
                    "within 20 working days."),
    )  # fmt: skip
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    body = RichTextField(_("body"), blank=True)
    budget_table = models.CharField(
        _("budget table"), max_length=16, choices=BudgetTable.choices, blank=True,
        help_text=_("Shows the year's table from the budget records (totals by funding "
                    "source and department)."),
    )  # fmt: skip
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuing_body")]),
                FieldRowPanel(
                    [FieldPanel("created_on"), FieldPanel("validity"), FieldPanel("repealed_on")]
                ),
            ],
            heading=_("Register"),
        ),  # fmt: skip
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("budget_table"), FieldPanel("budget_year")])],
            heading=_("Budget table"),
        ),
        InlinePanel("attachments", label=_("attachments")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_bigrams"),
        index.FilterField("category_id"),
    ]
    parent_page_types = ["cms.DisclosureIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def clean(self):
        super().clean()
        errors = {}
        if self.validity == self.Validity.REPEALED and not self.repealed_on:
            errors["repealed_on"] = _("Give the day it was repealed.")
        if self.validity == self.Validity.VALID and self.repealed_on:
            errors["repealed_on"] = _("Only a repealed item has a repeal date.")
        if bool(self.budget_table) != bool(self.budget_year):
            errors["budget_year"] = _("A budget table needs its year, and a year its table.")
        if self.created_on and self.created_on > timezone.localdate():
            errors["created_on"] = _("This date is in the future.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.index_number and self.category_id and self.created_on:
            from cms.services import next_index_number

            self.index_number = next_index_number(self.category, self.created_on.year)
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        # The index number is given once; a draft or an old revision never takes it back.
        obj = super().with_content_json(content)
        obj.index_number = self.index_number
        return obj

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.budget_table and self.budget_year:
            from cms.selectors import budget_table

            context["budget"] = budget_table(self.budget_table, self.budget_year)
        return context

    @property
    def published_on(self) -> dt.date | None:
        first = self.first_published_at
        return timezone.localdate(first) if first else None

    def search_text(self) -> str:
        parts = [self.excerpt_text(), self.index_number, self.document_number,
                 self.issuing_body]  # fmt: skip
        parts += [a.title for a in self.attachments.all()]
        return " ".join(p for p in parts if p)

    def excerpt_text(self) -> str:
        return " ".join([self.title, _plain(self.body)])


class DisclosureAttachment(Attachment):
    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="attachments")
