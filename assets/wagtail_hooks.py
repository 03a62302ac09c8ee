"""Every registration of assets: access policies (first), the viewsets and their menu,
the depreciation URLs and the log actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy, may

from .models import Asset, AssetCategory, DepreciationRun

# A card belongs to the unit in custody of it, and is visible to the person in custody.
register_permission_policy(
    Asset, ScopedPermissionPolicy(Asset, unit_field="unit", self_field="custodian")
)
# The categories and the runs are the whole ledger's: global roles only.
for _model in (AssetCategory, DepreciationRun):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=None))

from . import views  # noqa: E402
from .services import REVERSE_ACTION, RUN_ACTION  # noqa: E402
from .viewsets import AssetViewSetGroup  # noqa: E402

LOG_ACTIONS = {
    RUN_ACTION: gettext_lazy("Depreciation posted"),
    REVERSE_ACTION: gettext_lazy("Depreciation reversed"),
}


@hooks.register("register_log_actions")
def register_asset_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)


@hooks.register("register_admin_viewset")
def register_asset_viewsets():
    return AssetViewSetGroup()


class PostDepreciationMenuItem(MenuItem):
    def is_shown(self, request):
        return may(request.user, DepreciationRun, "add")


@hooks.register(AssetViewSetGroup.submenu_hook)
def register_post_depreciation_menu_item():
    return PostDepreciationMenuItem(
        gettext_lazy("Post a month's depreciation"),
        reverse("assets_post_depreciation"),
        name="assets-post-depreciation",
        icon_name="date",
        order=10,
    )


@hooks.register("register_admin_urls")
def register_asset_urls():
    return [
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
