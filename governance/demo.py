"""Demo data for `manage.py load_demo`: the city library system, users, the home page.

Idempotent: rows are found by their natural key (unit code, username) and left as they
are when they exist, so re-running never duplicates and never undoes a user's edits.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import OrgUnit
from .roles import role_group, setup_roles
from .services.org import create_unit, grant_scope

SYSTEM = ("FZ", "抚州市公共图书馆服务体系", "市公共图书馆体系", OrgUnit.Kind.SYSTEM)
CITY_LIBRARY = ("FZ-SLIB", "抚州市图书馆", "市图书馆", OrgUnit.Kind.LIBRARY)
CITY_DEPARTMENTS = [
    ("OFFICE", "办公室"),
    ("ACQ", "采编部"),
    ("LEND", "借阅部"),
    ("CHILD", "少儿部"),
    ("LOCAL", "地方文献部"),
    ("DIGI", "数字资源部（信息技术部）"),
    ("PROMO", "阅读推广部"),
    ("OUTREACH", "辅导部（县区辅导）"),
    ("FIN", "财务室"),
]
# Service points under two departments, so a head's scope has units below it.
SERVICE_POINTS = {
    "LEND": [("SELF", "自助借还服务点"), ("CITYROOM", "城市书房（赣东大道）")],
    "CHILD": [("PICTURE", "绘本馆")],
}
COUNTIES = [
    ("LC", "临川区图书馆", "临川区馆"),
    ("DX", "东乡区图书馆", "东乡区馆"),
    ("NC", "南城县图书馆", "南城县馆"),
    ("LCX", "黎川县图书馆", "黎川县馆"),
    ("NF", "南丰县图书馆", "南丰县馆"),
    ("CR", "崇仁县图书馆", "崇仁县馆"),
    ("LA", "乐安县图书馆", "乐安县馆"),
    ("YH", "宜黄县图书馆", "宜黄县馆"),
    ("JX", "金溪县图书馆", "金溪县馆"),
    ("ZX", "资溪县图书馆", "资溪县馆"),
    ("GC", "广昌县图书馆", "广昌县馆"),
]
COUNTY_DEPARTMENTS = [("OFFICE", "办公室"), ("LEND", "借阅部"), ("CHILD", "少儿部")]

# username, role key, unit code (scope), full name
USERS = [
    ("admin", "administrator", None, "系统管理员"),
    ("leader", "leadership", None, "馆长"),
    ("planner", "planning", None, "规划办专员"),
    ("hr", "hr", None, "人事专员"),
    ("finance", "finance", None, "财务专员"),
    ("assets", "asset_officer", None, "资产管理员"),
    ("editor", "editor", None, "网站编辑"),
    ("trustee", "trustee", None, "理事"),
    ("head1", "department_head", "FZ-SLIB-LEND", "借阅部主任"),
    ("head2", "department_head", "FZ-SLIB-CHILD", "少儿部主任"),
    ("staff1", "staff", "FZ-SLIB-LEND", "借阅部馆员"),
]


def _unit(parent, code, name, kind, short_name="", order=0):
    existing = OrgUnit.objects.filter(code=code).first()
    if existing:
        return existing, False
    return (
        create_unit(
            parent=parent, code=code, name=name, kind=kind, short_name=short_name, order=order
        ),
        True,
    )


def load_org_tree() -> int:
    created = 0
    system, new = _unit(None, SYSTEM[0], SYSTEM[1], SYSTEM[3], SYSTEM[2])
    created += new
    city, new = _unit(system, CITY_LIBRARY[0], CITY_LIBRARY[1], CITY_LIBRARY[3], CITY_LIBRARY[2])
    created += new
    for order, (code, name) in enumerate(CITY_DEPARTMENTS, start=1):
        dept, new = _unit(city, f"FZ-SLIB-{code}", name, OrgUnit.Kind.DEPARTMENT, order=order)
        created += new
        for sp_order, (sp_code, sp_name) in enumerate(SERVICE_POINTS.get(code, []), start=1):
            _sp, new = _unit(
                dept,
                f"FZ-SLIB-{code}-{sp_code}",
                sp_name,
                OrgUnit.Kind.SERVICE_POINT,
                order=sp_order,
            )
            created += new
    for order, (code, name, short) in enumerate(COUNTIES, start=10):
        library, new = _unit(system, f"FZ-{code}", name, OrgUnit.Kind.LIBRARY, short, order)
        created += new
        for d_order, (d_code, d_name) in enumerate(COUNTY_DEPARTMENTS, start=1):
            _dept, new = _unit(
                library, f"FZ-{code}-{d_code}", d_name, OrgUnit.Kind.DEPARTMENT, order=d_order
            )
            created += new
    return created


def load_users() -> int:
    User = get_user_model()  # noqa: N806
    created = 0
    for username, role_key, unit_code, full_name in USERS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            continue
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=settings.SHUXIANG_DEMO_PASSWORD,
            first_name=full_name,
            is_superuser=username == "admin",
            is_staff=username == "admin",
        )
        user.groups.add(role_group(role_key))
        if unit_code:
            grant_scope(user, OrgUnit.objects.get(code=unit_code))
        created += 1
    return created


def load_home_page():
    from wagtail.models import Page, Site

    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home, False
    root = Page.get_first_root_node()
    home = HomePage(
        title="抚州市图书馆",
        slug="library",
        library_name="抚州市图书馆",
        tagline="书香抚州　全民阅读",
        introduction=(
            "<p>抚州市图书馆是市文化广电新闻出版旅游局所属的公益一类事业单位，"
            "是全市公共图书馆服务体系的中心馆，面向社会公众免费开放，"
            "提供文献借阅、少儿阅读、地方文献、数字资源、阅读推广和县（区）图书馆业务辅导等服务。</p>"
        ),
        links=[
            ("link", {"title": "开放时间与借阅指南", "description": "办证、借还、预约与续借"}),
            ("link", {"title": "信息公开", "description": "机构职能、规划计划、预算决算"}),
            ("link", {"title": "年度报告", "description": "“十四五”规划实施进展"}),
            ("link", {"title": "县（区）图书馆", "description": "全市公共图书馆服务体系"}),
        ],
        address="江西省抚州市临川区",
        opening_hours="周二至周日 9:00—21:00（周一闭馆）",
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.site_name = "抚州市图书馆"
        site.save()
    # Wagtail's placeholder "Welcome" page goes once nothing points at it.
    if old_root is not None and old_root.pk != home.pk and old_root.specific_class is Page:
        old_root.delete()
    return home, True


@transaction.atomic
def load_demo() -> dict[str, int]:
    setup_roles()
    units = load_org_tree()
    users = load_users()
    _home, home_created = load_home_page()
    from .demo_plan import load_demo_plan

    plan = load_demo_plan()
    from staffing.demo import load_demo_staffing

    staffing = load_demo_staffing()
    return {
        "units": units,
        "users": users,
        "home_page": int(home_created),
        "plan_items": plan["items"],
        "reports": plan["reports"],
        "indicators": plan["indicators"],
        "staff": staffing["staff"],
        "trainings": staffing["enrolments"] + staffing["external_trainings"],
    }
