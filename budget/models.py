"""Budget projects (项目库) and their money: the budget by funding source with its
adjustments, the monthly spending plan, the performance target table (绩效目标申报表) in
versions, and the expenditure lines from the accounting system's ledger.

A project belongs to the department that carries it (its unit); the plan items and plan
indicators it serves are linked to it, so a figure can be traced from the plan task to
the project to the indicator. Money is ``Decimal`` yuan (two places) throughout. The
rules, with their sources, are in ``domain-rules.md`` §1.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from governance.models import Indicator, OrgUnit, PlanItem

MONEY = {"max_digits": 14, "decimal_places": 2}
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal appropriation")  # 财政拨款
    CARRY_OVER = "carry_over", _("Carried over from last year")  # 上年结转
    OTHER = "other", _("Other funds")  # 其他资金


class BudgetProject(ClusterableModel):
    """One budget project of one year (项目库): who carries it, what it is, its funds by
    source and its monthly spending plan, and what in the plan it serves."""

    class Category(models.TextChoices):
        BASIC = "basic", _("Basic expenditure")  # 基本支出
        PROJECT = "project", _("Project expenditure")  # 项目支出

    class Attribute(models.TextChoices):
        NEW = "new", pgettext_lazy("project attribute", "New")  # 新增
        CONTINUING = "continuing", _("Continuing")  # 延续

    year = models.PositiveSmallIntegerField(_("budget year"), validators=YEAR)
    code = models.CharField(
        _("project code"),
        max_length=40,
        help_text=_("As the accounting system's project (auxiliary) code writes it."),
    )
    name = models.CharField(_("project name"), max_length=200)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="budget_projects",
        verbose_name=_("department"),
    )
    category = models.CharField(
        _("category"), max_length=8, choices=Category.choices, default=Category.PROJECT
    )
    attribute = models.CharField(
        _("attribute"), max_length=10, choices=Attribute.choices, default=Attribute.CONTINUING
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=YEAR)
    end_year = models.PositiveSmallIntegerField(_("end year"), validators=YEAR)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("person responsible"),
    )
    plan_items = models.ManyToManyField(
        PlanItem, blank=True, related_name="budget_projects", verbose_name=_("plan items served")
    )
    plan_indicators = models.ManyToManyField(
        Indicator,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("plan indicators served"),
    )
    description = models.TextField(_("description"), blank=True)
    execution_reason = models.TextField(
        _("reason for the low execution"),
        blank=True,
        help_text=_("Why the year's spending stayed below the warning rate (asked at year end)."),
    )

    class Meta:
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        ordering = ["-year", "code"]
        # The board's summary: totals by department and funding source, no project's lines.
        permissions = [("view_board_summary", _("Can read the budget summary for the board"))]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "code"],
                name="budget_project_code_unique_in_year",
                violation_error_message=_("A project with this code exists for this year."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("year"), end_year__gte=models.F("year")),
                name="budget_project_year_within_its_years",
                violation_error_message=_(
                    "The budget year must lie between the project's start and end years."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class ProjectFund(Orderable):
    """The budget of one funding source of a project as adopted at the start of the year
    (年初预算); adjustments during the year are ``BudgetAdjustment`` rows."""

    project = ParentalKey(
        BudgetProject, on_delete=models.CASCADE, related_name="funds", verbose_name=_("project")
    )
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    initial = models.DecimalField(
        _("initial budget (yuan)"), **MONEY, validators=[MinValueValidator(0)]
    )

    panels = [FieldRowPanel([FieldPanel("source"), FieldPanel("initial")])]

    class Meta(Orderable.Meta):
        verbose_name = _("funds")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source"],
                name="one_fund_per_source_per_project",
                violation_error_message=_("Each funding source is given once per project."),
            ),
            models.CheckConstraint(
                condition=Q(initial__gte=0),
                name="fund_initial_not_negative",
                violation_error_message=_("A budget is not negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_source_display()}"


class MonthlyPlan(Orderable):
    """The project's own spending plan: how much it means to spend in a month. When a
    project has one, its time schedule follows it instead of elapsed months / 12."""

    project = ParentalKey(
        BudgetProject,
        on_delete=models.CASCADE,
        related_name="monthly_plan",
        verbose_name=_("project"),
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = models.DecimalField(
        _("planned spending (yuan)"), **MONEY, validators=[MinValueValidator(0)]
    )

    panels = [FieldRowPanel([FieldPanel("month"), FieldPanel("amount")])]

    class Meta(Orderable.Meta):
        verbose_name = _("monthly spending plan")
        verbose_name_plural = _("monthly spending plan")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="one_planned_amount_per_month",
                violation_error_message=_("Each month is planned once."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12),
                name="planned_month_between_1_and_12",
                violation_error_message=_("A month is between 1 and 12."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month}"


class BudgetAdjustment(models.Model):
    """A change of a project's budget during the year (追加, 调减, 调剂), with the document
    that approved it; the full-year budget is the initial budget plus its adjustments."""

    project = models.ForeignKey(
        BudgetProject,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("project"),
    )
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), **MONEY, help_text=_("Positive to add, negative to reduce.")
    )
    reference = models.CharField(_("approval reference"), max_length=100)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")
        ordering = ["project", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="adjustment_not_zero",
                violation_error_message=_("An adjustment changes the budget."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.amount:+} ({self.reference})"


# -- the performance target table -------------------------------------------------------------


class Level1(models.TextChoices):
    OUTPUT = "output", _("Output indicators")  # 产出指标
    EFFECT = "effect", _("Effect indicators")  # 效益指标
    SATISFACTION = "satisfaction", _("Satisfaction indicators")  # 满意度指标


class Level2(models.TextChoices):
    """The fixed second level; each belongs to one first-level class (``LEVEL1_OF``)."""

    QUANTITY = "quantity", _("Quantity")  # 数量指标
    QUALITY = "quality", _("Quality")  # 质量指标
    TIMELINESS = "timeliness", _("Timeliness")  # 时效指标
    COST = "cost", _("Cost")  # 成本指标
    ECONOMIC = "economic", _("Economic effect")  # 经济效益指标
    SOCIAL = "social", _("Social effect")  # 社会效益指标
    ECOLOGICAL = "ecological", _("Ecological effect")  # 生态效益指标
    SUSTAINABLE = "sustainable", _("Sustainable impact")  # 可持续影响指标
    BENEFICIARIES = "beneficiaries", _("Beneficiaries' satisfaction")  # 服务对象满意度指标


LEVEL1_OF = {
    Level2.QUANTITY: Level1.OUTPUT,
    Level2.QUALITY: Level1.OUTPUT,
    Level2.TIMELINESS: Level1.OUTPUT,
    Level2.COST: Level1.OUTPUT,
    Level2.ECONOMIC: Level1.EFFECT,
    Level2.SOCIAL: Level1.EFFECT,
    Level2.ECOLOGICAL: Level1.EFFECT,
    Level2.SUSTAINABLE: Level1.EFFECT,
    Level2.BENEFICIARIES: Level1.SATISFACTION,
}


class TargetTable(ClusterableModel):
    """One version of a project's performance target table: the goals and the indicator
    tree. A head drafts it, finance approves it (批复), which locks it; a change after
    approval is a new version (an adjustment) that keeps the approved one readable until
    it is approved in turn."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", pgettext_lazy("targets", "Approved")
        SUPERSEDED = "superseded", _("Superseded by an adjustment")

    project = models.ForeignKey(
        BudgetProject,
        on_delete=models.PROTECT,
        related_name="target_tables",
        verbose_name=_("project"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    overall_goal = models.TextField(_("overall goal"), blank=True)
    annual_goal = models.TextField(_("annual goal"), blank=True)
    reason = models.TextField(
        _("reason for the adjustment"),
        blank=True,
        help_text=_("Why the approved targets change (an adjustment's version only)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approval_reference = models.CharField(_("approval reference"), max_length=100, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("performance target table")
        verbose_name_plural = _("performance target tables")
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"],
                name="target_table_version_unique",
                violation_error_message=_("This version of the table exists."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="approved"),
                name="one_approved_target_table_per_project",
                violation_error_message=_("A project has one approved target table."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["draft", "submitted"]),
                name="one_open_target_table_per_project",
                violation_error_message=_("A project has one table in preparation at a time."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(project)s targets v%(version)s") % {
            "project": self.project,
            "version": self.version,
        }

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.SUPERSEDED)


class TargetIndicator(Orderable):
    """A third-level indicator: free text under a fixed second level, with its operator,
    target and points (分值)."""

    class Operator(models.TextChoices):
        EQ = "eq", "="
        GE = "ge", "≥"
        LE = "le", "≤"
        QUALITATIVE = "qual", _("qualitative")

    table = ParentalKey(
        TargetTable, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("table")
    )
    level2 = models.CharField(_("second-level indicator"), max_length=14, choices=Level2.choices)
    name = models.CharField(_("third-level indicator"), max_length=200)
    operator = models.CharField(_("operator"), max_length=4, choices=Operator.choices)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_text = models.CharField(
        _("qualitative target"),
        max_length=100,
        blank=True,
        help_text=_("For a qualitative indicator: 效果明显, 达成预期指标…"),
    )
    measure_unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    plan_indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan indicator"),
        help_text=_("The plan indicator whose figure this indicator reports, if any."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(operator="qual", target_value__isnull=True)
                | (~Q(operator="qual") & Q(target_value__isnull=False)),
                name="target_value_unless_qualitative",
                violation_error_message=_(
                    "A qualitative indicator has a text target; the others a value."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(operator="qual") | ~Q(target_text=""),
                name="qualitative_target_has_text",
                violation_error_message=_("Write the qualitative target."),
            ),
        ]

    panels = [
        FieldRowPanel([FieldPanel("level2"), FieldPanel("name")]),
        FieldRowPanel(
            [
                FieldPanel("operator"),
                FieldPanel("target_value"),
                FieldPanel("target_text"),
                FieldPanel("measure_unit"),
                FieldPanel("points"),
            ]
        ),
        FieldPanel("plan_indicator"),
    ]

    def __str__(self) -> str:
        return self.name

    @property
    def level1(self) -> str:
        return LEVEL1_OF[self.level2]


# -- spending ---------------------------------------------------------------------------------


class Expenditure(models.Model):
    """One expenditure line: imported from the accounting system's ledger (identified by
    its fingerprint, so re-importing the same months changes nothing) or entered by
    finance to correct it."""

    class Origin(models.TextChoices):
        LEDGER = "ledger", _("Ledger import")
        MANUAL = "manual", _("Entered by hand")

    project = models.ForeignKey(
        BudgetProject,
        on_delete=models.PROTECT,
        related_name="expenditures",
        verbose_name=_("project"),
    )
    date = models.DateField(_("date"), db_index=True)
    voucher = models.CharField(_("voucher number"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    source = models.CharField(
        _("funding source"),
        max_length=10,
        choices=FundingSource.choices,
        default=FundingSource.FISCAL,
    )
    origin = models.CharField(
        _("origin"), max_length=6, choices=Origin.choices, default=Origin.MANUAL
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-date", "voucher", "pk"]
        indexes = [models.Index(fields=["project", "date"], name="expenditure_project_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(origin="ledger"),
                name="ledger_line_imported_once",
                violation_error_message=_("This ledger line is already imported."),
            ),
            models.CheckConstraint(
                condition=Q(origin="manual") | ~Q(fingerprint=""),
                name="ledger_line_has_fingerprint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.voucher} {self.amount}"


# -- the year-end self-evaluation -------------------------------------------------------------


class Band(models.TextChoices):
    """How far a qualitative indicator was achieved (财预〔2020〕10号's three bands; their
    share of the points is a setting)."""

    ACHIEVED = "achieved", _("Achieved")  # 达成预期指标
    PARTIAL = "partial", _("Partly achieved, with some effect")  # 部分达成并具有一定效果
    NOT_ACHIEVED = "not", _("Not achieved, little effect")  # 未达成预期指标且效果较差


class SelfEvaluation(models.Model):
    """A project's year-end self-evaluation (项目支出绩效自评表): the funds as they ended
    the year (frozen when the evaluation is made), the execution score, each indicator's
    actual and score, the total and the grade. The department fills it in, finance
    confirms it, which locks it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to finance")
        CONFIRMED = "confirmed", _("Confirmed")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent (优)")
        GOOD = "good", _("Good (良)")
        FAIR = "fair", _("Fair (中)")
        POOR = "poor", _("Poor (差)")

    project = models.OneToOneField(
        BudgetProject,
        on_delete=models.PROTECT,
        related_name="self_evaluation",
        verbose_name=_("project"),
    )
    table = models.ForeignKey(
        TargetTable,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("targets evaluated"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    initial = models.DecimalField(_("initial budget (yuan)"), **MONEY)
    full_year = models.DecimalField(_("full-year budget (yuan)"), **MONEY)
    spent = models.DecimalField(_("spent in the year (yuan)"), **MONEY)
    execution_points = models.DecimalField(
        _("points of the execution rate"), max_digits=5, decimal_places=2
    )
    execution_score = models.DecimalField(_("execution score"), max_digits=5, decimal_places=2)
    goal_result = models.TextField(_("what the year achieved"), blank=True)
    total = models.DecimalField(
        _("total score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")
        ordering = ["-project__year", "project__code"]

    def __str__(self) -> str:
        return _("%(project)s self-evaluation") % {"project": self.project}


class FundResult(models.Model):
    """One funding source's line of the self-evaluation's funds block, as the year ended."""

    evaluation = models.ForeignKey(
        SelfEvaluation,
        on_delete=models.CASCADE,
        related_name="funds",
        verbose_name=_("self-evaluation"),
    )
    source = models.CharField(_("funding source"), max_length=10, choices=FundingSource.choices)
    initial = models.DecimalField(_("initial budget (yuan)"), **MONEY)
    full_year = models.DecimalField(_("full-year budget (yuan)"), **MONEY)
    spent = models.DecimalField(_("spent in the year (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("funds")
        verbose_name_plural = _("funds")
        ordering = ["evaluation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "source"], name="one_fund_result_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_source_display()}"


class IndicatorResult(models.Model):
    """One indicator's actual and score: ≥ actual/target × points, ≤ target/actual ×
    points (both capped at the points), = the smaller of the two ratios, qualitative by its
    band; a reason wherever points were lost."""

    evaluation = models.ForeignKey(
        SelfEvaluation,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("self-evaluation"),
    )
    indicator = models.ForeignKey(
        TargetIndicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    actual_value = models.DecimalField(
        _("actual value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    band = models.CharField(_("achievement"), max_length=8, choices=Band.choices, blank=True)
    actual_text = models.CharField(_("what was achieved"), max_length=200, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason for the deviation and what will be done"), blank=True)

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["evaluation", "indicator__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="one_result_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.score}"


# -- in-year monitoring ------------------------------------------------------------------------


class Monitoring(models.Model):
    """The dual monitoring (绩效运行监控) of a project to the end of a month: the spending
    against the time schedule (frozen when submitted) and, per indicator, what has been
    done, what the year is expected to reach, why it deviates and what is done about it.
    The department fills it in, finance reviews it (reviewed: locked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to finance")
        REVIEWED = "reviewed", _("Reviewed")

    project = models.ForeignKey(
        BudgetProject,
        on_delete=models.PROTECT,
        related_name="monitorings",
        verbose_name=_("project"),
    )
    month = models.PositiveSmallIntegerField(
        _("to the end of month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    table = models.ForeignKey(
        TargetTable, on_delete=models.PROTECT, related_name="+", verbose_name=_("targets monitored")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    budget = models.DecimalField(_("full-year budget (yuan)"), **MONEY)
    spent = models.DecimalField(_("spent to the month (yuan)"), **MONEY)
    expected = models.DecimalField(_("spending the time schedule expects (yuan)"), **MONEY)
    progress = models.TextField(_("progress towards the annual goal"), blank=True)
    review_comment = models.TextField(_("finance's review"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        verbose_name = _("performance monitoring")
        verbose_name_plural = _("performance monitoring")
        ordering = ["-project__year", "project__code", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="one_monitoring_per_project_and_month",
                violation_error_message=_("This project is already monitored to this month."),
            )
        ]

    def __str__(self) -> str:
        return _("%(project)s monitoring to %(month)s月") % {
            "project": self.project,
            "month": self.month,
        }


class MonitoringLine(models.Model):
    """One indicator's line of the monitoring."""

    monitoring = models.ForeignKey(
        Monitoring, on_delete=models.CASCADE, related_name="lines", verbose_name=_("monitoring")
    )
    indicator = models.ForeignKey(
        TargetIndicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    cumulative = models.DecimalField(
        _("done so far"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected = models.DecimalField(
        _("expected for the year"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    text = models.CharField(
        _("progress in words"), max_length=200, blank=True,
        help_text=_("For a qualitative indicator."),
    )  # fmt: skip
    from_plan = models.BooleanField(_("figure from the plan"), default=False)
    deviation_reason = models.TextField(_("reason for the deviation"), blank=True)
    correction = models.TextField(_("corrective measures"), blank=True)
    adjust_target = models.BooleanField(_("the target needs adjusting"), default=False)

    class Meta:
        verbose_name = _("monitoring line")
        verbose_name_plural = _("monitoring lines")
        ordering = ["monitoring", "indicator__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring", "indicator"], name="one_monitoring_line_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.cumulative}"

    @property
    def deviates(self) -> bool:
        """Whether the year is expected to miss the target (a ≥ below it, a ≤ above it,
        an = off it)."""
        target, expected = self.indicator.target_value, self.expected
        if target is None or expected is None:
            return False
        operator = self.indicator.operator
        if operator == TargetIndicator.Operator.GE:
            return expected < target
        if operator == TargetIndicator.Operator.LE:
            return expected > target
        return expected != target
