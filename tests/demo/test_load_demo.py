"""`manage.py load_demo`: the org tree, the demo users and their first screen."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from cms.models import HomePage
from demo.loaders import load_demo
from demo.loaders.org import counties as county_codes
from demo.loaders.org import demo_users
from governance.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_demo_builds_the_city_library_system():
    load_demo()
    city = OrgUnit.objects.get(code="FZ-SLIB")
    departments = {u.name for u in city.get_children()}
    assert {
        "办公室",
        "采编部",
        "借阅部",
        "少儿部",
        "地方文献部",
        "阅读推广部",
        "财务室",
    } <= departments
    counties = OrgUnit.objects.filter(kind=OrgUnit.Kind.LIBRARY).exclude(pk=city.pk)
    assert counties.count() == 11 == len(county_codes())
    assert {"临川区图书馆", "广昌县图书馆", "资溪县图书馆"} <= set(
        counties.values_list("name", flat=True)
    )
    for county in counties:
        assert county.get_children_count() >= 3, county


def test_demo_is_idempotent_and_keeps_edits():
    load_demo()
    OrgUnit.objects.filter(code="FZ-SLIB-LEND").update(name="借阅服务部")
    counts = (OrgUnit.objects.count(), get_user_model().objects.count(), Page.objects.count())
    second = load_demo()
    assert set(second.values()) == {0}
    assert (
        OrgUnit.objects.count(),
        get_user_model().objects.count(),
        Page.objects.count(),
    ) == counts
    assert OrgUnit.objects.get(code="FZ-SLIB-LEND").name == "借阅服务部"
    assert HomePage.objects.count() == 1


def test_heads_have_different_departments_and_staff1_works_under_head1():
    load_demo()
    from governance.access import granted_units

    User = get_user_model()  # noqa: N806
    head1, head2, staff1 = (User.objects.get(username=n) for n in ("head1", "head2", "staff1"))
    (unit1,) = granted_units(head1)
    (unit2,) = granted_units(head2)
    assert unit1 != unit2
    assert set(granted_units(staff1)) == {unit1}


@pytest.mark.parametrize("username", [u.username for u in demo_users()])
def test_every_demo_user_logs_in_and_reaches_the_dashboard(client, username):
    load_demo()
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": "shuxiang-demo"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    html = response.content.decode()
    assert "控制面板" in html  # Wagtail's dashboard, in Chinese
    assert "我的角色与负责单位" in html


def test_load_demo_command_prints_logins_in_debug_only(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "head1" in out.getvalue() and "shuxiang-demo" in out.getvalue()
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "shuxiang-demo" not in out.getvalue()
