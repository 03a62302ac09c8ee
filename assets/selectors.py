"""What the asset screens read: a card's page (its custody history, files, depreciation
and counts), the transfers waiting for a head, a stock-take's page and what a counter
counts, a disposal's page, the holdings as of a date and the plan indicators they feed.
A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from governance.access import may, may_everywhere, may_for_instance, visible
from governance.people import person_select_related

from .models import (
    Asset,
    AssetCategory,
    AssetFile,
    CustodyEvent,
    DepreciationCharge,
    Disposal,
    HoldingBatch,
    HoldingKind,
    HoldingWithdrawal,
    StockTake,
    StockTakeLine,
    latest_posted_month,
)

Result = StockTakeLine.Result

RECENT_CHARGES = 12


def card_page(asset: Asset, user) -> dict:
    """The context of a card's page for ``user`` (who may see the card)."""
    events = list(
        CustodyEvent.objects.filter(asset=asset)
        .select_related(
            "from_unit__library",
            "to_unit__library",
            *person_select_related("from_person", "to_person", "requested_by", "decided_by"),
        )  # fmt: skip
        .order_by("requested_at", "pk")
    )
    pending = next((e for e in events if e.state == CustodyEvent.State.PENDING), None)
    first_unit = events[0].from_unit if events else asset.unit
    charges = list(
        DepreciationCharge.objects.filter(asset=asset)
        .select_related("run")
        .order_by("-run__year", "-run__month", "-run__pk")[:RECENT_CHARGES]
    )
    counts = list(
        StockTakeLine.objects.filter(asset=asset)
        .select_related("stocktake", *person_select_related("counted_by"))
        .order_by("-stocktake__created_at")
    )
    keeper = may_everywhere(user, Asset, "change")
    return {
        "events": events,
        "first_unit": first_unit,
        "pending": pending,
        "may_accept": pending is not None
        and visible(user, CustodyEvent.objects.filter(pk=pending.pk), ["accept"]).exists(),
        "files": list(visible(user, AssetFile.objects.filter(asset=asset))),
        "charges": charges,
        "counts": counts,
        "disposals": list(asset.disposals.order_by("-created_at")),
        "may_move": keeper and asset.status not in (Asset.Status.PENDING_DISPOSAL,
                                                    Asset.Status.DISPOSED) and pending is None,
        "may_attach": keeper,
    }  # fmt: skip


def waiting_transfers(user):
    """The transfers waiting for ``user``'s acceptance (a head: into their units)."""
    return (
        visible(user, CustodyEvent.objects.filter(state=CustodyEvent.State.PENDING), ["accept"])
        .select_related(
            "asset",
            "from_unit__library",
            "to_unit__library",
            *person_select_related("requested_by"),
        )  # fmt: skip
        .order_by("requested_at")
    )


def stocktake_figures(stocktake: StockTake) -> dict:
    """A campaign's summary (lines by result, damaged) and its differences: its page and
    its report. A fixed number of queries."""
    by_result = dict(stocktake.lines.values_list("result").annotate(n=Count("pk")).order_by())
    results = [
        (value, label, by_result.get(value, 0)) for value, label in StockTakeLine.Result.choices
    ]
    differences = list(
        stocktake.lines.filter(
            Q(result__in=[Result.WRONG_PLACE, Result.MISSING, Result.SURPLUS])
            | Q(condition=StockTakeLine.Condition.DAMAGED)
        )
        .select_related(
            "asset", "unit__library", "category", "new_asset", *person_select_related("counted_by")
        )  # fmt: skip
        .order_by("result", "unit__path", "location", "asset__number", "pk")
    )
    return {
        "results": results,
        "total": sum(by_result.values()),
        "damaged": stocktake.lines.filter(condition=StockTakeLine.Condition.DAMAGED).count(),
        "differences": differences,
        "units": list(stocktake.units.select_related("library")),
    }


def stocktake_page(stocktake: StockTake, user) -> dict:
    """The figures, and what the user may do with the campaign now."""
    counting = stocktake.state == StockTake.State.COUNTING
    return {
        **stocktake_figures(stocktake),
        "may_count": counting and may_for_instance(user, stocktake, "count"),
        "may_close": counting and may_everywhere(user, Asset, "change"),
        "may_settle": stocktake.state == StockTake.State.COMPLETED
        and may_everywhere(user, StockTake, "settle"),
    }


