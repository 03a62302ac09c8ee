"""What performance's models grant to each role (assembled by `governance.roles`)."""

APPRAISAL_MODELS = (
    "appraisalcycle",
    "committeemember",
    "appraisal",
    "objection",
    "appeal",
    "titlerule",
)

GRANTS = {
    # HR runs the cycles: every appraisal of every library.
    "hr": tuple(
        f"performance.{a}_{m}" for m in APPRAISAL_MODELS for a in ("add", "change", "view")
    ),
    # Scoped: their units' staff's appraisals, to score them; the objections and appeals.
    "department_head": (
        "performance.view_appraisal",
        "performance.change_appraisal",
        "performance.view_objection",
        "performance.view_appeal",
    ),
}
