"""What assets' models grant to each role (assembled by `governance.roles`)."""

LEDGER = (
    "assetcategory",
    "asset",
    "assetfile",
    "custodyevent",
    "depreciationrun",
    "stocktake",
    "stocktakeline",
    "disposal",
    "holdingbatch",
    "holdingwithdrawal",
)
READ = tuple(f"assets.view_{model}" for model in LEDGER)

GRANTS = {
    # The asset officer keeps the ledger, posts the depreciation, moves, counts and
    # proposes disposals; leadership approves what the rules say must be approved.
    "asset_officer": (
        *(f"assets.{a}_{model}" for model in LEDGER for a in ("add", "change", "view")),
        "assets.count_stocktake",
    ),
    # Finance reads the values and the depreciation.
    "finance": READ,
    "leadership": (
        *READ,
        "assets.approve_disposal",
        "assets.settle_stocktake",
        "assets.approve_holdingwithdrawal",
    ),
    # Scoped: a head sees their units' assets and accepts transfers to them.
    "department_head": (
        "assets.view_asset",
        "assets.view_assetfile",
        "assets.view_custodyevent",
        "assets.accept_custodyevent",
    ),
}
