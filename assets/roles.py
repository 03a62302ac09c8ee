"""What assets' models grant to each role (assembled by `governance.roles`)."""

ASSET_MODELS = ("assetcategory", "asset", "depreciationrun")

GRANTS = {
    # The asset officer keeps the ledger and posts the depreciation.
    "asset_officer": tuple(
        f"assets.{a}_{model}" for model in ASSET_MODELS for a in ("add", "change", "view")
    ),
    # Finance reads the values and the depreciation.
    "finance": tuple(f"assets.view_{model}" for model in ASSET_MODELS),
    "leadership": tuple(f"assets.view_{model}" for model in ASSET_MODELS),
    # Scoped: a head sees their units' assets.
    "department_head": ("assets.view_asset",),
}
