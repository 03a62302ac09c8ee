"""The fixed-asset ledger by the government accounting rules (domain-rules.md §4): the
categories (GB/T 14885-2022's classes, their 政府会计制度 account, whether they depreciate
and their minimum useful life, 财会〔2017〕4号), the asset cards, and the monthly
depreciation runs with one charge per card.

A card's accumulated depreciation and the months charged are written only by the runs
(``assets.services``); its net value is the original value less the depreciation. Money
is ``Decimal`` yuan.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.models import OrgUnit

MONEY = {"max_digits": 14, "decimal_places": 2}


class TopClass(models.TextChoices):
    """GB/T 14885-2022's seven top classes (门类)."""

    BUILDINGS = "buildings", _("Buildings and structures")  # 房屋和构筑物
    EQUIPMENT = "equipment", _("Equipment")  # 设备
    HERITAGE = "heritage", _("Cultural relics and exhibits")  # 文物和陈列品
    BOOKS = "books", _("Books and archives")  # 图书和档案
    FURNITURE = "furniture", _("Furniture and fittings")  # 家具和用具
    LIVING = "living", _("Special animals and plants")  # 特种动植物
    MATERIALS = "materials", _("Materials")  # 物资


class Account(models.TextChoices):
    """The 政府会计制度 account (1601's six classes) an asset is booked under."""

    BUILDINGS = "buildings", _("Buildings and structures (房屋及构筑物)")
    SPECIAL = "special", _("Special equipment (专用设备)")
    GENERAL = "general", _("General equipment (通用设备)")
    HERITAGE = "heritage", _("Cultural relics and exhibits (文物和陈列品)")
    BOOKS = "books", _("Books and archives (图书档案)")
    FURNITURE = "furniture", _("Furniture, fittings, animals and plants (家具用具装具及动植物)")


class AssetCategory(models.Model):
    """A class of assets: its GB/T 14885 code, account, whether it depreciates and the
    shortest useful life a card of it may be given."""

    code = models.CharField(_("GB/T 14885 code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    top_class = models.CharField(_("top class"), max_length=12, choices=TopClass.choices)
    account = models.CharField(_("account"), max_length=12, choices=Account.choices)
    depreciable = models.BooleanField(_("depreciates"), default=True)
    min_life_months = models.PositiveSmallIntegerField(
        _("minimum useful life (months)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("asset category")
        verbose_name_plural = _("asset categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depreciable=False) | Q(min_life_months__gt=0),
                name="depreciable_category_has_a_minimum_life",
                violation_error_message=_("A category that depreciates has a minimum life."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Asset(models.Model):
    """An asset card."""

    class ValueBasis(models.TextChoices):
        COST = "cost", _("Cost")  # 成本
        APPRAISAL = "appraisal", _("Appraisal")  # 评估价值
        NOMINAL = "nominal", _("Nominal value (¥1)")  # 名义金额

    class Status(models.TextChoices):
        IN_USE = "in_use", _("In use")  # 在用
        IDLE = "idle", _("Idle")  # 闲置
        LENT = "lent", _("Lent out")  # 出借
        REPAIR = "repair", _("Under repair")  # 维修
        PENDING_DISPOSAL = "pending", _("Awaiting disposal")  # 待处置
        DISPOSED = "disposed", _("Disposed of")  # 已处置

    number = models.CharField(_("asset number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        AssetCategory, on_delete=models.PROTECT, related_name="assets", verbose_name=_("category")
    )
    model = models.CharField(_("model and specification"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    measure_unit = models.CharField(_("unit of measure"), max_length=10, default="台")
    original_value = models.DecimalField(
        _("original value (yuan)"), **MONEY, validators=[MinValueValidator(0)]
    )
    value_basis = models.CharField(
        _("value basis"), max_length=10, choices=ValueBasis.choices, default=ValueBasis.COST
    )
    acquired_on = models.DateField(_("date added"))
    funding_source = models.CharField(_("funding source"), max_length=50, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    invoice = models.CharField(_("invoice number"), max_length=50, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="assets", verbose_name=_("unit in custody")
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets_in_custody",
        verbose_name=_("person in custody"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_USE
    )
    life_months = models.PositiveSmallIntegerField(
        _("useful life (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
    )
    disposed_on = models.DateField(_("disposed of on"), null=True, blank=True)
    # Written by the depreciation runs only.
    accumulated_depreciation = models.DecimalField(
        _("accumulated depreciation (yuan)"), **MONEY, default=0, editable=False
    )
    months_charged = models.PositiveSmallIntegerField(
        _("months depreciated"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["number"]
        indexes = [models.Index(fields=["unit", "status"], name="asset_unit_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(accumulated_depreciation__lte=F("original_value")),
                name="depreciation_capped_at_cost",
                violation_error_message=_("Depreciation never exceeds the original value."),
            ),
            models.CheckConstraint(
                condition=~Q(value_basis="nominal") | Q(original_value=1),
                name="nominal_value_is_one_yuan",
                violation_error_message=_("An asset at nominal value is booked at ¥1."),
            ),
            models.CheckConstraint(
                condition=~Q(status="disposed") | Q(disposed_on__isnull=False),
                name="disposed_asset_has_its_date",
                violation_error_message=_("A disposed asset has the date it left."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def net_value(self):
        return self.original_value - self.accumulated_depreciation

    @property
    def depreciates(self) -> bool:
        return bool(
            self.category.depreciable
            and self.value_basis != self.ValueBasis.NOMINAL
            and self.life_months
        )

    def clean(self):
        """A card's life may not be below its category's minimum (财会〔2017〕4号)."""
        category = self.category if self.category_id else None
        if category is None or not category.depreciable:
            return
        if not self.life_months:
            raise ValidationError({"life_months": _("Give the useful life of the asset.")})
        if category.min_life_months and self.life_months < category.min_life_months:
            raise ValidationError(
                {
                    "life_months": _(
                        "%(category)s lasts at least %(months)s months (财会〔2017〕4号)."
                    )
                    % {"category": category.name, "months": category.min_life_months}
                }
            )


class DepreciationRun(models.Model):
    """One month's depreciation, posted and locked; a posted run is undone only whole, by
    a correcting run that takes back each of its charges."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    total = models.DecimalField(_("total (yuan)"), **MONEY, default=0)
    cards = models.PositiveIntegerField(_("cards charged"), default=0)
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("posted by"),
    )
    reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    # The month's run in force: posted and not reversed (a correcting run never is).
    live = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("depreciation run")
        verbose_name_plural = _("depreciation runs")
        ordering = ["-year", "-month", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"],
                condition=Q(live=True),
                name="one_depreciation_run_in_force_per_month",
                violation_error_message=_("This month's depreciation is already posted."),
            )
        ]

    def __str__(self) -> str:
        label = _("%(year)s-%(month)02d depreciation") % {"year": self.year, "month": self.month}
        return f"{label}（{_('correction')}）" if self.reverses_id else label


class DepreciationCharge(models.Model):
    """One card's charge in one run (negative in a correcting run)."""

    run = models.ForeignKey(
        DepreciationRun, on_delete=models.PROTECT, related_name="charges", verbose_name=_("run")
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="charges", verbose_name=_("asset")
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("depreciation charge")
        verbose_name_plural = _("depreciation charges")
        constraints = [
            models.UniqueConstraint(fields=["run", "asset"], name="one_charge_per_card_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run} · {self.asset_id} · {self.amount}"
