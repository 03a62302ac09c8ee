"""The plan's adjustments and versions (domain-rules.md §7; DESIGN: adjustments need a
board resolution). The planning office proposes an adjustment — items added, items
withdrawn, targets changed — and it changes nothing until it is applied with an adopted
board resolution on the plan. Applying it keeps the plan as it was and as it becomes as
numbered versions (the outline and the targets, stored, not recomputed), so every version
stays readable. A mid-term or final evaluation stores the plan's figures at a date with
its text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .base import ScopedQuerySet
from .board import Resolution
from .org import OrgUnit
from .plan import YEARS, Indicator, Plan, PlanItem


class PlanAdjustment(ClusterableModel):
    """A proposed change of the plan, in force once the board's resolution is applied."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", pgettext_lazy("adjustment", "In force")

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    resolution = models.OneToOneField(
        Resolution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="plan_adjustment",
        verbose_name=_("board resolution"),
    )
    applied_on = models.DateField(_("applied on"), null=True, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("applied by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan adjustment")
        verbose_name_plural = _("plan adjustments")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class AdjustmentLine(models.Model):
    """One change: add an item under ``item``, withdraw ``item``, move ``item``'s last
    year, or change ``indicator``'s target (for ``year``; the final target without)."""

    class Kind(models.TextChoices):
        ADD = "add", _("Add an item under")
        WITHDRAW = "withdraw", _("Withdraw the item")
        END_YEAR = "end_year", _("Change the item's last year")
        TARGET = "target", _("Change the indicator's target")

    adjustment = ParentalKey(
        PlanAdjustment, on_delete=models.CASCADE, related_name="lines",
        verbose_name=_("plan adjustment"),
    )  # fmt: skip
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("plan item"),
    )  # fmt: skip
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("indicator"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEARS,
        help_text=_("For a target: the year; empty for the final target."),
    )  # fmt: skip
    value = models.DecimalField(
        _("new value"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("The new target, or the item's new last year."),
    )  # fmt: skip
    title = models.CharField(_("new item's title"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("new item's lead unit"),
    )  # fmt: skip
    was = models.CharField(_("before"), max_length=200, blank=True, editable=False)

    panels = [
        FieldPanel("kind"),
        FieldPanel("item"),
        FieldPanel("indicator"),
        FieldRowPanel([FieldPanel("year"), FieldPanel("value")]),
        FieldRowPanel([FieldPanel("title"), FieldPanel("lead_unit")]),
    ]

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["adjustment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="target", indicator__isnull=False, value__isnull=False)
                | Q(kind="add", item__isnull=False) & ~Q(title="")
                | Q(kind="withdraw", item__isnull=False)
                | Q(kind="end_year", item__isnull=False, value__isnull=False),
                name="adjustment_line_complete",
                violation_error_message=_(
                    "Give what the change needs: the item (and a title for a new one), or the "
                    "indicator and its new target."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PlanVersion(models.Model):
    """The plan as it stood from ``effective_on``: version 1 as approved, then one per
    adjustment. ``outline`` holds each item (number, title, status, years, lead unit) and
    ``targets`` each indicator (final target, yearly targets), as stored when it began."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    effective_on = models.DateField(_("in force since"), null=True)
    adjustment = models.OneToOneField(
        PlanAdjustment, on_delete=models.PROTECT, null=True, related_name="version",
        verbose_name=_("plan adjustment"),
    )  # fmt: skip
    outline = models.JSONField(_("outline"))
    targets = models.JSONField(_("targets"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once")]

    def __str__(self) -> str:
        return _("%(plan)s, version %(number)s") % {"plan": self.plan, "number": self.number}


class PlanEvaluation(models.Model):
    """A mid-term or final evaluation: the plan's figures at a date, stored when it was
    made (never recomputed: a later report or correction does not change it), and the
    evaluation's text."""

    class Kind(models.TextChoices):
        MID_TERM = "mid_term", _("Mid-term evaluation")  # 中期评估
        FINAL = "final", _("Final evaluation")  # 终期评估

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    as_of = models.DateField(_("figures as of"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("evaluation"))
    figures = models.JSONField(_("figures"), editable=False, default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False,
        related_name="+", verbose_name=_("made by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan evaluation")
        verbose_name_plural = _("plan evaluations")
        ordering = ["-as_of", "-pk"]

    def __str__(self) -> str:
        return self.title
