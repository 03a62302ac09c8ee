"""The asset ledger's admin screens (资产): the categories (data the asset officer keeps),
the asset cards, the depreciation runs (posted and reversed through the services) and the
stock-takes (opened, closed and settled through the services), the disposals and the
holdings (batches, withdrawals approved by leadership)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from governance.access import may_everywhere
from governance.access.viewsets import ScopedModelViewSet
from governance.people import person_select_related

from .forms import AssetFileForm, MoveForm
from .models import (
    Asset,
    AssetCategory,
    DepreciationRun,
    Disposal,
    HoldingBatch,
    HoldingWithdrawal,
    StockTake,
)
from .selectors import card_page, disposal_page, stocktake_page


class AssetCategoryViewSet(ScopedModelViewSet):
    model = AssetCategory
    icon = "list-ul"
    menu_label = _("Asset categories")
    menu_order = 3
    disabled_views = ("copy", "delete")  # cards point at them
    list_display = ["code", "name", "top_class", "account", "depreciable", "min_life_months"]
    list_filter = ["top_class", "account", "depreciable"]
    search_fields = ["code", "name"]
    form_fields = ["code", "name", "top_class", "account", "depreciable", "min_life_months"]


class AssetInspectView(ScopedModelViewSet.inspect_view_class):
    """The card: its details with the net value, its custody history (moves, a transfer
    waiting), photos and documents, depreciation charged and counts."""

    template_name = "assets/asset_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(card_page(self.object, self.request.user))
        if context["may_move"]:
            context["move_form"] = MoveForm()
        if context["may_attach"]:
            context["file_form"] = AssetFileForm()
        return context


class AssetIndexView(ScopedModelViewSet.index_view_class):
    def get_base_queryset(self):
        # Depreciation to the latest month posted, computed in the listing's one query.
        return super().get_base_queryset().with_depreciation()


class AssetViewSet(ScopedModelViewSet):
    model = Asset
    index_view_class = AssetIndexView
    icon = "cogs"
    menu_label = _("Asset cards")
    menu_order = 1
    disabled_views = ("copy", "delete")  # a card is never deleted: it is disposed of
    inspect_view_class = AssetInspectView
    list_select_related = (
        "category", "unit", "unit__library", *person_select_related("custodian"),
    )  # fmt: skip
    list_display = [
        TitleColumn("number", label=_("asset number"), url_name="assets_asset:inspect"),
        "name",
        "category",
        "unit",
        "custodian",
        "original_value",
        "accumulated_depreciation",
        "status",
    ]
    list_filter = ["status", "category", "value_basis"]
    search_fields = ["number", "name", "location", "model"]
    list_per_page = 50
    # The ledger, headed as the national asset system heads its export (and as the import
    # reads it): an exported ledger imports back.
    export_headings = {
        "number": "资产编号",
        "name": "资产名称",
        "category.code": "资产分类代码",
        "category.name": "资产分类名称",
        "model": "规格型号",
        "quantity": "数量",
        "measure_unit": "计量单位",
        "original_value": "价值",
        "value_basis": "价值类型",
        "acquired_on": "取得日期",
        "funding_source": "经费来源",
        "supplier": "销售商",
        "invoice": "发票号",
        "location": "存放地点",
        "library_name": "使用单位",
        "unit.name": "使用部门",
        "custodian_name": "使用人",
        "status": "使用状况",
        "life_months": "使用年限(月)",
        "accumulated_depreciation": "累计折旧",
        "months_charged": "已提折旧月数",
        "net_value": "净值",
    }
    list_export = list(export_headings)
    export_filename = "asset-ledger"
    inspect_view_fields = [
        "number", "name", "category", "model", "quantity", "measure_unit", "original_value",
        "value_basis", "acquired_on", "funding_source", "supplier", "invoice", "location",
        "unit", "custodian", "status", "life_months", "disposed_on",
    ]  # fmt: skip
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("number"), FieldPanel("name")]),
            FieldRowPanel([FieldPanel("category"), FieldPanel("model")]),
            FieldRowPanel(
                [FieldPanel("quantity"), FieldPanel("measure_unit"), FieldPanel("life_months")]
            ),
            FieldRowPanel(
                [FieldPanel("original_value"), FieldPanel("value_basis"), FieldPanel("acquired_on")]
            ),
            FieldRowPanel(
                [FieldPanel("funding_source"), FieldPanel("supplier"), FieldPanel("invoice")]
            ),
            FieldRowPanel([FieldPanel("unit"), FieldPanel("custodian"), FieldPanel("location")]),
            FieldRowPanel([FieldPanel("status"), FieldPanel("disposed_on")]),
        ]
    )


class RunInspectView(ScopedModelViewSet.inspect_view_class):
    template_name = "assets/run_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_reverse"] = may_everywhere(self.request.user, DepreciationRun, "add")
        return context


class DepreciationRunViewSet(ScopedModelViewSet):
    model = DepreciationRun
    icon = "date"
    menu_label = _("Depreciation runs")
    menu_order = 2
    # Posted and reversed through the services (views.post_depreciation, reverse_depreciation).
    disabled_views = ("add", "edit", "copy", "delete")
    list_display = [
        TitleColumn("year", label=_("year"), url_name="assets_depreciationrun:inspect"),
        "month",
        "total",
        "cards",
        "live",
        "posted_by",
        "posted_at",
        "reason",
    ]
    list_filter = ["year", "live"]
    form_fields = ["reason"]  # never shown: add and edit are off
    inspect_view_class = RunInspectView


class StockTakeInspectView(ScopedModelViewSet.inspect_view_class):
    """The campaign: its results, differences, labels, report and the next step."""

    template_name = "assets/stocktake_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(stocktake_page(self.object, self.request.user))
        return context


class StockTakeViewSet(ScopedModelViewSet):
    model = StockTake
    icon = "tasks"
    menu_label = _("Stock-takes")
    menu_order = 4
    # Opened through the service (views.stocktake_new: it makes the count list).
    disabled_views = ("add", "edit", "copy", "delete")
    list_display = [
        TitleColumn("name", label=_("name"), url_name="assets_stocktake:inspect"),
        "year",
        "state",
        "ends_on",
        "approval_ref",
    ]
    list_filter = ["year", "state"]
    form_fields = ["name"]  # never shown: add and edit are off
    inspect_view_class = StockTakeInspectView
    inspect_view_fields = ["name", "year", "location", "ends_on", "state", "completed_at",
                           "settled_by", "settled_at", "approval_ref"]  # fmt: skip


class DisposalInspectView(ScopedModelViewSet.inspect_view_class):
    """The disposal: its cards and values, the level of approval, the next step."""

    template_name = "assets/disposal_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(disposal_page(self.object, self.request.user))
        return context


class DisposalViewSet(ScopedModelViewSet):
    model = Disposal
    icon = "bin"
    menu_label = _("Disposals")
    menu_order = 5
    # Drafted, submitted and decided through the services (views.disposal_*).
    disabled_views = ("add", "edit", "copy", "delete")
    list_display = [
        TitleColumn("kind", label=_("type of disposal"), url_name="assets_disposal:inspect"),
        "grounds",
        "value",
        "level",
        "state",
        "decided_on",
    ]
    list_filter = ["state", "kind"]
    form_fields = ["reason"]  # never shown: add and edit are off
    inspect_view_class = DisposalInspectView
    inspect_view_fields = ["kind", "grounds", "reason", "decision_ref", "appraisal_ref",
                           "proceeds", "value", "level", "state", "approval_ref",
                           "decided_by", "decided_on", "created_by", "created_at"]  # fmt: skip


class HoldingBatchViewSet(ScopedModelViewSet):
    model = HoldingBatch
    icon = "doc-full"
    menu_label = _("Holdings batches")
    menu_order = 6
    disabled_views = ("copy", "delete")
    list_select_related = ("library",)
    list_display = [
        TitleColumn("date", label=_("date"), url_name="assets_holdingbatch:inspect"),
        "library", "kind", "source", "volumes", "amount", "funding_source", "supplier",
    ]  # fmt: skip
    list_filter = ["kind", "source", "library"]
    list_export = ["date", "library", "kind", "source", "volumes", "amount", "funding_source",
                   "supplier", "note"]  # fmt: skip
    export_filename = "holdings-batches"
    form_fields = ["library", "date", "kind", "source", "volumes", "amount", "funding_source",
                   "supplier", "note"]  # fmt: skip


class WithdrawalInspectView(ScopedModelViewSet.inspect_view_class):
    template_name = "assets/withdrawal_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_approve"] = self.object.approved_by_id is None and may_everywhere(
            self.request.user, HoldingWithdrawal, "approve"
        )
        return context


class HoldingWithdrawalViewSet(ScopedModelViewSet):
    model = HoldingWithdrawal
    icon = "doc-empty"
    menu_label = _("Holdings withdrawals")
    menu_order = 7
    disabled_views = ("copy", "delete")
    list_select_related = ("library",)
    list_display = [
        TitleColumn("date", label=_("date"), url_name="assets_holdingwithdrawal:inspect"),
        "library", "kind", "volumes", "amount", "reason", "approval_ref", "approved_on",
    ]  # fmt: skip
    list_filter = ["kind", "library"]
    form_fields = ["library", "date", "kind", "volumes", "amount", "reason"]
    inspect_view_class = WithdrawalInspectView


class AssetViewSetGroup(ModelViewSetGroup):
    menu_label = _("Assets")
    menu_icon = "cogs"
    menu_order = 170
    submenu_hook = "register_assets_menu_item"
    items = (
        AssetViewSet("assets_asset", url_prefix="assets/cards"),
        DepreciationRunViewSet("assets_depreciationrun", url_prefix="assets/depreciation"),
        StockTakeViewSet("assets_stocktake", url_prefix="assets/stocktakes"),
        DisposalViewSet("assets_disposal", url_prefix="assets/disposals"),
        HoldingBatchViewSet("assets_holdingbatch", url_prefix="assets/holdings/batches"),
        HoldingWithdrawalViewSet(
            "assets_holdingwithdrawal", url_prefix="assets/holdings/withdrawals"
        ),
        AssetCategoryViewSet("assets_assetcategory", url_prefix="assets/categories"),
    )
