"""What budget's models grant to each role (assembled by `governance.roles`)."""

BUDGET_MODELS = (
    "budgetproject",
    "budgetadjustment",
    "targettable",
    "expenditure",
    "selfevaluation",
    "monitoring",
)

BOARD_SUMMARY = "budget.view_board_summary"

GRANTS = {
    # Finance keeps the project library, approves the target tables, imports the ledger.
    "finance": (
        *(f"budget.{a}_{model}" for model in BUDGET_MODELS for a in ("add", "change", "view")),
        BOARD_SUMMARY,
    ),
    # Scoped: a head drafts their department's target tables, monitoring and
    # self-evaluations and follows its spending.
    "department_head": (
        "budget.view_budgetproject",
        "budget.view_budgetadjustment",
        "budget.view_expenditure",
        "budget.add_targettable",
        "budget.change_targettable",
        "budget.view_targettable",
        "budget.add_selfevaluation",
        "budget.change_selfevaluation",
        "budget.view_selfevaluation",
        "budget.add_monitoring",
        "budget.change_monitoring",
        "budget.view_monitoring",
    ),
    # The leadership reads everything.
    "leadership": (*(f"budget.view_{model}" for model in BUDGET_MODELS), BOARD_SUMMARY),
    # Trustees read the summary prepared for the board, nothing of a project.
    "trustee": (BOARD_SUMMARY,),
}
