"""The five-year plan: its item tree, annual targets, periods, progress reports,
partner contributions and indicators. Rules that span rows live in services/plan.py;
the reports' evidence files in evidence.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .base import ScopedQuerySet, VisibleToMixin
from .org import OrgUnit

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
# A plausible year: a typo such as 20255 must not create 18,000 years of periods.
YEARS = [MinValueValidator(1950), MaxValueValidator(2100)]
MAX_PLAN_YEARS = 10


class Plan(models.Model):
    """One approved development plan (e.g. the 14th five-year plan, 2021–2025)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEARS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEARS)
    approval_reference = models.CharField(_("approval reference"), max_length=100, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    introduction = models.TextField(_("introduction"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_years_in_order",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(end_year__lt=models.F("start_year") + MAX_PLAN_YEARS),
                name="plan_at_most_ten_years",
                violation_error_message=_("A plan covers at most ten years."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.start_year}—{self.end_year}）"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanItemQuerySet(VisibleToMixin, MP_NodeQuerySet):
    def for_plan(self, plan: Plan) -> PlanItemQuerySet:
        return self.filter(plan=plan)

    def reportable(self) -> PlanItemQuerySet:
        """Leaf items with a lead unit: the ones that get a progress report each period."""
        return self.filter(numchild=0, lead_unit__isnull=False)

    def active_in(self, year: int) -> PlanItemQuerySet:
        return self.filter(
            Q(start_year__isnull=True) | Q(start_year__lte=year),
            Q(end_year__isnull=True) | Q(end_year__gte=year),
        )


class PlanItemManager(MP_NodeManager.from_queryset(PlanItemQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep ours (and path order).
        return PlanItemQuerySet(self.model, using=self._db).order_by("path")


class PlanItem(MP_Node):
    """A node of the plan's outline, numbered as written (一、 （一） （1） ① 1、)."""

    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("Chapter")
        AREA = "area", _("Task area")
        SECTION = "section", _("Section")
        TASK = "task", _("Task")
        SUBTASK = "subtask", _("Subtask")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("full text"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    lead_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_plan_items",
        verbose_name=_("lead unit"),
    )
    partner_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="partnered_plan_items", verbose_name=_("partner units")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, validators=YEARS
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=YEARS
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Share of this item in its parent's progress, relative to its siblings."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
        help_text=_("Rolled up from accepted progress reports."),
    )

    objects = PlanItemManager()
    node_order_by: list[str] = []  # document order: children are appended as written

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["path"]
        indexes = [models.Index(fields=["plan", "lead_unit"])]
        # Given on one item to its responsible person (an owner grant), by a service.
        permissions = [("report_planitem", _("Can report progress on the plan item"))]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="plan_item_weight_positive"),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="plan_item_years_in_order",
                violation_error_message=_("The end year cannot come before the start year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}{self.title}" if self.number else self.title


class AnnualTarget(models.Model):
    """What an item should achieve in one year of the plan."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="annual_targets", verbose_name=_("item")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    description = models.TextField(_("target"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("measurable target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("unit of measure"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        ordering = ["item__path", "year"]
        constraints = [
            models.UniqueConstraint(fields=["item", "year"], name="annual_target_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.year}"


class Period(models.Model):
    """A reporting period of a plan (a quarter); closed periods lock their reports."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("plan")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "quarter"], name="period_once"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def end_date(self) -> dt.date:
        month = self.quarter * 3
        if month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, month + 1, 1) - dt.timedelta(days=1)


class ProgressReport(models.Model):
    """The lead unit's report on one item for one period, reviewed by the planning office."""

    class Health(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="reports", verbose_name=_("item")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    percent = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    health = models.CharField(_("health"), max_length=10, choices=Health.choices)
    narrative = models.TextField(_("what was done"))
    next_steps = models.TextField(_("next steps"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("author"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, editable=False)
    review_comment = models.TextField(_("review comment"), blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period__year", "-period__quarter", "item__path"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period"], name="report_once_a_period"),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="report_percent_0_to_100"
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]
        permissions = [("review_progressreport", _("Can accept or return progress reports"))]

    def __str__(self) -> str:
        return f"{self.item} · {self.period}"


class Contribution(models.Model):
    """A partner unit's part in an item for one period; the lead unit reads it when reporting."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("item")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner unit")
    )
    text = models.TextField(_("contribution"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner contribution")
        verbose_name_plural = _("partner contributions")
        ordering = ["item__path", "period", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period", "unit"], name="contribution_once_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item} · {self.period}"


class Indicator(ClusterableModel):
    """A measurable plan indicator with its baseline, final target and yearly values."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative (yearly amounts add up to the target)")
        LEVEL = "level", _("Level (the last year reaches the target)")

    class Nature(models.TextChoices):
        # 属性 in a plan's indicator table: whether the target is a commitment.
        EXPECTED = "expected", _("Expected (预期性)")
        BINDING = "binding", _("Binding (约束性)")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        COMPUTED = "computed", _("Computed by the system")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    measure_unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.LEVEL)
    nature = models.CharField(_("attribute"), max_length=10, choices=Nature.choices, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    final_target = models.DecimalField(_("final target"), max_digits=14, decimal_places=2)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    provider = models.CharField(
        _("computed by"),
        max_length=60,
        blank=True,
        help_text=_("For computed indicators: the provider that supplies the actuals."),
    )
    items = models.ManyToManyField(
        PlanItem, blank=True, related_name="indicators", verbose_name=_("linked items")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorYear(models.Model):
    """An indicator's target and actual for one year, with where the actual came from."""

    indicator = ParentalKey(
        Indicator, on_delete=models.CASCADE, related_name="years", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual_source = models.CharField(_("actual from"), max_length=100, blank=True)
    actual_recorded_at = models.DateTimeField(_("actual recorded at"), null=True, blank=True)
    actual_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actual recorded by"),
    )

    panels = [FieldRowPanel([FieldPanel("year"), FieldPanel("target"), FieldPanel("actual")])]

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator year")
        verbose_name_plural = _("indicator years")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}"
