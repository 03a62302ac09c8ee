"""The library's annual report as a public institution (事业单位法人年度报告).

Filed and published between 1 January and 31 March for the year before, in eight parts.
Its figures come from the apps (plan progress, staff, appraisal, budget execution, asset
movement, holdings) and are frozen the first time the report is published: a later
correction in a ledger never changes a published report. It is published only with the
board's adopted resolution on it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .site import Attachment, SearchableText, _plain

# The eight parts the registration authority asks for, in its order.
PARTS = (
    ("business", _("Business activities")),  # 开展业务活动情况
    ("assets_result", _("Assets and profit or loss")),  # 资产损益情况
    ("registration", _("Registration changes")),  # 对《条例》和实施细则有关变更登记规定的执行情况
    ("performance", _("Performance and awards")),  # 绩效和受奖惩情况
    ("lawsuits", _("Lawsuits")),  # 涉及诉讼情况
    ("complaints", _("Complaints from the public")),  # 社会投诉情况
    ("donations", _("Donations and their use")),  # 接受捐赠资助及其使用情况
    ("other", _("Other matters")),  # 其他
)


class AnnualReportIndexPage(Page):
    """年度报告: the reports, newest year first."""

    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["cms.AnnualReportPage"]
    max_count = 1

    class Meta:
        verbose_name = _("annual reports page")
        verbose_name_plural = _("annual reports pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["reports"] = (
            AnnualReportPage.objects.live().public().child_of(self).order_by("-year")
        )
        return context


class AnnualReportForm(WagtailAdminPageForm):
    """Publishing, or sending to approval, needs the board's adopted resolution."""

    def clean(self):
        cleaned = super().clean()
        publishing = "action-publish" in self.data or "action-submit" in self.data
        resolution = cleaned.get("resolution")
        if publishing:
            try:
                check_resolution(resolution, cleaned.get("year"))
            except ValidationError as error:
                self.add_error("resolution", error)
        return cleaned


def check_resolution(resolution, year) -> None:
    from governance.models import Resolution

    if resolution is None:
        raise ValidationError(_("The annual report is published only with the board's resolution."))
    if resolution.type != Resolution.Type.ANNUAL_REPORT:
        raise ValidationError(_("Choose a resolution on the annual report."))
    if resolution.outcome != Resolution.Outcome.ADOPTED:
        raise ValidationError(_("The board did not adopt this resolution."))
    if year and str(year) not in resolution.title:
        raise ValidationError(
            _("This resolution does not name the year %(year)s.") % {"year": year}
        )


class AnnualReportPage(RoutablePageMixin, SearchableText, Page):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    resolution = models.ForeignKey(
        "governance.Resolution", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("board resolution"),
        limit_choices_to={"type": "annual_report", "outcome": "adopted"},
    )  # fmt: skip
    business = RichTextField(PARTS[0][1], blank=True)
    assets_result = RichTextField(PARTS[1][1], blank=True)
    registration = RichTextField(PARTS[2][1], blank=True)
    performance = RichTextField(PARTS[3][1], blank=True)
    lawsuits = RichTextField(PARTS[4][1], blank=True)
    complaints = RichTextField(PARTS[5][1], blank=True)
    donations = RichTextField(PARTS[6][1], blank=True)
    other = RichTextField(PARTS[7][1], blank=True)
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    figures_frozen_at = models.DateTimeField(_("figures frozen"), null=True, editable=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("year"), FieldPanel("resolution")], heading=_("Report")),
        *[FieldPanel(name) for name, _label in PARTS],
        InlinePanel("attachments", label=_("attachments"),
                    help_text=_("The year-end balance sheet and the other statements filed "
                                "with the report.")),
    ]  # fmt: skip
    search_fields = [*Page.search_fields, index.SearchField("search_bigrams")]
    base_form_class = AnnualReportForm
    parent_page_types = ["cms.AnnualReportIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def save(self, *args, **kwargs):
        if self.live:
            try:
                check_resolution(self.resolution, self.year)
            except ValidationError as error:
                raise ValidationError({"resolution": error.messages}) from error
            if self.figures is None:
                from cms.selectors import report_figures

                self.figures = report_figures(self.year)
                self.figures_frozen_at = timezone.now()
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        # Frozen figures belong to the page, not to a revision: publishing a later draft
        # keeps them.
        obj = super().with_content_json(content)
        obj.figures, obj.figures_frozen_at = self.figures, self.figures_frozen_at
        return obj

    def parts(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, name)) for name, label in PARTS]

    def shown_figures(self) -> dict:
        """The frozen figures; on a draft's preview, today's, marked as not frozen."""
        if self.figures is not None:
            return self.figures
        from cms.selectors import report_figures

        return report_figures(self.year)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from cms.documents import figure_sections

        context["figure_sections"] = figure_sections(self.shown_figures())
        return context

    @path("")
    def report(self, request):
        return self.render(request)

    @path("pdf/")
    def pdf(self, request):
        from cms.documents import annual_report_pdf

        response = HttpResponse(annual_report_pdf(self), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="annual-report-{self.year}.pdf"'
        return response

    def search_text(self) -> str:
        return " ".join([self.title, *(_plain(getattr(self, name)) for name, _l in PARTS)])


class AnnualReportAttachment(Attachment):
    """A statement filed with the report (the year-end balance sheet and others)."""

    page = ParentalKey(AnnualReportPage, on_delete=models.CASCADE, related_name="attachments")
