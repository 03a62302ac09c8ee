"""Granting roles and scope units; the dashboard and menus each role gets."""

import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from governance.access import granted_units
from governance.roles import role_group
from tests.factories import fresh, make_user

pytestmark = pytest.mark.django_db


def test_administrator_grants_roles_and_units(client, org, admin_user):
    subject = make_user("newhead")
    client.force_login(admin_user)
    response = client.post(
        reverse("governance_access:edit", args=[subject.pk]),
        {"groups": [role_group("department_head").pk], "units": [org["b"].pk]},
    )
    assert response.status_code == 302
    subject = fresh(subject)
    assert list(subject.groups.values_list("role__key", flat=True)) == ["department_head"]
    assert list(granted_units(subject)) == [org["b"]]
    entry = ModelLogEntry.objects.get(action="shuxiang.access.set")
    assert entry.data == {"roles": ["部门负责人"], "units": ["测试市图书馆 · 少儿部"]}
    listing = client.get(reverse("governance_access:index"), {"role": "department_head"})
    assert "newhead" in listing.content.decode()


def test_removing_a_unit_takes_the_scope_away(client, org, admin_user, head_a):
    client.force_login(admin_user)
    client.post(
        reverse("governance_access:edit", args=[head_a.pk]),
        {"groups": [role_group("department_head").pk], "units": []},
    )
    assert list(granted_units(fresh(head_a))) == []


@pytest.mark.parametrize("who", ["head_a", "planner", "staff_a"])
def test_only_user_administrators_open_the_access_screens(client, org, who, request):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse("governance_access:index"), reverse("governance_access:edit", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    response = client.post(
        reverse("governance_access:edit", args=[request.getfixturevalue(who).pk]),
        {"groups": [role_group("administrator").pk]},
    )
    assert not fresh(request.getfixturevalue(who)).groups.filter(role__key="administrator").exists()


def test_access_screen_refuses_unknown_unit(client, org, admin_user):
    subject = make_user("x")
    client.force_login(admin_user)
    response = client.post(
        reverse("governance_access:edit", args=[subject.pk]), {"units": [999999]}
    )
    assert response.status_code == 200
    assert "权限未能保存" in response.content.decode()
    assert list(granted_units(fresh(subject))) == []


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def sidebar(client, user):
    """The URLs of the menu items the sidebar offers ``user`` (from its JSON props)."""
    html = dashboard(client, user)
    match = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    return set(re.findall(r'"url": "([^"]+)"', match.group(1)))


def test_menus_follow_the_role(client, org, head_a, admin_user):
    trustee = make_user("t", role="trustee")
    editor = make_user("e", role="editor")
    org_units = reverse("governance_orgunit:index")
    assert org_units in sidebar(client, head_a)
    assert reverse("governance_access:index") not in sidebar(client, head_a)
    assert reverse("wagtailusers_users:index") not in sidebar(client, head_a)
    assert org_units not in sidebar(client, trustee)
    assert reverse("wagtailadmin_explore_root") not in sidebar(client, trustee)
    assert reverse("wagtailadmin_explore_root") in sidebar(client, editor)
    assert org_units not in sidebar(client, editor)
    admin_menu = sidebar(client, admin_user)
    assert reverse("governance_access:index") in admin_menu
    assert reverse("wagtailusers_users:index") in admin_menu


def test_dashboard_shows_role_and_units(client, org, head_a, planner):
    html = dashboard(client, head_a)
    assert "部门负责人" in html and "借阅部" in html
    html = dashboard(client, planner)
    assert "规划办" in html and "全部单位" in html


def test_user_may_choose_english(client, org, head_a):
    UserProfile.get_for_user(head_a)
    UserProfile.objects.filter(user=head_a).update(preferred_language="en")
    html = dashboard(client, head_a)
    assert "My role and units" in html and "Department head" in html
    assert "我的角色与负责单位" not in html


def test_saving_access_keeps_groups_that_are_not_roles(client, org, admin_user):
    from django.contrib.auth.models import Group

    subject = make_user("keeper")
    moderators = Group.objects.create(name="审稿人")
    subject.groups.add(moderators)
    client.force_login(admin_user)
    client.post(
        reverse("governance_access:edit", args=[subject.pk]),
        {"groups": [role_group("staff").pk], "units": [org["a"].pk]},
    )
    assert set(fresh(subject).groups.values_list("name", flat=True)) == {"审稿人", "职工"}
