"""Governance models: the org tree and scopes (org.py), the plan and its tracking (plan.py),
the reports' evidence files in private storage (evidence.py), the board of trustees
(board.py), the plan's adjustments, versions and evaluations (revisions.py), long
documents prepared in the background (documents.py), corrections of the working-day
calendar (calendar.py)."""

from .board import BoardMeeting, BoardPaper, Resolution, Trustee
from .calendar import WorkdayOverride
from .documents import DocumentJob
from .evidence import EVIDENCE_EXTENSIONS, ContributionEvidence, Evidence, EvidenceFile
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
from .revisions import AdjustmentLine, PlanAdjustment, PlanEvaluation, PlanVersion

__all__ = [
    "EVIDENCE_EXTENSIONS",
    "AdjustmentLine",
    "AnnualTarget",
    "BoardMeeting",
    "BoardPaper",
    "Contribution",
    "ContributionEvidence",
    "DocumentJob",
    "Evidence",
    "EvidenceFile",
    "Indicator",
    "IndicatorYear",
    "OrgUnit",
    "OrgUnitGroupObjectPermission",
    "OrgUnitUserObjectPermission",
    "Period",
    "Plan",
    "PlanAdjustment",
    "PlanEvaluation",
    "PlanItem",
    "PlanVersion",
    "ProgressReport",
    "Resolution",
    "Role",
    "Trustee",
    "WorkdayOverride",
]
