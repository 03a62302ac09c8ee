"""The asset ledger's admin screens (资产): the categories (data the asset officer keeps),
the asset cards, and the depreciation runs (posted and reversed through the services)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from governance.access import may_everywhere
from governance.access.viewsets import ScopedModelViewSet

from .models import Asset, AssetCategory, DepreciationRun


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


class AssetViewSet(ScopedModelViewSet):
    model = Asset
    icon = "cogs"
    menu_label = _("Asset cards")
    menu_order = 1
    disabled_views = ("copy", "delete")  # a card is never deleted: it is disposed of
    list_select_related = ("category", "unit", "unit__library")
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
    list_export = [
        "number",
        "name",
        "category",
        "model",
        "quantity",
        "measure_unit",
        "original_value",
        "value_basis",
        "acquired_on",
        "funding_source",
        "supplier",
        "invoice",
        "location",
        "unit",
        "custodian",
        "status",
        "life_months",
        "accumulated_depreciation",
        "months_charged",
    ]
    export_filename = "asset-ledger"
    inspect_view_fields = [*list_export[:-2], "accumulated_depreciation", "months_charged"]
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


class AssetViewSetGroup(ModelViewSetGroup):
    menu_label = _("Assets")
    menu_icon = "cogs"
    menu_order = 170
    submenu_hook = "register_assets_menu_item"
    items = (
        AssetViewSet("assets_asset", url_prefix="assets/cards"),
        DepreciationRunViewSet("assets_depreciationrun", url_prefix="assets/depreciation"),
        AssetCategoryViewSet("assets_assetcategory", url_prefix="assets/categories"),
    )
