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
    # HR runs the cycles: every appraisal of every library; it reads the departments' ranking.
    "hr": (
        *(f"performance.{a}_{m}" for m in APPRAISAL_MODELS for a in ("add", "change", "view")),
        "performance.view_departmentevaluation",
    ),
    # Scoped: their units' staff's appraisals, to score them; the objections and appeals;
    # their own department's evaluation.
    "department_head": (
        "performance.view_appraisal",
        "performance.change_appraisal",
        "performance.view_objection",
        "performance.view_appeal",
        "performance.view_departmentevaluation",
    ),
    # The leadership evaluates the departments; the planning office reads the ranking.
    "leadership": tuple(f"performance.{a}_departmentevaluation" for a in ("add", "change", "view")),
    "planning": ("performance.view_departmentevaluation",),
}
