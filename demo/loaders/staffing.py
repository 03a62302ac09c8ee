"""About 250 staff of the city and county libraries from HR's files: the staff sheet,
the post and title histories, the post qualifications, two years (2025–2026) of training
from the training office's registers, and HR's structure targets.

Everything goes through staffing's importers, as HR would load it, except the eight
structure targets (typed into their form; written here as they are). The demo's "today"
is 2026-11-20: most of 2026's training is done and December's is still to come.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from staffing.importers import sheet
from staffing.importers.records import (
    import_certificates,
    import_post_history,
    import_title_history,
)
from staffing.importers.staff import import_staff
from staffing.importers.training import (
    import_enrolments,
    import_external_training,
    import_programs,
)
from staffing.models import Staff, StructureTarget

from .files import path, read_csv
from .org import demo_users

HR = "hr"
STAFF = "staff.xlsx"
POSTS = "staff-posts.xlsx"
TITLES = "staff-titles.xlsx"
CERTIFICATES = "staff-certificates.xlsx"
PROGRAMS = "training-programs.xlsx"
ENROLMENTS = "training-enrolments.csv"
EXTERNAL = "training-external.csv"
TARGETS = "structure-targets.csv"
# The structure targets' 维度 column and how its 取值 column reads.
DIMENSIONS = {
    "职称级别": (StructureTarget.Dimension.TITLE_LEVEL, sheet.TITLE_LEVEL),
    "学历": (StructureTarget.Dimension.EDUCATION, sheet.EDUCATION),
    "学科类别": (StructureTarget.Dimension.DISCIPLINE, sheet.DISCIPLINE),
    "岗位类别": (StructureTarget.Dimension.POST_CATEGORY, sheet.POST_CATEGORY),
}


def _file(name: str) -> tuple[str, bytes]:
    return name, path(name).read_bytes()


@transaction.atomic
def load_staffing() -> dict[str, int]:
    """Load HR's files; does nothing when any staff record exists. Runs after the org
    tree and users."""
    keys = ["staff", "programs", "enrolments", "external_trainings", "certificates", "targets"]
    if Staff.objects.exists():
        return dict.fromkeys(keys, 0)
    hr = get_user_model().objects.filter(username=HR).first()

    staff = import_staff(path(STAFF).read_bytes(), user=hr)
    import_post_history(*_file(POSTS), user=hr)
    import_title_history(*_file(TITLES), user=hr)
    _link_logins()
    certificates = import_certificates(*_file(CERTIFICATES), user=hr)
    programs = import_programs(*_file(PROGRAMS), user=hr)
    enrolments = import_enrolments(*_file(ENROLMENTS), user=hr)
    external = import_external_training(*_file(EXTERNAL), user=hr)
    targets = _structure_targets()
    return {
        "staff": staff.created,
        "programs": programs.rows,
        "enrolments": enrolments.rows,
        "external_trainings": external.rows,
        "certificates": certificates.rows,
        "targets": targets,
    }


def _link_logins() -> None:
    """The demo users who work here get their own staff record as their login's."""
    users = {u.username: u for u in get_user_model().objects.all()}
    for spec in demo_users():
        if spec.staff_number and spec.username in users:
            Staff.objects.filter(staff_number=spec.staff_number).update(user=users[spec.username])


def _structure_targets() -> int:
    targets = []
    for row in read_csv(TARGETS):
        dimension, terms = DIMENSIONS[row["维度"]]
        targets.append(
            StructureTarget(
                year=int(row["年度"]),
                dimension=dimension,
                value=str(terms.parse(row["取值（及以上）"])),
                min_share=Decimal(row["最低占比（%）"]),
            )
        )
    return len(StructureTarget.objects.bulk_create(targets, ignore_conflicts=True))
