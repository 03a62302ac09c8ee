"""The roles Shuxiang ships with, and the assembly of every app's grants to them.

A role is a Django group with a `Role` row (its key and scope). Each app declares what
its models grant to each role in ``<app>/roles.py`` as ``GRANTS = {role_key: (perm,
…)}``; `setup_roles()` gathers every installed app's ``GRANTS`` (governance imports no
later app: it looks the modules up by name) and gives each group exactly those
permissions — a permission a role no longer has is taken away. It is idempotent and runs
after every ``migrate``. `docs/roles.md` is generated from the same data
(``manage.py roles_table``) and a test keeps it true.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Role

ACCESS_ADMIN = "wagtailadmin.access_admin"  # every role may open the back office
ORG_VIEW = "governance.view_orgunit"
ORG_EDIT = ("governance.add_orgunit", "governance.change_orgunit", "governance.view_orgunit")
PLAN_MODELS = ("plan", "planitem", "annualtarget", "period", "indicator", "indicatoryear")


def _crud(models: tuple[str, ...], actions=("add", "change", "delete", "view")) -> tuple[str, ...]:
    return tuple(f"governance.{a}_{m}" for m in models for a in actions)


PLAN_VIEW = (
    *_crud(PLAN_MODELS, ("view",)),
    "governance.view_planadjustment",
    "governance.view_planversion",
    "governance.view_planevaluation",
    "governance.view_progressreport",
    "governance.view_evidence",
    "governance.view_contribution",
)
PLAN_OFFICE = (
    *_crud(PLAN_MODELS),
    *_crud(("planadjustment",), ("add", "change", "view")),
    *_crud(("planevaluation",), ("add", "view")),
    "governance.view_planversion",
    "governance.view_progressreport",
    "governance.review_progressreport",
    "governance.view_evidence",
    "governance.view_contribution",
)
# Scoped: their units' items, reports (with their evidence files) and contributions.
PLAN_HEAD = (
    "governance.view_planitem",
    "governance.change_planitem",
    "governance.view_annualtarget",
    "governance.add_annualtarget",
    "governance.change_annualtarget",
    "governance.add_progressreport",
    "governance.change_progressreport",
    "governance.view_progressreport",
    "governance.add_evidence",
    "governance.change_evidence",
    "governance.view_evidence",
    "governance.add_contribution",
    "governance.change_contribution",
    "governance.view_contribution",
)
BOARD_MODELS = ("trustee", "boardmeeting", "resolution")
# The board's secretary keeps it; trustees read it all, its papers included; leadership
# reads the members, meetings and resolutions, not the papers.
BOARD_SECRETARY = (
    *_crud(("trustee", "boardmeeting"), ("add", "change", "view")),
    *_crud(("boardpaper",), ("add", "view")),
    *_crud(("resolution",), ("add", "change", "view")),
)
BOARD_READ = _crud((*BOARD_MODELS, "boardpaper"), ("view",))

# governance's own grants (the org tree, the plan, users and the site).
GRANTS: dict[str, tuple[str, ...]] = {
    "planning": (
        *ORG_EDIT,
        *PLAN_OFFICE,
        "governance.view_resolution",
        *_crud(("workdayoverride",), ("add", "change", "view")),
    ),
    "leadership": (ORG_VIEW, *PLAN_VIEW, *_crud(BOARD_MODELS, ("view",))),
    "department_head": (*ORG_EDIT, *PLAN_HEAD),
    "staff": (ORG_VIEW,),
    "hr": (ORG_VIEW, *_crud(("workdayoverride",), ("add", "change", "view"))),
    "finance": (ORG_VIEW,),
    "asset_officer": (ORG_VIEW,),
    "trustee": (*PLAN_VIEW, *BOARD_READ),
    "board_secretary": (ORG_VIEW, *BOARD_SECRETARY),
    "administrator": (
        *ORG_EDIT,
        "governance.delete_orgunit",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "wagtailcore.change_site",
        "wagtailcore.add_site",
        "wagtailcore.view_site",
    ),
}


@dataclass(frozen=True)
class RoleSpec:
    key: str
    name: str  # the group's name, in Chinese: it is data shown to users
    scope: str
    description: str = ""
    # Page permissions on the whole site ("add", "change", "publish"; media:
    # services.collections). Editors draft; publishing goes through leadership's approval
    # (the website's moderation workflow, cms.services.setup_workflow).
    pages: tuple[str, ...] = ()


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "planning",
        "规划办",
        Role.Scope.GLOBAL,
        "导入规划、分解任务、审核进度、组织评估；可见全部规划内容。",
    ),
    RoleSpec(
        "leadership",
        "馆领导",
        Role.Scope.GLOBAL,
        "阅看各类看板并签批；审批网站发布；其余只读。",
        pages=("publish",),
    ),
    RoleSpec(
        "department_head",
        "部门负责人",
        Role.Scope.UNIT,
        "分解本部门任务、报送进度、评价本部门职工；范围为本部门及下级单位。",
    ),
    RoleSpec(
        "staff",
        "职工",
        Role.Scope.UNIT,
        "报送交办给本人的任务进度、填写考核个人总结、查看本人培训记录。",
    ),
    RoleSpec("hr", "人事", Role.Scope.GLOBAL, "职工档案、岗位、职称、培训与考核周期。"),
    RoleSpec("finance", "财务", Role.Scope.GLOBAL, "预算项目、绩效目标、支出、监控与自评。"),
    RoleSpec(
        "asset_officer",
        "资产管理员",
        Role.Scope.GLOBAL,
        "资产卡片、领用、折旧、清查盘点、处置与馆藏资产。",
    ),
    RoleSpec("trustee", "理事", Role.Scope.GLOBAL, "理事会文件，审议规划调整与年度报告。"),
    RoleSpec(
        "board_secretary",
        "理事会秘书",
        Role.Scope.GLOBAL,
        "理事名册、理事会会议、会议文件、出席与表决、决议的登记与公布。",
    ),
    RoleSpec(
        "editor",
        "网站编辑",
        Role.Scope.GLOBAL,
        "公开页面、信息公开与年度报告。",
        pages=("add", "change"),
    ),  # fmt: skip
    RoleSpec(
        "administrator",
        "系统管理员",
        Role.Scope.GLOBAL,
        "用户、角色与授权范围，组织机构，站点设置。",
    ),
)
ROLE_KEYS = tuple(spec.key for spec in ROLES)


def app_grants() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every installed app's ``roles.GRANTS``, by app label (governance first)."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.roles"
        if find_spec(config.name) is None or find_spec(name) is None:
            continue
        grants = getattr(import_module(name), "GRANTS", None)
        if grants is None:
            continue
        unknown = set(grants) - set(ROLE_KEYS)
        if unknown:
            raise LookupError(f"{name}: no such role {sorted(unknown)}")
        found[config.label] = grants
    return found


def role_permissions() -> dict[str, tuple[str, ...]]:
    """Each role's permissions, gathered from every app (sorted, without repeats)."""
    merged: dict[str, set[str]] = defaultdict(set)
    for grants in app_grants().values():
        for key, perms in grants.items():
            merged[key].update(perms)
    return {key: (ACCESS_ADMIN, *sorted(merged[key])) for key in ROLE_KEYS}


