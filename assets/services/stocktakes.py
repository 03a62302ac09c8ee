"""Stock-takes (资产盘点): a campaign over chosen units (and a location) makes its count
list in one ``INSERT … SELECT``; the people assigned count on their phones (the label's
QR code opens the asset: found where the books say, found elsewhere, damaged) and record
what they find that is not on the books (盘盈); closing the count makes every card not
found 盘亏; leadership's approval settles the differences: a card found elsewhere takes
its new location, an item not on the books becomes a card (valued by voucher, appraisal,
replacement cost or ¥1, in that order), a missing card is written off (a disposal of
type 毁损 on the grounds of inventory loss, approved with the settlement)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm
from wagtail.log_actions import log

from governance.access import may_everywhere, may_for_instance

from ..models import Asset, Disposal, DisposalItem, StockTake, StockTakeLine
from .custody import require_keeper

STOCKTAKE_ACTION = "shuxiang.assets.stocktake"
Result = StockTakeLine.Result
VALUE_BASIS = {
    StockTakeLine.ValueSource.VOUCHER: Asset.ValueBasis.COST,
    StockTakeLine.ValueSource.APPRAISAL: Asset.ValueBasis.APPRAISAL,
    StockTakeLine.ValueSource.REPLACEMENT: Asset.ValueBasis.APPRAISAL,
    StockTakeLine.ValueSource.NOMINAL: Asset.ValueBasis.NOMINAL,
}


def counted_cards(units, location: str = ""):
    """The cards on the books in ``units`` (and their sub-units), optionally at a
    location: what a count list holds."""
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(unit__path__startswith=unit.path)
    cards = Asset.objects.filter(condition).exclude(status=Asset.Status.DISPOSED)
    if location:
        cards = cards.filter(location__startswith=location)
    return cards


@transaction.atomic
def open_stocktake(*, name, year, units, ends_on, counters, location="", user) -> StockTake:
    """Start a campaign: its count list (one row per card, set-based) and its counters."""
    require_keeper(user)
    units = list(units)
    if not units:
        raise ValidationError(_("Choose the units to count."))
    stocktake = StockTake.objects.create(
        name=name, year=year, location=location, ends_on=ends_on, created_by=user
    )
    stocktake.units.set(units)
    rows = (
        counted_cards(units, location)
        .annotate(card=F("pk"), held_by=F("unit_id"), kept_at=F("location"))
        .values("card", "held_by", "kept_at")
    )
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(StockTakeLine._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (stocktake_id, asset_id, unit_id, location, result, "  # noqa: S608
            f"condition, found_location, note, description, value_source) "
            f"SELECT %s, card.card, card.held_by, card.kept_at, %s, %s, '', '', '', '' "
            f"FROM ({sql}) card",
            [stocktake.pk, Result.PENDING, StockTakeLine.Condition.GOOD, *params],
        )
    assign_counters(stocktake, counters)
    log(instance=stocktake, action=STOCKTAKE_ACTION, user=user,
        data={"step": "opened", "lines": stocktake.lines.count()})  # fmt: skip
    return stocktake


def assign_counters(stocktake: StockTake, users) -> None:
    """Let ``users`` count this campaign (and see its count list)."""
    for person in users:
        assign_perm("assets.count_stocktake", person, stocktake)
        assign_perm("assets.view_stocktake", person, stocktake)


def _counting(stocktake: StockTake, user) -> StockTake:
    if not may_for_instance(user, stocktake, "count"):
        raise PermissionDenied(_("You are not counting this stock-take."))
    if stocktake.state != StockTake.State.COUNTING:
        raise ValidationError(_("%(name)s is no longer counting.") % {"name": stocktake})
    return stocktake


@transaction.atomic
def count(line: StockTakeLine, *, here: bool, damaged: bool = False, found_location="",
          note="", user) -> StockTakeLine:  # fmt: skip
    """Mark a card found: where the books say (``here``) or elsewhere (where), and in
    what condition. Counting it again corrects the earlier count."""
    locked = StockTakeLine.objects.select_for_update().select_related("stocktake").get(pk=line.pk)
    _counting(locked.stocktake, user)
    if locked.asset_id is None:
        raise ValidationError(_("This line is an item not on the books."))
    found_location = found_location.strip()
    if not here and not found_location:
        raise ValidationError(_("Say where it was found."))
    locked.result = Result.MATCHED if here else Result.WRONG_PLACE
    locked.found_location = "" if here else found_location
    locked.condition = StockTakeLine.Condition.DAMAGED if damaged else StockTakeLine.Condition.GOOD
    locked.note = note.strip()
    locked.counted_by, locked.counted_at = user, timezone.now()
    locked.save()
    return locked


@transaction.atomic
def record_surplus(stocktake: StockTake, *, description, category, unit, found_location,
                   value_source, value=None, note="", user) -> StockTakeLine:  # fmt: skip
    """An item found that is not on the books (盘盈), with how it is to be valued."""
    _counting(stocktake, user)
    if not description.strip():
        raise ValidationError(_("Describe the item found."))
    if value_source == StockTakeLine.ValueSource.NOMINAL:
        value = Decimal(1)
    elif value is None or value <= 0:
        raise ValidationError(
            _("Give its value by voucher, appraisal or replacement cost; only when none is "
              "known is it booked at the nominal ¥1.")
        )  # fmt: skip
    return StockTakeLine.objects.create(
        stocktake=stocktake, asset=None, unit=unit, location="", result=Result.SURPLUS,
        found_location=found_location.strip(), description=description.strip(),
        category=category, value=value, value_source=value_source, note=note.strip(),
        counted_by=user, counted_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def close_counting(stocktake: StockTake, *, user) -> StockTake:
    """End the count: every card not found is missing (盘亏)."""
    require_keeper(user)
    locked = StockTake.objects.select_for_update().get(pk=stocktake.pk)
    if locked.state != StockTake.State.COUNTING:
        raise ValidationError(_("%(name)s is no longer counting.") % {"name": locked})
    locked.lines.filter(result=Result.PENDING).update(result=Result.MISSING)
    locked.state, locked.completed_at = StockTake.State.COMPLETED, timezone.now()
    locked.save(update_fields=["state", "completed_at"])
    log(instance=locked, action=STOCKTAKE_ACTION, user=user, data={"step": "closed"})
    return locked


@transaction.atomic
def settle(stocktake: StockTake, *, approval_ref: str, user) -> StockTake:
    """Leadership approves the differences, and they are booked (see the module)."""
    if not may_everywhere(user, StockTake, "settle"):
        raise PermissionDenied(_("Only the library's leadership approves the differences."))
    locked = StockTake.objects.select_for_update().get(pk=stocktake.pk)
    if locked.state != StockTake.State.COMPLETED:
        raise ValidationError(_("Close the count before its differences are approved."))
    if not approval_ref.strip():
        raise ValidationError(_("Give the approval's reference (meeting minutes or number)."))
    today = timezone.localdate()
    lines = locked.lines
    # Found elsewhere: the card takes the place it was found in.
    found = lines.filter(result=Result.WRONG_PLACE, asset=OuterRef("pk")).values("found_location")
    Asset.objects.filter(counts__stocktake=locked, counts__result=Result.WRONG_PLACE).update(
        location=Subquery(found[:1])
    )
    # Missing: written off, by a disposal approved with the settlement.
    missing = list(lines.filter(result=Result.MISSING).select_related("asset"))
    if missing:
        value = sum((line.asset.original_value for line in missing), Decimal(0))
        disposal = Disposal.objects.create(
            kind=Disposal.Kind.LOSS, grounds=Disposal.Grounds.LOST,
            reason=_("Missing at %(stocktake)s.") % {"stocktake": locked},
            decision_ref=approval_ref, approval_ref=approval_ref, value=value,
            level=_("Stock-take settlement"), state=Disposal.State.APPROVED,
            decided_by=user, decided_on=today, created_by=user,
        )  # fmt: skip
        DisposalItem.objects.bulk_create(
            DisposalItem(disposal=disposal, asset=line.asset, status_before=line.asset.status)
            for line in missing
        )
        Asset.objects.filter(pk__in=[line.asset_id for line in missing]).update(
            status=Asset.Status.DISPOSED, disposed_on=today
        )
    # Not on the books: a new card each.
    for line in lines.filter(result=Result.SURPLUS, new_asset__isnull=True).select_related(
        "category"
    ):
        line.new_asset = Asset.objects.create(
            number=f"PY{locked.year}-{line.pk:06d}", name=line.description,
            category=line.category, original_value=line.value,
            value_basis=VALUE_BASIS[line.value_source], acquired_on=today,
            unit_id=line.unit_id, location=line.found_location,
            life_months=line.category.min_life_months if line.category.depreciable else None,
        )  # fmt: skip
        line.save(update_fields=["new_asset"])
    locked.state, locked.settled_at = StockTake.State.SETTLED, timezone.now()
    locked.settled_by, locked.approval_ref = user, approval_ref.strip()
    locked.save(update_fields=["state", "settled_at", "settled_by", "approval_ref"])
    log(instance=locked, action=STOCKTAKE_ACTION, user=user,
        data={"step": "settled", "approval": locked.approval_ref})  # fmt: skip
    return locked