def lines_to_count(user, asset: Asset):
    """``asset``'s lines in the campaigns counting now that ``user`` counts."""
    campaigns = visible(user, StockTake.objects.filter(state=StockTake.State.COUNTING), ["count"])
    return StockTakeLine.objects.filter(asset=asset, stocktake__in=campaigns).select_related(
        "stocktake", "unit__library", *person_select_related("counted_by")
    )


def counting_progress(stocktake: StockTake) -> tuple[int, int]:
    """(lines counted, lines) of a campaign."""
    totals = stocktake.lines.aggregate(
        total=Count("pk"), counted=Count("pk", filter=~Q(result=Result.PENDING))
    )
    return totals["counted"], totals["total"]


def completed_years(years) -> set[int]:
    """Which of ``years`` have a completed stock-take (counted, or counted and settled)."""
    done = StockTake.objects.filter(year__in=list(years)).exclude(state=StockTake.State.COUNTING)
    return set(done.values_list("year", flat=True))


def home_panel(user) -> dict:
    """What the asset ledger asks of ``user`` today: the years without a completed
    stock-take (每年至少盘点一次), the campaigns they count, the transfers waiting for them."""
    today = timezone.localdate()
    missing_years = []
    if may_everywhere(user, StockTake, "view"):
        years = [today.year - 1, today.year]
        on_books = Asset.objects.filter(acquired_on__year__lte=today.year - 1).exists()
        done = completed_years(years)
        missing_years = [y for y in years if y not in done and (y == today.year or on_books)]
    counting = []
    for stocktake in visible(
        user, StockTake.objects.filter(state=StockTake.State.COUNTING), ["count"]
    ).annotate(
        total=Count("lines"), counted=Count("lines", filter=~Q(lines__result=Result.PENDING))
    ):
        counting.append(stocktake)
    return {
        "missing_years": missing_years,
        "may_start": may_everywhere(user, StockTake, "add"),
        "counting": counting,
        "transfers": waiting_transfers(user).count() if may(user, CustodyEvent, "accept") else 0,
        "disposals": Disposal.objects.filter(state=Disposal.State.SUBMITTED).count()
        if may_everywhere(user, Disposal, "approve")
        else 0,
    }


def disposal_page(disposal: Disposal, user) -> dict:
    """A disposal's cards (with their values) and what the user may do with it now."""
    items = list(
        disposal.items.select_related("asset__unit__library", "asset__category").order_by(
            "asset__number"
        )
    )
    keeper = may_everywhere(user, Asset, "change")
    return {
        "items": items,
        "net_value": sum((i.asset.net_value for i in items), Decimal(0)),
        "may_submit": keeper and disposal.state in (Disposal.State.DRAFT, Disposal.State.REFUSED),
        "may_decide": disposal.state == Disposal.State.SUBMITTED
        and may_everywhere(user, Disposal, "approve"),
    }


# -- the holdings ------------------------------------------------------------------------------


def holdings_totals(as_of, libraries=None) -> list[dict]:
    """The holdings by kind as of a date: volumes and amount added (batches on or before
    it) less those withdrawn with an approval; with the year's purchases. Two queries."""
    batches = HoldingBatch.objects.filter(date__lte=as_of)
    withdrawals = HoldingWithdrawal.objects.filter(date__lte=as_of, approved_by__isnull=False)
    if libraries is not None:
        batches, withdrawals = (
            batches.filter(library__in=libraries),
            withdrawals.filter(library__in=libraries),
        )
    purchase = Q(source=HoldingBatch.Source.PURCHASE, date__year=as_of.year)
    added = {
        row["kind"]: row
        for row in batches.values("kind").annotate(
            held=Sum("volumes"), value=Sum("amount"),
            bought=Sum("volumes", filter=purchase), spent=Sum("amount", filter=purchase),
        ).order_by()
    }  # fmt: skip
    gone = {
        row["kind"]: row
        for row in withdrawals.values("kind")
        .annotate(held=Sum("volumes"), value=Sum("amount"))
        .order_by()
    }
    rows = []
    for kind, label in HoldingKind.choices:
        plus, minus = added.get(kind, {}), gone.get(kind, {})
        rows.append({
            "kind": kind, "label": label,
            "volumes": (plus.get("held") or 0) - (minus.get("held") or 0),
            "amount": _cents(plus.get("value")) - _cents(minus.get("value")),
            "bought": plus.get("bought") or 0, "spent": _cents(plus.get("spent")),
            "withdrawn": minus.get("held") or 0,
        })  # fmt: skip
    return rows


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _in_unit(indicator, total: Decimal, money: bool) -> Decimal:
    """万元 / 万册 when the indicator is counted in them."""
    unit = indicator.measure_unit or ""
    if "万" in unit:
        total = total / Decimal(10000)
    return total.quantize(Decimal("0.01") if money or "万" in unit else Decimal(1))