def permissions_named(names) -> list[Permission]:
    if not names:
        return []
    condition = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition).select_related("content_type"))
    if len(found) != len(set(names)):
        missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"permissions not found (run migrate first): {sorted(missing)}")
    return found


@transaction.atomic
def setup_roles() -> list[Group]:
    """Create or update the groups, their Role rows and exactly their permissions, then
    the page permissions and the collections (`services.collections`)."""
    from wagtail.models import GroupPagePermission, Page

    from .services.collections import setup_collections

    wanted = role_permissions()
    groups = []
    for order, spec in enumerate(ROLES):
        role = Role.objects.filter(key=spec.key).select_related("group").first()
        if role is None:
            group, _created = Group.objects.get_or_create(name=spec.name)
            role = Role.objects.create(
                group=group,
                key=spec.key,
                scope=spec.scope,
                description=spec.description,
                order=order,
            )
        else:
            group = role.group
            Role.objects.filter(pk=role.pk).update(scope=spec.scope, order=order)
        group.permissions.set(permissions_named(wanted[spec.key]))
        # The tree roots come from Wagtail's data migrations; they are briefly missing
        # while a test database is flushed and restored, and the next run adds these.
        root_page = Page.get_first_root_node()
        if root_page is not None:
            page_perms = permissions_named([f"wagtailcore.{a}_page" for a in spec.pages])
            GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
                permission__in=page_perms
            ).delete()
            for perm in page_perms:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
        groups.append(group)
    setup_collections({spec.key: group for spec, group in zip(ROLES, groups, strict=True)})
    return groups


def role_group(key: str) -> Group:
    return Role.objects.select_related("group").get(key=key).group


ROLE_LABELS = {
    "planning": _("Planning office"),
    "leadership": _("Leadership"),
    "department_head": _("Department head"),
    "staff": _("Staff"),
    "hr": _("HR"),
    "finance": _("Finance"),
    "asset_officer": _("Asset officer"),
    "trustee": _("Trustee"),
    "board_secretary": _("Board secretary"),
    "editor": _("Editor"),
    "administrator": _("Administrator"),
}
