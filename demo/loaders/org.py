"""The library system's org tree (``org-units.csv``), the demo logins (``users.csv``) and
the public home page (``home-page.json``).

Rows are found by their natural key (unit code, username) and left as they are when they
exist, so loading again never duplicates and never undoes a user's edits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from governance.models import OrgUnit
from governance.roles import ROLES, role_group
from governance.services.org import create_unit, set_user_access

from .files import path, read_csv

# The words of the org tree's 类型 column.
UNIT_KINDS = {
    "图书馆服务体系": OrgUnit.Kind.SYSTEM,
    "图书馆": OrgUnit.Kind.LIBRARY,
    "部门": OrgUnit.Kind.DEPARTMENT,
    "分馆": OrgUnit.Kind.BRANCH,
    "服务点": OrgUnit.Kind.SERVICE_POINT,
}
CITY_LIBRARY = "FZ-SLIB"
ROLE_KEYS = {spec.name: spec.key for spec in ROLES}  # 规划办 → planning


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    email: str
    role: str  # the role's key (planning, department_head …)
    unit: str  # the code of the unit they act for, "" for a global role
    staff_number: str  # their own staff record, if any


def demo_users() -> list[DemoUser]:
    return [
        DemoUser(
            username=row["用户名"],
            full_name=row["姓名"],
            email=row["电子邮箱"],
            role=ROLE_KEYS[row["角色"]],
            unit=row["负责单位"],
            staff_number=row["工号"],
        )
        for row in read_csv("users.csv")
    ]


def counties() -> list[str]:
    """The codes of the county and district libraries (the libraries beside the city's)."""
    return [
        row["编码"]
        for row in read_csv("org-units.csv")
        if UNIT_KINDS[row["类型"]] == OrgUnit.Kind.LIBRARY and row["编码"] != CITY_LIBRARY
    ]


def load_org_tree() -> int:
    """Create the units that are missing, parents first (the file lists them so)."""
    existing = set(OrgUnit.objects.values_list("code", flat=True))
    created = 0
    for row in read_csv("org-units.csv"):
        if row["编码"] in existing:
            continue
        parent_code = row["上级编码"]
        create_unit(
            parent=OrgUnit.objects.get(code=parent_code) if parent_code else None,
            code=row["编码"],
            name=row["名称"],
            short_name=row["简称"],
            kind=UNIT_KINDS[row["类型"]],
            order=int(row["排序"] or 0),
        )
        created += 1
    return created


def load_users() -> int:
    """The demo logins with their role and unit, all with the published demo password."""
    User = get_user_model()  # noqa: N806
    existing = set(User.objects.values_list("username", flat=True))
    # Hashed once for all: a password hash takes the better part of a second by design.
    password = make_password(settings.SHUXIANG_DEMO_PASSWORD)
    created = 0
    for spec in demo_users():
        if spec.username in existing:
            continue
        administrator = spec.role == "administrator"
        user = User.objects.create(
            username=spec.username,
            email=spec.email,
            password=password,
            first_name=spec.full_name,
            is_superuser=administrator,
            is_staff=administrator,
        )
        units = [OrgUnit.objects.get(code=spec.unit)] if spec.unit else []
        set_user_access(user, groups=[role_group(spec.role)], units=units)
        created += 1
    return created


def load_home_page():
    """The library's home page at the site root (Wagtail's placeholder page goes)."""
    from wagtail.models import Page, Site

    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home, False
    content = json.loads(path("home-page.json").read_text(encoding="utf-8"))
    home = HomePage(
        title=content["title"],
        slug=content["slug"],
        library_name=content["library_name"],
        tagline=content["tagline"],
        introduction=content["introduction"],
        links=[("link", link) for link in content["links"]],
        address=content["address"],
        opening_hours=content["opening_hours"],
    )
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=content["site_name"],
        )
    else:
        site.root_page = home
        site.site_name = content["site_name"]
        site.save()
    # Wagtail's placeholder "Welcome" page goes once nothing points at it.
    if old_root is not None and old_root.pk != home.pk and old_root.specific_class is Page:
        old_root.delete()
    return home, True
