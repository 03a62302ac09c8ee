"""Loading the demo's files: ``load_demo`` runs every part in order, in one transaction,
and is safe to re-run; ``org``, ``plan``, ``staffing``, ``performance``, ``budget``,
``assets``, ``board`` and ``site`` load one part each."""

from __future__ import annotations

from django.db import transaction

from governance.roles import setup_roles

from .assets import load_assets
from .board import load_board
from .budget import load_budget
from .org import load_home_page, load_org_tree, load_users
from .performance import load_appraisals
from .plan import load_plan
from .site import load_site
from .staffing import load_staffing


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Load what is missing of the demo; returns how many rows of each kind were made."""
    setup_roles()
    units = load_org_tree()
    users = load_users()
    _home, home_created = load_home_page()
    plan = load_plan()
    staffing = load_staffing()
    appraisals = load_appraisals()
    budget = load_budget()
    assets = load_assets()
    board = load_board()
    site = load_site()
    return {
        "units": units,
        "users": users,
        "home_page": int(home_created),
        "plan_items": plan["items"],
        "reports": plan["reports"],
        "indicators": plan["indicators"],
        "staff": staffing["staff"],
        "trainings": staffing["enrolments"] + staffing["external_trainings"],
        "appraisal_cycles": appraisals["cycles"],
        "budget_projects": budget["projects"],
        "expenditure_lines": budget["lines"],
        "asset_cards": assets["cards"],
        "depreciation_runs": assets["runs"],
        "trustees": board["trustees"],
        "board_resolutions": board["resolutions"],
        "site_pages": site["pages"],
    }
