"""The plan in public: its areas, their progress and the indicators against targets, from
the plan's public-safe summary (no people, no units, no report texts, no unreviewed
figures), with the evaluations' stored summaries and the board's published resolutions on
the plan."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .site import SearchableText, _plain


class PlanPage(SearchableText, Page):
    plan = models.ForeignKey(
        "governance.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("plan"),
        limit_choices_to={"status__in": ["in_force", "closed"]},
    )  # fmt: skip
    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("plan"), FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("plan page")
        verbose_name_plural = _("plan pages")

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import plan_in_public

        context = super().get_context(request, *args, **kwargs)
        context.update(plan_in_public(self.plan))
        return context

    def search_text(self) -> str:
        return " ".join([self.title, _plain(self.introduction)])
