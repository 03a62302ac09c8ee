"""The search boxes (the home page's and the sidebar's) never lead to "no permission":
each role searches what it may open, and a role with nothing to search gets no box."""

import json
import re

import pytest

from governance.roles import ROLE_KEYS
from tests.factories import make_user

pytestmark = pytest.mark.django_db
UNIT_ROLES = ("department_head", "staff")


def user_with(role, org):
    return make_user(f"{role}_user", role=role, units=[org["a"]] if role in UNIT_ROLES else [])


def search_urls(page: str) -> tuple[str | None, str | None]:
    """The home page's search form action and the sidebar's search URL (if any)."""
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*data-testid="home-search"', page)
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S)
    sidebar = None
    for module in json.loads(props.group(1))["modules"]:
        if module.get("_type") == "wagtail.sidebar.SearchModule":
            sidebar = module["_args"][0]
    return (form.group(1) if form else None), sidebar


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_each_roles_search_lands_on_a_page_it_may_open(client, org, role):
    client.force_login(user_with(role, org))
    page = client.get("/admin/").content.decode()
    home_search, sidebar_search = search_urls(page)
    assert home_search == sidebar_search  # one search, wherever the box is
    assert "搜索所有页面" not in page
    if home_search is None:
        return  # nothing to search: no box at all
    response = client.get(home_search, {"q": "借阅"})
    assert response.status_code == 200, (role, home_search)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("department_head", "/admin/plan/items/"),
        ("planning", "/admin/plan/items/"),
        ("leadership", "/admin/plan/items/"),
        ("hr", "/admin/staffing/staff/"),
        ("editor", "/admin/pages/search/"),
        ("finance", None),
        ("staff", None),
    ],
)
def test_search_goes_where_the_role_works(client, org, role, expected):
    client.force_login(user_with(role, org))
    home_search, _sidebar = search_urls(client.get("/admin/").content.decode())
    assert home_search == expected


def test_plan_item_search_finds_items_in_chinese(client, org, head_a):
    from governance.models import PlanItem
    from tests.factories import Node, make_plan

    plan = make_plan(
        [Node("一、", "主要任务", [Node("一、", "领域", [Node("（1）", "自助借还书机推广")])])]
    )
    PlanItem.objects.filter(plan=plan, title="自助借还书机推广").update(lead_unit=org["a"])
    client.force_login(head_a)
    response = client.get("/admin/plan/items/", {"q": "借还"})
    assert response.status_code == 200
    assert "自助借还书机推广" in response.content.decode()
