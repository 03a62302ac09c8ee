"""About 250 staff of the city and county libraries from HR's files: the staff sheet,
the post and title histories, the post qualifications, two years (2025–2026) of training
from the training office's registers, HR's structure targets, three transfers made before
the unit history was kept and the continuing-education rules of 2025 and 2026.

Everything goes through staffing's importers, as HR would load it, except the eight
structure targets and the two yearly rules (typed into their forms; written here as they
are) and the transfers (entered one by one through the service). The demo's "today"
is 2026-11-20: most of 2026's training is done and December's is still to come.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import OrgUnit
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
from staffing.models import ContinuingEducationRule, Staff, StructureTarget
from staffing.services import record_earlier_unit

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
TRANSFERS = "staff-transfers.csv"
CE_RULES = "ce-rules.csv"
Rule = ContinuingEducationRule
# The rules file's words for each choice.
PROFESSIONAL_RULES = {
    "占总学时比例": Rule.ProfessionalRule.SHARE,
    "固定最低学时": Rule.ProfessionalRule.MINIMUM,
}
JOINERS_RULES = {
    "按在职月数折算": Rule.JoinersRule.PRORATE,
    "免于考核": Rule.JoinersRule.EXEMPT,
    "全额要求": Rule.JoinersRule.NONE,
}
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
    keys = [
        "staff",
        "programs",
        "enrolments",
        "external_trainings",
        "certificates",
        "targets",
        "transfers",
        "ce_rules",
    ]
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
    transfers = _transfers(hr)
    ce_rules = _ce_rules()
    return {
        "staff": staff.created,
        "programs": programs.rows,
        "enrolments": enrolments.rows,
        "external_trainings": external.rows,
        "certificates": certificates.rows,
        "targets": targets,
        "transfers": transfers,
        "ce_rules": ce_rules,
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


def _transfers(hr) -> int:
    """People who came to their current unit from another before the history was kept."""
    rows = read_csv(TRANSFERS)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[r["原单位"] for r in rows])}
    people = {
        s.staff_number: s for s in Staff.objects.filter(staff_number__in=[r["工号"] for r in rows])
    }
    for row in rows:
        record_earlier_unit(
            people[row["工号"]],
            unit=units[row["原单位"]],
            until=dt.date.fromisoformat(row["在原单位至"]),
            user=hr,
            basis=row["依据"],
        )
    return len(rows)


def _ce_rules() -> int:
    rules = [
        ContinuingEducationRule(
            year=int(row["年度"]),
            total_hours=Decimal(row["学时要求"]),
            professional_rule_kind=PROFESSIONAL_RULES[row["专业科目规则"]],
            professional_share=row["专业科目占比"],
            professional_min_hours=Decimal(row["专业科目最低学时"])
            if row["专业科目最低学时"]
            else None,
            joiners_rule=JOINERS_RULES[row["年内入职或离职人员"]],
        )
        for row in read_csv(CE_RULES)
    ]
    return len(ContinuingEducationRule.objects.bulk_create(rules, ignore_conflicts=True))
