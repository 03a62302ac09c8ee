"""Every registration of assets: access policies (first), then the log actions."""

from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from governance.access import ScopedPermissionPolicy

from .models import Asset, AssetCategory, DepreciationRun

# A card belongs to the unit in custody of it, and is visible to the person in custody.
register_permission_policy(
    Asset, ScopedPermissionPolicy(Asset, unit_field="unit", self_field="custodian")
)
# The categories and the runs are the whole ledger's: global roles only.
for _model in (AssetCategory, DepreciationRun):
    register_permission_policy(_model, ScopedPermissionPolicy(_model, unit_field=None))

from .services import REVERSE_ACTION, RUN_ACTION  # noqa: E402

LOG_ACTIONS = {
    RUN_ACTION: gettext_lazy("Depreciation posted"),
    REVERSE_ACTION: gettext_lazy("Depreciation reversed"),
}


@hooks.register("register_log_actions")
def register_asset_log_actions(actions):
    for code, label in LOG_ACTIONS.items():
        actions.register_action(code, label, label)
