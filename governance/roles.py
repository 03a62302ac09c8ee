"""The roles Shuxiang ships with: Django groups, their model permissions and scope.

`setup_roles()` is idempotent; it runs after every `migrate` and from `load_demo`.
Later apps add their permissions to ROLES as their models land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Role

ACCESS_ADMIN = "wagtailadmin.access_admin"
ORG_VIEW = "governance.view_orgunit"
ORG_EDIT = ("governance.add_orgunit", "governance.change_orgunit", "governance.view_orgunit")
PLAN_MODELS = ("plan", "planitem", "annualtarget", "period", "indicator", "indicatoryear")


def _crud(models: tuple[str, ...], actions=("add", "change", "delete", "view")) -> tuple[str, ...]:
    return tuple(f"governance.{a}_{m}" for m in models for a in actions)


PLAN_VIEW = (
    *_crud(PLAN_MODELS, ("view",)),
    "governance.view_progressreport",
    "governance.view_contribution",
)
PLAN_OFFICE = (
    *_crud(PLAN_MODELS),
    "governance.view_progressreport",
    "governance.review_progressreport",
    "governance.view_contribution",
)
# Scoped: their units' items, reports and contributions.
PLAN_HEAD = (
    "governance.view_planitem",
    "governance.change_planitem",
    "governance.view_annualtarget",
    "governance.add_annualtarget",
    "governance.change_annualtarget",
    "governance.add_progressreport",
    "governance.change_progressreport",
    "governance.view_progressreport",
    "governance.add_contribution",
    "governance.change_contribution",
    "governance.view_contribution",
)
STAFFING_MODELS = (
    "staff",
    "postappointment",
    "titlerecord",
    "trainingprogram",
    "enrolment",
    "externaltraining",
    "certificate",
    "structuretarget",
)
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
    )
)
PAGE_PERMS = ("wagtailcore.add_page", "wagtailcore.change_page", "wagtailcore.publish_page")
MEDIA_PERMS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)


@dataclass(frozen=True)
class RoleSpec:
    key: str
    name: str  # the group's name, in Chinese: it is data shown to users
    scope: str
    permissions: tuple[str, ...]
    description: str = ""
    pages: bool = False  # page and media permissions on the whole site


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "planning",
        "规划办",
        Role.Scope.GLOBAL,
        (ORG_VIEW, *PLAN_OFFICE),
        "导入规划、分解任务、审核进度、组织评估；可见全部规划内容。",
    ),
    RoleSpec(
        "leadership",
        "馆领导",
        Role.Scope.GLOBAL,
        (ORG_VIEW, *PLAN_VIEW),
        "阅看各类看板并签批；全部只读。",
    ),
    RoleSpec(
        "department_head",
        "部门负责人",
        Role.Scope.UNIT,
        (*ORG_EDIT, *PLAN_HEAD, *STAFFING_HEAD),
        "分解本部门任务、报送进度、评价本部门职工；范围为本部门及下级单位。",
    ),
    RoleSpec(
        "staff",
        "职工",
        Role.Scope.UNIT,
        (ORG_VIEW,),
        "报送交办给本人的任务进度、填写考核个人总结、查看本人培训记录。",
    ),
    RoleSpec(
        "hr",
        "人事",
        Role.Scope.GLOBAL,
        (ORG_VIEW, *STAFFING_HR),
        "职工档案、岗位、职称、培训与考核周期。",
    ),
    RoleSpec(
        "finance", "财务", Role.Scope.GLOBAL, (ORG_VIEW,), "预算项目、绩效目标、支出、监控与自评。"
    ),
    RoleSpec(
        "asset_officer",
        "资产管理员",
        Role.Scope.GLOBAL,
        (ORG_VIEW,),
        "资产卡片、领用、折旧、清查盘点、处置与馆藏资产。",
    ),
    RoleSpec("trustee", "理事", Role.Scope.GLOBAL, (), "理事会文件，审议规划调整与年度报告。"),
    RoleSpec(
        "editor", "网站编辑", Role.Scope.GLOBAL, (), "公开页面、信息公开与年度报告。", pages=True
    ),
    RoleSpec(
        "administrator",
        "系统管理员",
        Role.Scope.GLOBAL,
        (
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
        "用户、角色与授权范围，组织机构，站点设置。",
    ),
)


def _permissions(names) -> list[Permission]:
    if not names:
        return []
    condition = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition))
    if len(found) != len(set(names)):
        missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
        raise LookupError(f"permissions not found (run migrate first): {sorted(missing)}")
    return found


@transaction.atomic
def setup_roles() -> list[Group]:
    """Create or update the groups and their Role rows; never removes extra permissions
    an administrator added by hand, only adds the ones a role needs."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

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
        group.permissions.add(*_permissions((ACCESS_ADMIN, *spec.permissions)))
        # The tree roots come from Wagtail's data migrations; they are briefly missing
        # while a test database is flushed and restored, and the next run adds these.
        root_page = Page.get_first_root_node()
        if spec.pages and root_page is not None:
            for perm in _permissions(PAGE_PERMS):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
        root_collection = Collection.get_first_root_node()
        if spec.pages and root_collection is not None:
            # Website media live in their own collection: the root also holds private
            # documents (plan evidence), which editors must not browse or publish.
            media = website_collection(root_collection)
            GroupCollectionPermission.objects.filter(
                group=group, collection=root_collection, permission__in=_permissions(MEDIA_PERMS)
            ).delete()
            for perm in _permissions(MEDIA_PERMS):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=media, permission=perm
                )
        groups.append(group)
    if root_collection is not None:
        # HR files staff certificates (scans often show ID numbers) in a collection only
        # HR may open.
        hr = next(g for g, spec in zip(groups, ROLES, strict=True) if spec.key == "hr")
        certificates = restricted_collection(CERTIFICATE_COLLECTION, ("hr", "administrator"))
        for perm in _permissions(DOCUMENT_PERMS):
            GroupCollectionPermission.objects.get_or_create(
                group=hr, collection=certificates, permission=perm
            )
    return groups


WEBSITE_COLLECTION = "网站资料"
EVIDENCE_COLLECTION = "规划佐证材料"
CERTIFICATE_COLLECTION = "职工证书"
DOCUMENT_PERMS = (
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
EVIDENCE_ROLES = ("planning", "leadership", "department_head", "administrator")


def website_collection(root=None):
    """The collection of the public website's images and documents."""
    from wagtail.models import Collection

    root = root or Collection.get_first_root_node()
    found = root.get_children().filter(name=WEBSITE_COLLECTION).first()
    return found or root.add_child(name=WEBSITE_COLLECTION)


def restricted_collection(name: str, role_keys: tuple[str, ...]):
    """A collection under the root whose files only these roles may download (a Wagtail
    view restriction by group)."""
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(name=name)
    restriction, _created = CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": CollectionViewRestriction.GROUPS}
    )
    restriction.groups.add(*Group.objects.filter(role__key__in=role_keys))
    return collection


def evidence_collection():
    """The private collection of progress-report evidence: the roles working on the plan."""
    return restricted_collection(EVIDENCE_COLLECTION, EVIDENCE_ROLES)


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
    "editor": _("Editor"),
    "administrator": _("Administrator"),
}
