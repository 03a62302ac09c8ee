"""The month's depreciation run, and its reversal.

A card's depreciation has a closed form (``assets.models.schedule``: straight-line with no
residual value, ``round(remaining × n / months left, 2)`` after ``n`` months, the last month
taking what remains, so it reaches the cost and never passes it; a change of value or life
brings the depreciation so far forward and spreads the rest over the months left). A run
charges each card the difference between its depreciation at the end of the month and at
the end of the month posted before — one ``INSERT … SELECT``, whatever the number of cards,
and nothing written to the cards. A run is idempotent (the month's run in force is
returned) and locked; it is undone only whole, by a correcting run.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.access import may_everywhere

from ..models import (
    MONEY,
    Asset,
    DepreciationCharge,
    DepreciationRun,
    latest_posted_month,
    schedule,
)

MONEY_FIELD = DecimalField(**MONEY)
RUN_ACTION = "shuxiang.depreciation.run"
REVERSE_ACTION = "shuxiang.depreciation.reverse"


def require_asset_officer(user) -> None:
    if not may_everywhere(user, DepreciationRun, "add"):
        raise PermissionDenied(_("Only the asset officer posts depreciation."))


def charges_of(year: int, month: int, *, after: int | None = None):
    """Each card's charge for the month (its depreciation at the month's end less that at
    the end of ``after``, the month posted before; all of it when none was), as a queryset
    of (card, amount)."""
    index = year * 12 + month - 1
    charged, _months = schedule(index)
    amount = charged
    cards = Asset.objects.filter(
        category__depreciable=True, life_months__gt=0, charge_from__lte=index,
        carried_depreciation__lt=F("original_value"),
    ).exclude(value_basis=Asset.ValueBasis.NOMINAL)  # fmt: skip
    if after is not None:
        before, _months = schedule(after)
        amount = Round(ExpressionWrapper(charged - before, output_field=MONEY_FIELD), 2)
        cards = cards.filter(Q(charge_until__isnull=True) | Q(charge_until__gt=after))
    return (
        cards.annotate(amount=amount)
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


def _total(run: DepreciationRun) -> None:
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
    after = latest_posted_month()
    run = DepreciationRun.objects.create(year=year, month=month, posted_by=user)
    _insert_select(run, charges_of(year, month, after=after))
    _total(run)
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
    _total(correction)
    # Cards whose value or life changed after the month was posted brought its charge
    # forward: take it back out (the cards changed in one month: a few).
    charges = dict(locked.charges.filter(asset__basis_run=locked).values_list("asset", "amount"))
    for card in Asset.objects.filter(basis_run=locked):
        card.take_back(locked, charges.get(card.pk, 0))
    log(instance=correction, action=REVERSE_ACTION, user=user, data={"reverses": locked.pk})
    return correction
