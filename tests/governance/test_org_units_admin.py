"""The org-unit screens in the back office, through the scoped viewset."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from governance.models import OrgUnit
from tests.factories import make_unit
from tests.factories import unit_form_data as form_data
from tests.scoped import assert_out_of_scope

pytestmark = pytest.mark.django_db
NS = "governance_orgunit"


def new_unit_data(parent, **values):
    data = {"parent": parent.pk, "short_name": "", "active": "on", "order": 0}
    data.update(values)
    return data


def test_head_listing_shows_own_units_as_tree(client, org, head_a):
    client.force_login(head_a)
    response = client.get(reverse(f"{NS}:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "借阅部" in html and "自助借还点" in html
    assert "少儿部" not in html and "绘本馆" not in html
    assert "组织机构" in html  # the page speaks Chinese


def test_out_of_scope_head_gets_nothing_by_url(client, org, head_a, head_b):
    client.force_login(head_b)
    assert_out_of_scope(client, NS, org["a1"], marker="自助借还点")
    assert_out_of_scope(client, NS, org["a"], marker="T-A")


def test_staff_cannot_edit_own_department(client, org, staff_a):
    client.force_login(staff_a)
    for name in ("edit", "delete"):
        response = client.get(reverse(f"{NS}:{name}", args=[org["a"].pk]))
        assert response.status_code in (403, 404)
    response = client.post(
        reverse(f"{NS}:edit", args=[org["a"].pk]), form_data(org["a"], org["library"], name="改")
    )
    assert response.status_code in (403, 404)
    assert OrgUnit.objects.get(pk=org["a"].pk).name == "借阅部"
    # No object named: Wagtail's own refusal, back to the dashboard with a message.
    response = client.get(reverse(f"{NS}:add"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "没有权限" in response.content.decode()


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(reverse(f"{NS}:inspect", args=[org["a"].pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_head_renames_sub_unit_and_history_keeps_old_name(client, org, head_a):
    client.force_login(head_a)
    unit = org["a1"]
    response = client.post(
        reverse(f"{NS}:edit", args=[unit.pk]), form_data(unit, org["a"], name="自助借还服务点")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OrgUnit.objects.get(pk=unit.pk).name == "自助借还服务点"
    entry = ModelLogEntry.objects.get(action="shuxiang.unit.rename", object_id=str(unit.pk))
    assert entry.data == {"old": "自助借还点", "new": "自助借还服务点"}
    history = client.get(reverse(f"{NS}:history", args=[unit.pk]))
    assert "由“自助借还点”更名为“自助借还服务点”" in history.content.decode()


def test_head_adds_unit_under_own_department(client, org, head_a):
    client.force_login(head_a)
    response = client.post(
        reverse(f"{NS}:add"),
        new_unit_data(org["a"], kind="service_point", code="T-A2", name="城市书房", order=2),
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="T-A2")
    assert unit.get_parent() == org["a"]


def test_head_cannot_place_unit_outside_scope(client, org, head_a):
    client.force_login(head_a)
    response = client.post(
        reverse(f"{NS}:add"),
        new_unit_data(org["b"], kind="service_point", code="T-X", name="越权"),
    )
    assert response.status_code == 200  # the form again, with an error
    assert not OrgUnit.objects.filter(code="T-X").exists()
    # A head's edit form has no parent field: a parent posted anyway is ignored.
    response = client.post(
        reverse(f"{NS}:edit", args=[org["a1"].pk]), form_data(org["a1"], org["b"])
    )
    assert response.status_code in (200, 302)
    assert OrgUnit.objects.get(pk=org["a1"].pk).get_parent() == org["a"]


def test_administrator_moves_unit_with_its_subtree(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse(f"{NS}:edit", args=[org["a"].pk]), form_data(org["a"], org["system"])
    )
    assert response.status_code == 302
    moved = OrgUnit.objects.get(pk=org["a"].pk)
    assert moved.get_parent() == org["system"]
    assert OrgUnit.objects.get(pk=org["a1"].pk).get_parent() == moved
    entry = ModelLogEntry.objects.get(action="shuxiang.unit.move", object_id=str(moved.pk))
    assert entry.data == {"old": "测试市图书馆", "new": "测试图书馆体系"}


def test_unit_cannot_move_under_itself(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse(f"{NS}:edit", args=[org["a"].pk]), form_data(org["a"], org["a1"])
    )
    assert response.status_code == 200
    assert OrgUnit.objects.get(pk=org["a"].pk).get_parent() == org["library"]


def test_duplicate_code_is_refused_with_message(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse(f"{NS}:add"),
        new_unit_data(org["a"], kind="department", code="T-B", name="重复"),
    )
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert OrgUnit.objects.filter(code="T-B").count() == 1


def test_export_lists_units_in_scope(client, org, head_a):
    client.force_login(head_a)
    response = client.get(reverse(f"{NS}:index"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {"T-A", "T-A1"}


def _listing_queries(client, user, org, rows):
    for _ in range(rows):
        make_unit(org["a"])
    client.force_login(user)
    client.get(reverse(f"{NS}:index"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"{NS}:index"))
    assert response.status_code == 200
    return len(queries), response


def test_listing_query_count_does_not_grow(client, org, head_a, admin_user):
    for user in (head_a, admin_user):
        few, _response = _listing_queries(client, user, org, 10)
        many, response = _listing_queries(client, user, org, 90)
        assert few == many, f"{user}: {few} queries for 10 more units, {many} for 100 more"
        assert many <= 25
        # Every unit in scope is on the page (100 per page).
        assert response.content.decode().count("/admin/org-units/edit/") >= 100


def test_head_inspects_own_unit_with_its_place_in_the_tree(client, org, head_a):
    client.force_login(head_a)
    response = client.get(reverse(f"{NS}:inspect", args=[org["a1"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试图书馆体系 › 测试市图书馆 › 借阅部" in html
    assert "所属" in html and "启用" in html
