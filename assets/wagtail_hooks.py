"""Every registration of assets: access policies (first), the viewsets and their menu,
the depreciation URLs and the log actions."""

from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy
from governance.indicators import register_provider
from governance.wagtail_hooks import PolicyMenuItem

from .models import (
    Asset,
    AssetCategory,
    AssetFile,
    CustodyEvent,
    DepreciationRun,
    Disposal,
    DisposalItem,
    HoldingBatch,
    HoldingWithdrawal,
    StockTake,
    StockTakeLine,
)

# A card belongs to the unit in custody of it, and is visible to the person in custody;
# its files go with it.
register_permission_policy(
    Asset, ScopedPermissionPolicy(Asset, unit_field="unit", self_field="custodian")
)
register_permission_policy(
    AssetFile,
    ScopedPermissionPolicy(AssetFile, unit_field="asset__unit", self_field="asset__custodian"),
)
# A transfer is the receiving unit's to accept; the giving unit sees it too.
register_permission_policy(
    CustodyEvent,
    ScopedPermissionPolicy(
        CustodyEvent,
        unit_field="to_unit",
        view_unit_fields=("from_unit",),
        codenames={"accept": "accept_custodyevent"},
    ),  # fmt: skip
)
# A stock-take is counted by those assigned to it (owner grants on the campaign).
register_permission_policy(
    StockTake,
    ScopedPermissionPolicy(
        StockTake,
        unit_field=None,
        codenames={"count": "count_stocktake", "settle": "settle_stocktake"},
    ),  # fmt: skip
)
register_permission_policy(
    StockTakeLine,
    ScopedPermissionPolicy(StockTakeLine, unit_field=None, view_via_grant="stocktake"),
)
register_permission_policy(
    Disposal,
    ScopedPermissionPolicy(Disposal, unit_field=None, codenames={"approve": "approve_disposal"}),
)
# A withdrawal is locked once approved (it then counts).
register_permission_policy(
    HoldingWithdrawal,
    ScopedPermissionPolicy(
        HoldingWithdrawal,
        unit_field="library",
        codenames={"approve": "approve_holdingwithdrawal"},
        locked_when=Q(approved_by__isnull=False),
    ),
)
register_permission_policy(HoldingBatch, ScopedPermissionPolicy(HoldingBatch, unit_field="library"))
# The categories, the runs and a disposal's lines are the whole ledger's: global roles only.
for _model in (AssetCategory, DepreciationRun, DisposalItem):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=None))

from . import selectors, views  # noqa: E402
from .importers import IMPORT_ACTION  # noqa: E402
from .services import (  # noqa: E402
    CUSTODY_ACTION,
    DISPOSAL_ACTION,
    REVERSE_ACTION,
    RUN_ACTION,
    STOCKTAKE_ACTION,
)
from .viewsets import AssetViewSetGroup  # noqa: E402

LOG_ACTIONS = {
    RUN_ACTION: gettext_lazy("Depreciation posted"),
    REVERSE_ACTION: gettext_lazy("Depreciation reversed"),
    IMPORT_ACTION: gettext_lazy("Imported an asset ledger"),
    CUSTODY_ACTION: gettext_lazy("Custody changed"),
    STOCKTAKE_ACTION: gettext_lazy("Stock-take"),
    DISPOSAL_ACTION: gettext_lazy("Disposal"),
}


@hooks.register("register_log_actions")
def register_asset_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)


@hooks.register("register_admin_viewset")
def register_asset_viewsets():
    return AssetViewSetGroup()


# The menu's pages beyond the viewsets: (label, URL name, icon, order, model, action,
# on every row?).
MENU = (
    (gettext_lazy("Transfers to accept"), "assets_transfers", "resubmit", 5,
     CustodyEvent, "accept", False),
    (gettext_lazy("Post a month's depreciation"), "assets_post_depreciation", "date", 10,
     DepreciationRun, "add", False),
    (gettext_lazy("Start a stock-take"), "assets_stocktake_new", "tasks", 15,
     StockTake, "add", True),
    (gettext_lazy("Propose a disposal"), "assets_disposal_new", "bin", 16,
     Disposal, "add", True),
    (gettext_lazy("Import a ledger"), "assets_import", "upload", 20, Asset, "add", True),
    (gettext_lazy("Holdings as of a date"), "assets_holdings", "doc-full-inverse", 30,
     HoldingBatch, "view", False),
    (gettext_lazy("Last year's fixed-asset movement (.xlsx)"), "assets_movement", "download",
     40, Asset, "view", True),
)  # fmt: skip