def _year_end(year: int):
    return min(dt.date(year, 12, 31), timezone.localdate())


def holdings_total(indicator, year: int) -> Decimal | None:
    """Provider ``assets.holdings_total`` (总藏量): volumes held at the year's end."""
    if not HoldingBatch.objects.filter(date__year__lte=year).exists():
        return None
    rows = holdings_totals(_year_end(year))
    return _in_unit(indicator, Decimal(sum(r["volumes"] for r in rows)), money=False)


def holdings_bought(indicator, year: int) -> Decimal | None:
    """Provider ``assets.holdings_bought`` (本年新购藏量): volumes purchased in the year."""
    if not HoldingBatch.objects.filter(date__year=year).exists():
        return None
    rows = holdings_totals(_year_end(year))
    return _in_unit(indicator, Decimal(sum(r["bought"] for r in rows)), money=False)


def holdings_spending(indicator, year: int) -> Decimal | None:
    """Provider ``assets.holdings_spending`` (藏量购置费): the year's purchases in yuan
    (万元 when the indicator is counted in 万元)."""
    if not HoldingBatch.objects.filter(date__year=year).exists():
        return None
    rows = holdings_totals(_year_end(year))
    return _in_unit(indicator, sum((r["spent"] for r in rows), Decimal(0)), money=True)


# -- the annual movement table ---------------------------------------------------------------


def movement(year: int) -> list[dict]:
    """The fixed-asset movement of ``year`` by category (年度固定资产增减变动表): original
    value at the opening, added, disposed of and at the closing; the year's depreciation and
    the accumulated depreciation and net value at the closing. Holdings, heritage and other
    classes that do not depreciate are in it at their value. Four queries.

    Depreciation at the closing is each card's at the end of December, or of the latest
    month posted if that is earlier (the closed form of ``assets.models.schedule``)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    still_held = {  # not disposed of before the opening / by the closing
        "opening": Q(disposed_on__isnull=True) | Q(disposed_on__gte=start),
        "closing": Q(disposed_on__isnull=True) | Q(disposed_on__gt=end),
    }
    on_books_at = {
        "opening": Q(acquired_on__lt=start) & still_held["opening"],
        "closing": Q(acquired_on__lte=end) & still_held["closing"],
    }
    latest = latest_posted_month()
    closing_month = min(year * 12 + 11, latest if latest is not None else -1)
    values = {
        row["category"]: row
        for row in Asset.objects.with_depreciation(closing_month).values("category").annotate(
            opening=Sum("original_value", filter=on_books_at["opening"]),
            added=Sum("original_value", filter=Q(acquired_on__gte=start, acquired_on__lte=end)),
            disposed=Sum("original_value", filter=Q(disposed_on__gte=start, disposed_on__lte=end)),
            closing=Sum("original_value", filter=on_books_at["closing"]),
            accumulated=Sum("depreciation_to_date", filter=on_books_at["closing"]),
        ).order_by()
    }  # fmt: skip
    charged = dict(
        DepreciationCharge.objects.filter(run__year=year)
        .values("asset__category")
        .annotate(total=Sum("amount"))
        .values_list("asset__category", "total")
        .order_by()
    )
    rows = []
    for category in AssetCategory.objects.filter(pk__in=list(values)).order_by("code"):
        row = values[category.pk]
        closing_depreciation = _cents(row["accumulated"])
        closing = _cents(row["closing"])
        rows.append({
            "category": category, "opening": _cents(row["opening"]),
            "added": _cents(row["added"]), "disposed": _cents(row["disposed"]),
            "closing": closing, "depreciation": _cents(charged.get(category.pk)),
            "accumulated": closing_depreciation, "net": closing - closing_depreciation,
        })  # fmt: skip
    return rows
