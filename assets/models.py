"""The fixed-asset ledger by the government accounting rules (domain-rules.md §4): the
categories (GB/T 14885-2022's classes, their 政府会计制度 account, whether they depreciate
and their minimum useful life, 财会〔2017〕4号), the asset cards, and the monthly
depreciation runs with one charge per card.

Straight-line depreciation has a closed form, so a card stores only its basis: the
depreciation and months brought forward (by an import, or when its value or life changed)
and the months its schedule runs over (``charge_from`` … ``charge_until``). Its depreciation
at the end of any month is computed from those in SQL (``AssetQuerySet.with_depreciation``),
so a month's run only inserts its charges — the difference between two months — and every
page reads the figure the runs charged. When a month starts and ends (the month an asset is
added, the month it leaves) are settings applied in one place, ``first_month`` and
``last_month``. Money is ``Decimal`` yuan.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Least, Round
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from governance.models import EvidenceFile, OrgUnit
from governance.people import person_name
from reporting.storages import get_private_storage

MONEY = {"max_digits": 14, "decimal_places": 2}
ASSET_FILE_EXTENSIONS = ("jpg", "jpeg", "png", "pdf", "docx", "xlsx")


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


def month_index(day) -> int:
    """A month as one integer (January 2025 is 2025 × 12), so SQL can count months."""
    return day.year * 12 + day.month - 1


def month_of(index: int) -> tuple[int, int]:
    """(year, month) of a ``month_index``."""
    return index // 12, index % 12 + 1


def first_month(acquired_on) -> int:
    """The first month a card is charged. By default (政府会计制度 as the asset systems apply
    it: 当月增加当月计提) the month it is added; ``SHUXIANG_ASSET_DEPRECIATION_FROM =
    "next_month"`` starts the month after."""
    later = settings.SHUXIANG_ASSET_DEPRECIATION_FROM != "added_month"
    return month_index(acquired_on) + (1 if later else 0)


def last_month(disposed_on) -> int:
    """The last month a card that left is charged: by default the month before it left
    (当月减少当月不再计提); ``SHUXIANG_ASSET_CHARGE_LEAVING_MONTH`` charges that month too."""
    return month_index(disposed_on) - (0 if settings.SHUXIANG_ASSET_CHARGE_LEAVING_MONTH else 1)


def latest_posted_month() -> int | None:
    """The month of the latest run in force, as a ``month_index``."""
    run = DepreciationRun.objects.filter(live=True).order_by("-year", "-month").first()
    return run.year * 12 + run.month - 1 if run else None


def _exact(expression):
    """``expression`` ready to divide: PostgreSQL divides numerics exactly; SQLite keeps
    100.00 as the integer 100 (and Django casts decimals back to it), so divide its REAL."""
    if connection.vendor == "sqlite":
        return Cast(expression, FloatField())
    return expression


def schedule(month, prefix: str = "") -> tuple:
    """SQL expressions of a card's depreciation and months charged since its basis, at the
    end of ``month`` (a ``month_index``, or an expression of one): straight-line without
    residual value, ``n`` months of ``life − months brought forward`` charged as
    ``round(remaining × n / months left, 2)`` — the last month takes what remains, so the
    rounding never adds up past the cost — and nothing for a class that does not
    depreciate, a nominal-value card or one without a life. ``prefix`` reaches the card
    through a relation ("asset__")."""
    field = lambda name: F(prefix + name)  # noqa: E731
    month = Value(month) if isinstance(month, int) else month
    whole = models.IntegerField()
    end = Least(month, Coalesce(field("charge_until"), month, output_field=whole),
                output_field=whole)  # fmt: skip
    n = ExpressionWrapper(end - field("charge_from") + Value(1), output_field=whole)
    span = ExpressionWrapper(field("life_months") - field("carried_months"), output_field=whole)
    remaining = field("original_value") - field("carried_depreciation")
    idle = Q(**{f"{prefix}category__depreciable": False}) | Q(**{f"{prefix}value_basis": "nominal"})
    idle |= ~Q(**{f"{prefix}life_months__gt": 0})  # no life (or none given)
    share = FloatField() if connection.vendor == "sqlite" else models.DecimalField(**MONEY)
    charged = Case(
        When(idle, then=Value(0)),
        When(LessThanOrEqual(n, 0), then=Value(0)),
        When(GreaterThanOrEqual(n, span), then=remaining),
        default=Round(ExpressionWrapper(_exact(remaining) * n / span, output_field=share), 2),
        output_field=models.DecimalField(**MONEY),
    )
    months = Case(
        When(idle, then=Value(0)),
        When(LessThanOrEqual(n, 0), then=Value(0)),
        When(GreaterThanOrEqual(n, span), then=span),
        default=n,
        output_field=models.IntegerField(),
    )
    return charged, months


class AssetQuerySet(models.QuerySet):
    # What a card's schedule rests on: changed only through ``Asset.save`` (which carries
    # the depreciation so far forward), never by a bare update that would rewrite history.
    SCHEDULE_FIELDS = frozenset(
        {"original_value", "life_months", "category", "category_id", "value_basis",
         "acquired_on", "carried_depreciation", "carried_months", "charge_from"}
    )  # fmt: skip

    def with_depreciation(self, month: int | None = None):
        """Annotate ``depreciation_to_date`` and ``months_to_date``: at the end of ``month``
        (a ``month_index``), by default of the latest month posted."""
        if month is None:
            latest = DepreciationRun.objects.filter(live=True).order_by("-year", "-month")
            index = latest.annotate(index=F("year") * 12 + F("month") - 1).values("index")
            month = Coalesce(Subquery(index[:1]), Value(-1))
        charged, months = schedule(month)
        return self.annotate(
            depreciation_to_date=F("carried_depreciation") + charged,
            months_to_date=F("carried_months") + months,
        )

    def update(self, **kwargs):
        touched = self.SCHEDULE_FIELDS & set(kwargs)
        if touched:
            raise TypeError(f"Change {sorted(touched)} card by card with Asset.save().")
        if "disposed_on" in kwargs:
            kwargs["charge_until"] = _charge_until(kwargs["disposed_on"])
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        latest = latest_posted_month()
        for asset in objs:
            if asset.charge_from is None:
                asset.plan(latest)
        return super().bulk_create(objs, *args, **kwargs)


def _charge_until(disposed_on, latest: int | None = None, *, look: bool = True) -> int | None:
    """The last month a card that left is charged — never before a month already posted
    (what a run charged stays charged)."""
    if disposed_on is None:
        return None
    if look:
        latest = latest_posted_month()
    return max(last_month(disposed_on), latest if latest is not None else -1)


class Asset(models.Model):
    """An asset card."""

    class ValueBasis(models.TextChoices):
        COST = "cost", pgettext_lazy("value basis", "Cost")  # 成本
        APPRAISAL = "appraisal", pgettext_lazy("value basis", "Appraisal")  # 评估价值
        NOMINAL = "nominal", pgettext_lazy("value basis", "Nominal value (¥1)")  # 名义金额

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
    # The schedule's basis (see the module): written by ``save``, ``plan`` and the import.
    carried_depreciation = models.DecimalField(
        _("depreciation brought forward (yuan)"), **MONEY, default=0, editable=False
    )
    carried_months = models.PositiveSmallIntegerField(
        _("months brought forward"), default=0, editable=False
    )
    charge_from = models.PositiveIntegerField(_("charged from (month)"), editable=False)
    charge_until = models.PositiveIntegerField(
        _("charged until (month)"), null=True, editable=False
    )
    # The latest run in force when the basis was last brought forward, and how many months
    # its charge covered: reversing that run takes its charge back out of the basis.
    basis_run = models.ForeignKey(
        "DepreciationRun", on_delete=models.SET_NULL, null=True, editable=False,
        related_name="+", verbose_name=_("basis run"),
    )  # fmt: skip
    basis_run_months = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["number"]
        indexes = [models.Index(fields=["unit", "status"], name="asset_unit_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(carried_depreciation__lte=F("original_value")),
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

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if self._state.adding:
            if self.charge_from is None:
                self.plan(latest_posted_month())
        elif loaded is not None:
            changed = {k for k, v in loaded.items() if getattr(self, k) != v}
            if changed - {"disposed_on"}:
                self._carry_forward()
            elif "disposed_on" in changed:
                self.charge_until = _charge_until(self.disposed_on)
            if changed and kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], *self.BASIS}
        super().save(*args, **kwargs)
        self._remember()
        self._forget_figures()

    # Loaded to tell, on save, whether the schedule changed.
    WATCHED = ("original_value", "life_months", "category_id", "value_basis", "acquired_on",
               "disposed_on")  # fmt: skip
    BASIS = ("carried_depreciation", "carried_months", "charge_from", "charge_until", "basis_run",
             "basis_run_months")  # fmt: skip

    @classmethod
    def from_db(cls, db, field_names, values):
        card = super().from_db(db, field_names, values)
        card._remember()
        return card

    def _remember(self) -> None:
        self._loaded = {k: self.__dict__[k] for k in self.WATCHED if k in self.__dict__}

    def refresh_from_db(self, *args, **kwargs):
        self._forget_figures()
        super().refresh_from_db(*args, **kwargs)
        self._remember()

    def _forget_figures(self) -> None:
        self.__dict__.pop("depreciation_to_date", None)
        self.__dict__.pop("months_to_date", None)

    def plan(self, latest: int | None, *, charged_through: int | None = None) -> None:
        """Set a new card's schedule: charged from the month it is added — a card entered
        before the first run catches up in it; one entered later starts after the latest
        month posted — or, for one brought in with its depreciation, from the month after
        ``charged_through``."""
        start = first_month(self.acquired_on)
        for month in (latest, charged_through):
            if month is not None:
                start = max(start, month + 1)
        self.charge_from = start
        self.charge_until = _charge_until(self.disposed_on, latest, look=False)

    def _carry_forward(self) -> None:
        """A change of value, life, class or date: the depreciation so far (by the old
        schedule, to the latest month posted) is brought forward, and what remains of the
        value is spread over the months left, from the month after."""
        latest = latest_posted_month()
        if latest is None:  # nothing charged yet: only the start may move
            self.plan(None, charged_through=self.charge_from - 1 if self.carried_months else None)
            return
        runs = DepreciationRun.objects.filter(live=True).order_by("-year", "-month")[:2]
        run, *earlier = runs
        charged, months = schedule(latest)
        _earlier, months_before = schedule(earlier[0].year * 12 + earlier[0].month - 1 if earlier
                                           else -1)  # fmt: skip
        before = type(self).objects.filter(pk=self.pk).values(
            depreciation=F("carried_depreciation") + charged,
            months=F("carried_months") + months,
            in_run=months - months_before,
        ).get()  # fmt: skip
        self.carried_depreciation = before["depreciation"]
        self.carried_months = before["months"]
        self.charge_from = max(first_month(self.acquired_on), latest + 1)
        self.charge_until = _charge_until(self.disposed_on, latest, look=False)
        self.basis_run, self.basis_run_months = run, before["in_run"]

    def take_back(self, run: DepreciationRun, amount) -> None:
        """``run`` is reversed after this card's basis was brought forward at it: take the
        run's charge (``amount``, and the months it covered) back out of the basis."""
        self.carried_depreciation -= amount
        self.carried_months -= self.basis_run_months
        if self.basis_run_months:
            self.charge_from = run.year * 12 + run.month - self.basis_run_months
        self.basis_run, self.basis_run_months = None, 0
        super().save(update_fields=["carried_depreciation", "carried_months", "charge_from",
                                    "basis_run", "basis_run_months"])  # fmt: skip
        self._forget_figures()

    def _to_date(self, name: str):
        if name not in self.__dict__:
            if self.pk is None:
                return self.carried_depreciation if name == "depreciation_to_date" else (
                    self.carried_months)  # fmt: skip
            row = type(self).objects.with_depreciation().filter(pk=self.pk)
            self.__dict__.update(row.values("depreciation_to_date", "months_to_date").get())
        return self.__dict__[name]

    @property
    def accumulated_depreciation(self):
        """Depreciation to the latest month posted (annotated by ``with_depreciation`` on
        listings; one query otherwise)."""
        return self._to_date("depreciation_to_date")

    @property
    def months_charged(self) -> int:
        return self._to_date("months_to_date")

    @property
    def net_value(self):
        return self.original_value - self.accumulated_depreciation

    @property
    def library_name(self) -> str:
        """The library the unit in custody belongs to (select_related unit__library)."""
        return (self.unit.library or self.unit).name

    @property
    def custodian_name(self) -> str:
        return person_name(self.custodian) if self.custodian_id else ""

    @property
    def depreciates(self) -> bool:
        return bool(
            self.category.depreciable
            and self.value_basis != self.ValueBasis.NOMINAL
            and self.life_months
        )

    def clean(self):
        """A card's life may not be below its category's minimum (财会〔2017〕4号), nor a
        new value below the depreciation already charged."""
        loaded = getattr(self, "_loaded", None) or {}
        if (
            self.pk
            and self.original_value is not None
            and loaded.get("original_value", self.original_value) != self.original_value
            and self.original_value < self.accumulated_depreciation
        ):
            raise ValidationError({"original_value": _(
                "Depreciation of %(amount)s yuan is already charged: the value cannot be lower."
            ) % {"amount": f"{self.accumulated_depreciation:,.2f}"}})  # fmt: skip
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


