"""Our name and the library's instead of Wagtail's; clean Chinese on the first screens."""

import re

import pytest
from django.urls import reverse

from tests.tools import assert_clean_chinese, visible_text

pytestmark = pytest.mark.django_db


def test_login_page_shows_our_name_and_the_library_in_chinese(client, settings):
    settings.SHUXIANG_LIBRARY_NAME = "抚州市图书馆"
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    text = visible_text(html)
    assert "登录书香 抚州市图书馆" in text
    assert "密码" in text and "用户名" in text
    assert "shuxiang-logo" in html and 'aria-label="Wagtail"' not in html
    assert_clean_chinese(html)


def test_login_page_without_a_library_name_shows_ours_alone(client, settings):
    settings.SHUXIANG_LIBRARY_NAME = ""
    text = visible_text(client.get(reverse("wagtailadmin_login")).content.decode())
    assert "登录书香 用户名" in text


def sidebar_menu(html):
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    return props.group(1) if props else html


@pytest.mark.parametrize("who", ["admin_user", "head_a", "planner"])
def test_menu_labels_are_chinese(client, request, who):
    import json as jsonlib

    client.force_login(request.getfixturevalue(who))
    menu = sidebar_menu(client.get(reverse("wagtailadmin_home")).content.decode())
    labels = re.findall(r'"label": ("(?:[^"\\]|\\.)*")', menu)
    english = [
        jsonlib.loads(label) for label in labels if re.search(r"[A-Za-z]{2}", jsonlib.loads(label))
    ]
    assert labels and not english


@pytest.mark.parametrize("who", ["admin_user", "head_a"])
def test_admin_home_is_ours_in_clean_chinese_without_wagtails_guide(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "书香" in visible_text(html)
    assert "guide.wagtail.org" not in html  # no editor guide, no release notes
    menu = sidebar_menu(html)
    assert "editor-guide" not in menu and "whats-new-in-wagtail" not in menu
    assert_clean_chinese(html)


def test_org_unit_listing_is_clean_chinese_with_yes_and_libraries(client, org, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("governance_orgunit:index")).content.decode()
    text = visible_text(html)
    assert "是" in text and "所属图书馆" in text
    assert_clean_chinese(html)


def test_org_unit_listing_costs_the_same_for_few_and_many_units(
    client, org, admin_user, django_assert_max_num_queries
):
    from tests.factories import make_unit

    client.force_login(admin_user)
    url = reverse("governance_orgunit:index")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(25):
        make_unit(org["library"], name=f"部门{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "测试市图书馆" in response.content.decode()
    assert len(many) <= len(few)


def test_period_listing_names_who_closed_it_never_the_login(client, org, planner):
    from governance.models import Period
    from governance.services.plan import close_period
    from tests.factories import Node, make_plan, make_staff

    make_staff(org["a"], name="规划员甲", user=planner)
    plan = make_plan([Node("一、", "主要任务")])
    close_period(Period.objects.get(plan=plan, year=2021, quarter=1), user=planner)
    client.force_login(planner)
    html = client.get(reverse("governance_period:index")).content.decode()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    texts = [visible_text(cell) for cell in cells]
    assert "规划员甲" in texts and "planner" not in texts
    assert "—" in texts  # the periods still open: nobody closed them
    assert_clean_chinese(html)


def test_lockout_list_names_the_person_beside_the_typed_login(client, org, staff_a, admin_user):
    from tests.factories import make_staff
    from tests.security.test_login_throttling import LOCKOUTS, lock

    make_staff(org["a"], name="孙八", user=staff_a)
    lock(client, "staff_a")
    lock(client, "nobody-such", address="10.9.9.9")
    client.force_login(admin_user)
    html = client.get(LOCKOUTS).content.decode()
    cells = [visible_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    assert "孙八" in cells and "—" in cells  # a typed name that is nobody's: no person
    assert_clean_chinese(html, allowed=("IP",))


def test_org_unit_export_writes_labels_kinds_and_flags_in_chinese(client, org, admin_user):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(admin_user)
    response = client.get(reverse("governance_orgunit:index") + "?export=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    lending = next(row for row in rows if row[0] == "T-A")
    assert "测试市图书馆 · 借阅部" in lending and "部门" in lending and "启用" in lending
    flat = {cell for row in rows for cell in row if not isinstance(cell, int | float)}
    assert not flat & {"True", "False", "None", "department", "library"}
    assert not any(isinstance(cell, bool) for row in rows for cell in row)


def test_empty_and_filtered_listings_say_so_in_chinese(client, org, planner):
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:index")).content.decode()
    assert "没有可显示的 规划条目" in visible_text(html)
    html = client.get(reverse("governance_planitem:index"), {"lead_unit": org["a"].pk})
    assert "没有符合条件的规划条目" in visible_text(html.content.decode())
    assert_clean_chinese(html.content.decode())


def test_history_names_who_changed_a_unit_by_their_staff_name(client, org, admin_user):
    from governance.services.org import update_unit
    from tests.factories import make_staff

    make_staff(org["a"], name="周九", user=admin_user)
    update_unit(org["b"], parent=org["library"], name="少儿阅读部", user=admin_user)
    client.force_login(admin_user)
    html = client.get(reverse("governance_orgunit:history", args=[org["b"].pk])).content.decode()
    cells = [visible_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    assert any("周九" in cell for cell in cells)
    assert not any("administrator" in cell for cell in cells)
