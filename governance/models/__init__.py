"""Governance models: the org tree and scopes (org.py), the plan and its tracking (plan.py)."""

from .org import OrgUnit, OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, Role
from .plan import (
    AnnualTarget,
    Contribution,
    Indicator,
    IndicatorYear,
    Period,
    Plan,
    PlanItem,
    ProgressReport,
)

__all__ = [
    "AnnualTarget",
    "Contribution",
    "Indicator",
    "IndicatorYear",
    "OrgUnit",
    "OrgUnitGroupObjectPermission",
    "OrgUnitUserObjectPermission",
    "Period",
    "Plan",
    "PlanItem",
    "ProgressReport",
    "Role",
]