def asset_file_path(instance: AssetFile, filename: str) -> str:
    """A random name under the month of upload (the name people see is ``name``)."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"assets/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AssetFile(EvidenceFile):
    """A photo of the asset or a document about it (invoice, contract, acceptance
    report), in private storage: served only to those who may see the card."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="files", verbose_name=_("asset")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(
        _("file"),
        upload_to=asset_file_path,
        storage=get_private_storage,
        max_length=255,
        validators=[FileExtensionValidator(ASSET_FILE_EXTENSIONS)],
    )

    class Meta:
        verbose_name = _("asset file")
        verbose_name_plural = _("asset files")
        ordering = ["asset", "uploaded_at", "pk"]


class CustodyEvent(models.Model):
    """One move of a card: issued to a person, returned to its unit, or transferred to
    another unit — a transfer waits for the receiving unit's head to accept it."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issued")  # 领用
        RETURN = "return", _("Returned")  # 退还
        TRANSFER = "transfer", _("Transfer")  # 调拨（馆内）

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting acceptance")  # 待接收
        DONE = "done", _("Done")  # 已完成
        REFUSED = "refused", _("Refused")  # 已拒收
        CANCELLED = "cancelled", _("Withdrawn")  # 已撤回

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="custody_events", verbose_name=_("asset")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    from_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from unit")
    )
    from_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from person"),
    )
    to_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to unit")
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to person"),
    )
    to_location = models.CharField(_("new location"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["asset", "requested_at", "pk"]
        permissions = [("accept_custodyevent", "Can accept a transfer to their unit")]
        constraints = [
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(state="pending"),
                name="one_pending_transfer_per_asset",
                violation_error_message=_("The asset already has a transfer waiting."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} · {self.get_kind_display()} · {self.get_state_display()}"


class StockTake(models.Model):
    """A counting campaign over chosen units (and optionally a location): a count list
    of every card on the books there, counted by the people assigned to it."""

    class State(models.TextChoices):
        COUNTING = "counting", _("Counting")  # 盘点中
        COMPLETED = "completed", _("Counted, differences to settle")  # 待审批
        SETTLED = "settled", _("Settled")  # 已处理

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    units = models.ManyToManyField(OrgUnit, related_name="+", verbose_name=_("units counted"))
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Optional: only the cards whose location starts with this."),
    )
    ends_on = models.DateField(_("counting ends on"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.COUNTING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    completed_at = models.DateTimeField(_("counting closed at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )  # fmt: skip
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    approval_ref = models.CharField(_("approval reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-year", "-created_at"]
        permissions = [
            ("count_stocktake", "Can count a stock-take"),
            ("settle_stocktake", "Can approve a stock-take's differences"),
        ]

    def __str__(self) -> str:
        return self.name


class StockTakeLine(models.Model):
    """One card on a count list (or an item found that is not on the books: 盘盈)."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Not counted yet")  # 待盘
        MATCHED = "matched", _("Matches the books")  # 账实相符
        WRONG_PLACE = "wrong_place", _("Found elsewhere")  # 位置不符
        MISSING = "missing", _("Missing (inventory loss)")  # 盘亏
        SURPLUS = "surplus", _("Not on the books (inventory gain)")  # 盘盈

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        DAMAGED = "damaged", _("Damaged")

    class ValueSource(models.TextChoices):
        """How an item found but not on the books is valued, in this order of preference."""

        VOUCHER = "voucher", _("Voucher")  # 凭据
        APPRAISAL = "appraisal", _("Appraisal")  # 评估
        REPLACEMENT = "replacement", _("Replacement cost")  # 重置成本
        NOMINAL = "nominal", _("Nominal value (¥1)")  # 名义金额

    stocktake = models.ForeignKey(
        StockTake, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stock-take")
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="counts",
        verbose_name=_("asset"),
    )  # fmt: skip
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit on the books")
    )
    location = models.CharField(_("location on the books"), max_length=200, blank=True)
    result = models.CharField(
        _("result"), max_length=12, choices=Result.choices, default=Result.PENDING
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    found_location = models.CharField(_("where found"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("counted by"),
    )  # fmt: skip
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    # An item found that is not on the books (盘盈): what it is and how it is valued.
    description = models.CharField(_("description"), max_length=200, blank=True)
    category = models.ForeignKey(
        AssetCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("category"),
    )  # fmt: skip
    value = models.DecimalField(_("value (yuan)"), **MONEY, null=True, blank=True)
    value_source = models.CharField(
        _("valued by"), max_length=12, choices=ValueSource.choices, blank=True
    )
    new_asset = models.OneToOneField(
        Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="found_in",
        verbose_name=_("card made"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("stock-take line")
        verbose_name_plural = _("stock-take lines")
        ordering = ["stocktake", "location", "asset__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "asset"], name="one_count_line_per_card"),
            models.CheckConstraint(
                condition=Q(asset__isnull=False) | Q(result="surplus"),
                name="only_an_item_not_on_the_books_has_no_card",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stocktake_id} · {self.asset_id or self.description}"


class Disposal(models.Model):
    """A disposal of one or more cards: its type and grounds, the collective decision, an
    approval at the level the value requires, an appraisal where the type requires one,
    and the proceeds. Approved, the cards are disposed of (never deleted)."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Transfer without charge (无偿调拨)")
        SALE = "sale", _("Sale (出售)")
        CONVEYANCE = "conveyance", _("Conveyance (出让)")
        TRANSFER = "transfer", _("Transfer for value (转让)")
        EXCHANGE = "exchange", _("Exchange (置换)")
        DONATION = "donation", _("Donation (对外捐赠)")
        SCRAP = "scrap", _("Scrapping (报废)")
        LOSS = "loss", _("Loss or damage (毁损)")

    class Grounds(models.TextChoices):
        OBSOLETE = "obsolete", _("Technically obsolete or beyond repair")
        LOST = "lost", _("Inventory loss or abnormal loss")
        WORN_OUT = "worn_out", _("Past its useful life and no longer adequate")
        FORCE_MAJEURE = "force_majeure", _("Force majeure")
        NOT_NEEDED = "not_needed", _("No longer needed by the library")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved, disposed of")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(_("type of disposal"), max_length=12, choices=Kind.choices)
    grounds = models.CharField(_("grounds"), max_length=14, choices=Grounds.choices)
    reason = models.TextField(_("explanation"))
    decision_ref = models.CharField(
        _("collective decision"),
        max_length=100,
        blank=True,
        help_text=_("The meeting minutes or decision number."),
    )
    appraisal_ref = models.CharField(_("appraisal report"), max_length=100, blank=True)
    proceeds = models.DecimalField(
        _("proceeds (yuan)"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    assets = models.ManyToManyField(
        Asset, through="DisposalItem", related_name="disposals", verbose_name=_("assets")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    value = models.DecimalField(_("original value (yuan)"), **MONEY, default=0)
    level = models.CharField(_("approval level"), max_length=100, blank=True)
    approval_ref = models.CharField(_("approval reference"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )  # fmt: skip
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_disposal", "Can approve a disposal")]

    def __str__(self) -> str:
        return _("Disposal %(number)s") % {"number": f"CZ{self.created_at:%Y}-{self.pk or 0:04d}"}


class DisposalItem(models.Model):
    disposal = models.ForeignKey(
        Disposal, on_delete=models.CASCADE, related_name="items", verbose_name=_("disposal")
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="+", verbose_name=_("asset")
    )
    status_before = models.CharField(
        _("status before"), max_length=10, choices=Asset.Status.choices, default="in_use"
    )

    class Meta:
        verbose_name = _("disposed asset")
        verbose_name_plural = _("disposed assets")
        constraints = [
            models.UniqueConstraint(fields=["disposal", "asset"], name="asset_once_per_disposal")
        ]

    def __str__(self) -> str:
        return f"{self.disposal_id} · {self.asset_id}"


class HoldingKind(models.TextChoices):
    BOOKS = "books", _("Books")  # 图书
    PERIODICALS = "periodicals", _("Periodicals and newspapers")  # 报刊
    AUDIOVISUAL = "audiovisual", _("Audiovisual")  # 视听文献
    ELECTRONIC = "electronic", _("Electronic")  # 电子文献


class HoldingBatch(models.Model):
    """Documents added to a library's holdings (馆藏文献): an acquisition, a donation, or
    the opening balance. Holdings are assets but never depreciate."""

    class Source(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")  # 采购
        DONATION = "donation", _("Donation")  # 受赠
        OPENING = "opening", _("Opening balance")  # 期初结存

    library = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("library")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=HoldingKind.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.PURCHASE
    )
    volumes = models.PositiveIntegerField(_("volumes (items)"))
    amount = models.DecimalField(
        _("amount (yuan)"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    funding_source = models.CharField(_("funding source"), max_length=50, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holdings batch")
        verbose_name_plural = _("holdings batches")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.volumes}"


class HoldingWithdrawal(models.Model):
    """Documents withdrawn from the holdings (剔旧): counted only once approved
    (公共图书馆法 Art.28: holdings are not disposed of at will)."""

    library = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("library")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=HoldingKind.choices)
    volumes = models.PositiveIntegerField(_("volumes (items)"))
    amount = models.DecimalField(
        _("book value (yuan)"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    reason = models.CharField(_("reason"), max_length=200)
    approval_ref = models.CharField(_("approval reference"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )  # fmt: skip
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("holdings withdrawal")
        verbose_name_plural = _("holdings withdrawals")
        ordering = ["-date", "-pk"]
        permissions = [("approve_holdingwithdrawal", "Can approve a withdrawal of holdings")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} −{self.volumes}"
