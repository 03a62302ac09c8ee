"""Every unit is named with its library ("临川区图书馆 · 借阅部"), kept right by the org
services and read in the same query as the unit."""

import importlib

import pytest
from django.apps import apps as global_apps

from governance.models import OrgUnit
from governance.services.org import refresh_labels, update_unit
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(org):
    library = make_unit(org["system"], name="临川区图书馆", kind=OrgUnit.Kind.LIBRARY, code="T-LC")
    lending = make_unit(library, name="借阅部", code="T-LC-LEND")
    return {"library": library, "lending": lending}


def fresh(unit):
    return OrgUnit.objects.get(pk=unit.pk)


def test_new_department_is_named_with_its_library(org, county):
    assert str(county["lending"]) == "临川区图书馆 · 借阅部"
    assert fresh(county["lending"]).label == "临川区图书馆 · 借阅部"
    assert fresh(county["lending"]).library_id == county["library"].pk


def test_library_and_system_are_named_alone(org, county):
    assert str(fresh(county["library"])) == "临川区图书馆"
    assert fresh(county["library"]).library_id == county["library"].pk
    assert str(fresh(org["system"])) == "测试图书馆体系"
    assert fresh(org["system"]).library_id is None


def test_service_point_is_named_with_its_library_not_its_department(org):
    assert str(fresh(org["a1"])) == "测试市图书馆 · 自助借还点"


def test_two_lending_departments_read_apart(org, county):
    assert str(fresh(org["a"])) != str(fresh(county["lending"]))


def test_renaming_a_library_renames_the_labels_beneath(org, county):
    update_unit(county["library"], parent=org["system"], name="抚州市临川区图书馆")
    assert str(fresh(county["lending"])) == "抚州市临川区图书馆 · 借阅部"


def test_renaming_a_department_relabels_it(org):
    unit = update_unit(org["a"], parent=org["library"], name="外借部")
    assert str(unit) == "测试市图书馆 · 外借部"
    assert str(fresh(org["a1"])) == "测试市图书馆 · 自助借还点"


def test_moving_a_department_to_another_library_relabels_its_subtree(org, county):
    moved = update_unit(org["a"], parent=county["library"])
    assert str(moved) == "临川区图书馆 · 借阅部"
    assert fresh(org["a1"]).library_id == county["library"].pk
    assert str(fresh(org["a1"])) == "临川区图书馆 · 自助借还点"


def test_refresh_labels_mends_every_unit_in_two_statements(org, county, django_assert_num_queries):
    OrgUnit.objects.update(label="", library=None)
    with django_assert_num_queries(2):
        refresh_labels()
    assert str(fresh(county["lending"])) == "临川区图书馆 · 借阅部"
    assert fresh(org["library"]).label == "测试市图书馆"


def test_data_migration_labels_existing_units(org, county):
    OrgUnit.objects.update(label="", library=None)
    migration = importlib.import_module("governance.migrations.0008_unit_library_label")
    migration.label_units(global_apps, None)
    assert str(fresh(county["lending"])) == "临川区图书馆 · 借阅部"
    assert str(fresh(org["b1"])) == "测试市图书馆 · 绘本馆"


def test_a_listing_of_units_names_them_in_one_query(org, county, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [str(unit) for unit in OrgUnit.objects.all()]
    assert "临川区图书馆 · 借阅部" in names and "测试市图书馆 · 借阅部" in names


def test_a_listing_of_rows_shows_their_units_with_the_library(org, county):
    from governance.models import PlanItem
    from tests.factories import Node, make_plan

    plan = make_plan([Node("一、", "体系建设", [Node("（一）", "借阅服务")])])
    PlanItem.objects.filter(plan=plan, title="借阅服务").update(lead_unit=county["lending"])
    rows = [str(i.lead_unit) for i in PlanItem.objects.filter(plan=plan, lead_unit__isnull=False)]
    assert rows == ["临川区图书馆 · 借阅部"]


def test_demo_org_tree_loads_with_labels(db):
    from demo.loaders.org import load_org_tree

    load_org_tree()
    assert str(OrgUnit.objects.get(code="FZ-LC-LEND")) == "临川区图书馆 · 借阅部"
    assert str(OrgUnit.objects.get(code="FZ-SLIB-LEND-SELF")) == "抚州市图书馆 · 自助借还服务点"
    assert str(OrgUnit.objects.get(code="FZ")) == "抚州市公共图书馆服务体系"
    assert not OrgUnit.objects.filter(label="").exists()


def test_searching_the_unit_listing_by_library_finds_its_departments(client, org, county, planner):
    from django.urls import reverse

    client.force_login(planner)
    html = client.get(reverse("governance_orgunit:index"), {"q": "临川区"}).content.decode()
    assert "T-LC-LEND" in html and "T-A1" not in html
