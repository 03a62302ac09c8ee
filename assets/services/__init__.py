"""Writes of the asset ledger, one module per job: the monthly depreciation, custody,
stock-takes, disposals and the holdings. Import from here."""

from .cards import attach_file
from .custody import (
    CUSTODY_ACTION,
    decide_transfer,
    give_back,
    issue,
    request_transfer,
    withdraw_transfer,
)
from .depreciation import (
    REVERSE_ACTION,
    RUN_ACTION,
    charges_of,
    require_asset_officer,
    reverse_run,
    run_depreciation,
)
from .disposals import DISPOSAL_ACTION, approval_level, decide, draft, needs_appraisal, submit
from .holdings import approve_withdrawal
from .stocktakes import (
    STOCKTAKE_ACTION,
    assign_counters,
    close_counting,
    count,
    counted_cards,
    open_stocktake,
    record_surplus,
    settle,
)

__all__ = [
    "approve_withdrawal",
    "DISPOSAL_ACTION",
    "approval_level",
    "decide",
    "draft",
    "needs_appraisal",
    "submit",
    "STOCKTAKE_ACTION",
    "assign_counters",
    "close_counting",
    "count",
    "counted_cards",
    "open_stocktake",
    "record_surplus",
    "settle",
    "attach_file",
    "CUSTODY_ACTION",
    "REVERSE_ACTION",
    "RUN_ACTION",
    "charges_of",
    "decide_transfer",
    "give_back",
    "issue",
    "request_transfer",
    "require_asset_officer",
    "reverse_run",
    "run_depreciation",
    "withdraw_transfer",
]
