"""The month's depreciation run, and its reversal.

A run charges every card that depreciates, set-based — one ``INSERT … SELECT`` of the
charges and one ``UPDATE … FROM`` of the cards, whatever their number: straight-line with no
residual value, each month (value − depreciation so far) / (life − months charged), so a
change of value or life is spread over the months left; the last month takes what
remains (rounding included), so depreciation reaches the cost and never passes it. When a
month starts and ends (the month the asset is added, the month it leaves) are settings in
one place, ``month_rules``. A run is idempotent (the month's run in force is returned) and
locked; it is undone only whole, by a correcting run.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import may_everywhere

from ..models import Asset, DepreciationCharge, DepreciationRun

RUN_ACTION = "shuxiang.depreciation.run"
REVERSE_ACTION = "shuxiang.depreciation.reverse"
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class MonthRules:
    """Which cards a month charges, by the dates they were added and left."""

    added_by: dt.date  # added on or before this day
    left_after: dt.date  # not disposed of, or disposed of after this day


def month_rules(year: int, month: int) -> MonthRules:
    """The one place the convention lives. By default (政府会计制度 as implemented in the
    asset systems: 当月增加当月计提, 当月减少当月不再计提) a card is charged from the
    month it is added and not in the month it leaves; both are settings."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    from_added_month = settings.SHUXIANG_ASSET_DEPRECIATION_FROM == "added_month"
    charge_leaving_month = settings.SHUXIANG_ASSET_CHARGE_LEAVING_MONTH
    return MonthRules(
        added_by=last if from_added_month else first - dt.timedelta(days=1),
        left_after=first - dt.timedelta(days=1) if charge_leaving_month else last,
    )


def require_asset_officer(user) -> None:
    if not may_everywhere(user, DepreciationRun, "add"):
        raise PermissionDenied(_("Only the asset officer posts depreciation."))


def _exact(expression):
    """``expression`` ready to divide: PostgreSQL divides numerics exactly; SQLite keeps
    100.00 as the integer 100 (and Django casts decimals back to it), so divide its REAL."""
    if connection.vendor == "sqlite":
        return Cast(expression, FloatField())
    return expression


def charges_of(year: int, month: int):
    """The month's charge of each card that depreciates, as a queryset (card, amount)."""
    rules = month_rules(year, month)
    remaining = ExpressionWrapper(
        F("original_value") - F("accumulated_depreciation"), output_field=MONEY
    )
    months_left = F("life_months") - F("months_charged")
    return (
        Asset.objects.filter(
            category__depreciable=True,
            life_months__gt=0,
            acquired_on__lte=rules.added_by,
            accumulated_depreciation__lt=F("original_value"),
        )
        .exclude(value_basis=Asset.ValueBasis.NOMINAL)
        .filter(Q(disposed_on__isnull=True) | Q(disposed_on__gt=rules.left_after))
        .annotate(
            amount=Case(
                When(Q(life_months__lte=F("months_charged") + 1), then=remaining),
                default=Round(_exact(remaining) / months_left, 2),
                output_field=MONEY,
            )
        )
        .filter(amount__gt=0)
        .annotate(card=F("pk"))
        .values("card", "amount")
    )


def _insert_select(run: DepreciationRun, charges) -> None:
    """``INSERT … SELECT`` the charges of ``charges`` (card, amount) into ``run``."""
    sql, params = charges.query.sql_with_params()
    table = connection.ops.quote_name(DepreciationCharge._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (run_id, asset_id, amount) "  # noqa: S608
            f"SELECT %s, charge.card, charge.amount FROM ({sql}) charge",
            [run.pk, *params],
        )


def _apply(run: DepreciationRun, months: int) -> None:
    """Add the run's charges to the cards' depreciation: one ``UPDATE … FROM`` joining the
    charges (PostgreSQL; SQLite from 3.33), rounded to the cent so that SQLite's floating
    sums never pass the cost; then the run's total and count in one aggregate."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        amount = DepreciationCharge.objects.filter(run=run, asset=OuterRef("pk")).values("amount")
        Asset.objects.filter(pk__in=run.charges.values("asset")).update(
            accumulated_depreciation=Round(F("accumulated_depreciation") + Subquery(amount[:1]), 2),
            months_charged=F("months_charged") + Value(months),
        )
    else:
        asset = connection.ops.quote_name(Asset._meta.db_table)
        charge = connection.ops.quote_name(DepreciationCharge._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {asset} SET accumulated_depreciation = "  # noqa: S608
                f"ROUND({asset}.accumulated_depreciation + c.amount, 2), "
                f"months_charged = {asset}.months_charged + %s "
                f"FROM {charge} c WHERE c.asset_id = {asset}.id AND c.run_id = %s",
                [months, run.pk],
            )
    totals = run.charges.aggregate(total=Sum("amount"), cards=Count("pk"))
    run.total = totals["total"] or 0
    run.cards = totals["cards"]
    run.save(update_fields=["total", "cards"])


@transaction.atomic
def run_depreciation(year: int, month: int, *, user) -> DepreciationRun:
    """Post the month's depreciation (the run in force is returned when it is posted)."""
    require_asset_officer(user)
    existing = DepreciationRun.objects.select_for_update().filter(year=year, month=month, live=True)
    if existing.exists():
        return existing.get()
    later = DepreciationRun.objects.filter(live=True).filter(
        Q(year__gt=year) | Q(year=year, month__gt=month)
    )
    if later.exists():
        raise ValidationError(
            _("%(year)s-%(month)02d comes before a month already posted: reverse the later "
              "months first.") % {"year": year, "month": month}
        )  # fmt: skip
    run = DepreciationRun.objects.create(year=year, month=month, posted_by=user)
    _insert_select(run, charges_of(year, month))
    _apply(run, +1)
    log(
        instance=run,
        action=RUN_ACTION,
        user=user,
        data={"cards": run.cards, "total": str(run.total)},
    )
    return run


@transaction.atomic
def reverse_run(run: DepreciationRun, *, user, reason: str) -> DepreciationRun:
    """Undo a posted month whole: a correcting run taking back each of its charges. Only
    the latest month in force may be reversed (the later months rest on it)."""
    require_asset_officer(user)
    locked = DepreciationRun.objects.select_for_update().get(pk=run.pk)
    if not locked.live:
        raise ValidationError(_("%(run)s is not in force.") % {"run": locked})
    if not reason.strip():
        raise ValidationError(_("Give the reason for the correction."))
    latest = DepreciationRun.objects.filter(live=True).order_by("-year", "-month").first()
    if latest.pk != locked.pk:
        raise ValidationError(_("Reverse the later months first."))
    locked.live = False
    locked.save(update_fields=["live"])
    correction = DepreciationRun.objects.create(
        year=locked.year, month=locked.month, reverses=locked, live=False, posted_by=user,
        reason=reason.strip(),
    )  # fmt: skip
    table = connection.ops.quote_name(DepreciationCharge._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (run_id, asset_id, amount) "  # noqa: S608
            f"SELECT %s, asset_id, -amount FROM {table} WHERE run_id = %s",
            [correction.pk, locked.pk],
        )
    _apply(correction, -1)
    log(instance=correction, action=REVERSE_ACTION, user=user, data={"reverses": locked.pk})
    return correction
