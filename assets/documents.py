"""The asset ledger's papers, on ``reporting/``: a month's depreciation summarised by
account and funding source (.xlsx) for the accountant's voucher."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from reporting.spreadsheets import Layout, Sheet, write_xlsx

from .models import Account, DepreciationRun


def cents(value) -> Decimal:
    """A sum of money to the cent (SQLite sums decimals as floats)."""
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def run_summary(run: DepreciationRun) -> bytes:
    """The run's charges by account (政府会计制度) and funding source, with the cards' original
    value and depreciation as they stand; a total row. One query."""
    accounts = dict(Account.choices)
    rows = (
        run.charges.values("asset__category__account", "asset__funding_source")
        .annotate(
            cards=Count("pk"),
            charge=Sum("amount"),
            original=Sum("asset__original_value"),
            accumulated=Sum("asset__accumulated_depreciation"),
        )
        .order_by("asset__category__account", "asset__funding_source")
    )
    lines, total = [], [0, 0, 0, 0]
    for row in rows:
        values = [row["cards"], *(cents(row[k]) for k in ("charge", "original", "accumulated"))]
        lines.append(
            [str(accounts[row["asset__category__account"]]), row["asset__funding_source"] or "—",
             *values, row["original"] - row["accumulated"]]
        )  # fmt: skip
        total = [a + b for a, b in zip(total, values, strict=True)]
    lines.append([_("Total"), "", *total, total[2] - total[3]])
    header = [
        _("account"),
        _("funding source"),
        _("cards charged"),
        _("depreciation this month (yuan)"),
        _("original value (yuan)"),
        _("accumulated depreciation (yuan)"),
        _("net value (yuan)"),
    ]
    title = str(run)
    layout = Layout(repeat_header=True, page_numbers=True, fit_to_width=True, landscape=True)
    return write_xlsx([Sheet(title, header, lines, layout)])
