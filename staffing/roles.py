"""What staffing's models grant to each role (assembled by `governance.roles`)."""

STAFFING_MODELS = (
    "staff",
    "postappointment",
    "titlerecord",
    "trainingprogram",
    "enrolment",
    "externaltraining",
    "certificate",
    "structuretarget",
    "unitassignment",
    "educationrecord",
    "continuingeducationrule",
    "leaverecord",
    "investigation",
)
# HR: every staff record, with ID numbers and birth dates.
STAFFING_HR = (
    *(f"staffing.{a}_{m}" for m in STAFFING_MODELS for a in ("add", "change", "view")),
    "staffing.view_staff_personal",
)
# Scoped: their units' staff and those staff's posts, titles and training (no ID numbers).
STAFFING_HEAD = tuple(
    f"staffing.view_{m}"
    for m in (
        "staff",
        "postappointment",
        "titlerecord",
        "enrolment",
        "externaltraining",
        "certificate",
        "unitassignment",
        "educationrecord",
    )
)

# Certificate scans (they often show ID numbers): HR and administrators download them.
CERTIFICATE_FILES = ("staffing.view_training_certificate",)

GRANTS = {
    "department_head": STAFFING_HEAD,
    "hr": (*STAFFING_HR, *CERTIFICATE_FILES),
    "administrator": CERTIFICATE_FILES,
}