def _menu_item(label, url_name, icon, order, model, action, everywhere):
    def item():
        return PolicyMenuItem(
            label, reverse(url_name), name=url_name.replace("_", "-"), icon_name=icon,
            order=order, model=model, action=action, everywhere=everywhere,
        )  # fmt: skip

    return item


for _spec in MENU:
    hooks.register(AssetViewSetGroup.submenu_hook, _menu_item(*_spec))


# The plan's indicators the holdings feed.
register_provider("assets.holdings_total", gettext_lazy("Holdings (total volumes)"),
                  selectors.holdings_total)  # fmt: skip
register_provider("assets.holdings_bought", gettext_lazy("Holdings (volumes bought this year)"),
                  selectors.holdings_bought)  # fmt: skip
register_provider("assets.holdings_spending", gettext_lazy("Holdings (purchase spending)"),
                  selectors.holdings_spending)  # fmt: skip


@hooks.register("register_admin_urls")
def register_asset_urls():
    return [
        path("assets/import/", views.import_ledger, name="assets_import"),
        path("assets/label/<str:number>/", views.label, name="assets_label"),
        path("assets/cards/<int:pk>/label.pdf", views.card_label, name="assets_card_label"),
        path("assets/stocktakes/new/", views.stocktake_new, name="assets_stocktake_new"),
        path("assets/disposals/new/", views.disposal_new, name="assets_disposal_new"),
        path("assets/holdings/", views.holdings, name="assets_holdings"),
        path("assets/movement.xlsx", views.movement, name="assets_movement"),
        path("assets/cards/<int:pk>/card.pdf", views.card_pdf, name="assets_card_pdf"),
        path(
            "assets/holdings/withdrawals/<int:pk>/approve/",
            views.approve_withdrawal,
            name="assets_approve_withdrawal",
        ),
        path(
            "assets/disposals/<int:pk>/submit/",
            views.disposal_submit,
            name="assets_disposal_submit",
        ),
        path(
            "assets/disposals/<int:pk>/approve/",
            views.disposal_decide,
            {"approve": True},
            name="assets_disposal_approve",
        ),
        path(
            "assets/disposals/<int:pk>/refuse/",
            views.disposal_decide,
            {"approve": False},
            name="assets_disposal_refuse",
        ),
        path(
            "assets/stocktakes/<int:pk>/count/",
            views.stocktake_count,
            name="assets_stocktake_count",
        ),
        path(
            "assets/stocktakes/<int:pk>/close/",
            views.stocktake_close,
            name="assets_stocktake_close",
        ),
        path(
            "assets/stocktakes/<int:pk>/settle/",
            views.stocktake_settle,
            name="assets_stocktake_settle",
        ),
        path(
            "assets/stocktakes/<int:pk>/labels.pdf",
            views.stocktake_labels,
            name="assets_stocktake_labels",
        ),
        path(
            "assets/stocktakes/<int:pk>/report.pdf",
            views.stocktake_report,
            name="assets_stocktake_report",
        ),
        path("assets/transfers/", views.transfers, name="assets_transfers"),
        path("assets/cards/<int:pk>/issue/", views.move, {"kind": "issue"}, name="assets_issue"),
        path("assets/cards/<int:pk>/return/", views.move, {"kind": "return"}, name="assets_return"),
        path(
            "assets/cards/<int:pk>/transfer/",
            views.move,
            {"kind": "transfer"},
            name="assets_transfer",
        ),
        path("assets/cards/<int:pk>/files/", views.attach_file, name="assets_attach_file"),
        path(
            "assets/transfers/<int:pk>/accept/",
            views.decide_transfer,
            {"accept": True},
            name="assets_accept_transfer",
        ),
        path(
            "assets/transfers/<int:pk>/refuse/",
            views.decide_transfer,
            {"accept": False},
            name="assets_refuse_transfer",
        ),
        path(
            "assets/transfers/<int:pk>/withdraw/",
            views.withdraw_transfer,
            name="assets_withdraw_transfer",
        ),
        path("assets/depreciation/post/", views.post_depreciation, name="assets_post_depreciation"),
        path(
            "assets/depreciation/<int:pk>/summary.xlsx",
            views.run_summary_xlsx,
            name="assets_run_summary",
        ),
        path(
            "assets/depreciation/<int:pk>/reverse/",
            views.reverse_depreciation,
            name="assets_reverse_depreciation",
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_assets_panel(request, panels_list):
    panel = views.assets_panel(request.user)
    if panel is not None:
        panels_list.append(panel)
