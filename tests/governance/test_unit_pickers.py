"""Unit pickers grouped by library and searchable; people chosen and shown by name."""

import re

import pytest
from django.urls import reverse

from governance.fields import PersonChoiceField, UnitChoiceField
from governance.models import OrgUnit, PlanItem
from governance.people import person_name
from tests.factories import Node, item, make_plan, make_staff, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(org):
    library = make_unit(org["system"], name="临川区图书馆", kind=OrgUnit.Kind.LIBRARY, code="T-LC")
    lending = make_unit(library, name="借阅部", code="T-LC-LEND")
    return {"library": library, "lending": lending}


@pytest.fixture
def plan(org):
    plan = make_plan([Node("一、", "主要任务", [Node("（1）", "借阅部任务", style="paren_num")])])
    PlanItem.objects.filter(title="借阅部任务").update(lead_unit=org["a"])
    return plan


def select_html(html, name):
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no select named {name}"
    return match.group(0)


def groups(select):
    """{group label: [option texts]} of a rendered select ("" for ungrouped options)."""
    found, current = {}, ""
    for tag, label, text in re.findall(
        r'<(optgroup) label="([^"]*)"|<(?:option)[^>]*>([^<]*)</option>', select
    ):
        if tag:
            current = label
            found.setdefault(current, [])
        else:
            found.setdefault(current, []).append(text)
    return found


def test_planner_picks_lead_unit_grouped_by_library_with_a_search_box(
    client, org, county, plan, planner
):
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:edit", args=[item(plan, "借阅部任务").pk]))
    html = html.content.decode()
    lead = select_html(html, "lead_unit")
    found = groups(lead)
    assert found["测试市图书馆"][:2] == ["测试市图书馆", "测试市图书馆 · 借阅部"]
    assert found["临川区图书馆"] == ["临川区图书馆", "临川区图书馆 · 借阅部"]
    assert "测试图书馆体系" in found[""]  # the system, above every library
    partners = select_html(html, "partner_units")
    assert '<optgroup label="临川区图书馆">' in partners and "multiple" in partners
    assert html.count("data-searchable-select-search") >= 2
    assert "searchable-select.js" in html
    assert 'data-search="T-LC-LEND"' in lead  # the code is searched too


def test_head_picks_a_parent_among_own_units_only(client, org, county, head_a):
    client.force_login(head_a)
    response = client.get(reverse("governance_orgunit:add"))
    assert response.status_code == 200
    found = groups(select_html(response.content.decode(), "parent"))
    options = [text for texts in found.values() for text in texts if text != "---------"]
    assert options == ["测试市图书馆 · 借阅部", "测试市图书馆 · 自助借还点"]
    assert list(found) == ["", "测试市图书馆"]


def test_scoped_unit_field_keeps_the_callers_queryset(org, county):
    dept = OrgUnit.objects.get(pk=org["a"].pk)  # paths move when a sibling sorts first
    field = UnitChoiceField(queryset=OrgUnit.objects.filter(path__startswith=dept.path))
    labels = [label for _group, options in list(field.choices)[1:] for _v, label in options]
    assert labels == ["测试市图书馆 · 借阅部", "测试市图书馆 · 自助借还点"]


def test_listing_filter_groups_units_by_library(client, org, county, plan, planner):
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:index")).content.decode()
    lead = select_html(html, "lead_unit")
    assert '<optgroup label="临川区图书馆">' in lead and "临川区图书馆 · 借阅部" in lead


def test_listing_shows_lead_unit_with_its_library_and_empty_as_dash(
    client, org, county, plan, planner
):
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:index")).content.decode()
    assert "测试市图书馆 · 借阅部" in html
    assert ">None<" not in html and "None" not in re.sub(r"<[^>]+>", " ", html)


def test_unit_picker_costs_one_query_whatever_the_units(org, django_assert_num_queries):
    for n in range(30):
        make_unit(org["library"], name=f"部门{n}")
    field = UnitChoiceField(queryset=OrgUnit.objects.all())
    with django_assert_num_queries(1):
        rendered = field.widget.render("unit", None)
    assert rendered.count("<option") == OrgUnit.objects.count() + 1


# People --------------------------------------------------------------------------------


def test_person_is_named_from_staff_record_then_full_name_then_login(org):
    linked = make_user("zhangsan", first_name="张三丰")
    make_staff(org["a"], name="张三", user=linked)
    named = make_user("lisi", first_name="李四")
    bare = make_user("wangwu")
    assert person_name(linked) == "张三"
    assert person_name(named) == "李四"
    assert person_name(bare) == "wangwu"
    assert person_name(None) == "—"


def test_responsible_picker_shows_names_and_staff_numbers_where_names_repeat(
    client, org, plan, planner
):
    one = make_user("wang1")
    make_staff(org["a"], name="王芳", user=one, staff_number="A001")
    two = make_user("wang2")
    make_staff(org["b"], name="王芳", user=two, staff_number="B002")
    make_user("li", first_name="李明")
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:edit", args=[item(plan, "借阅部任务").pk]))
    responsible = select_html(html.content.decode(), "responsible")
    assert "王芳（A001）" in responsible and "王芳（B002）" in responsible
    assert ">李明<" in responsible
    assert ">wang1<" not in responsible and ">li<" not in responsible


def test_person_picker_costs_one_query(org, django_assert_num_queries):
    for n in range(10):
        make_staff(org["a"], name=f"职工{n}", user=make_user(f"u{n}"))
    from django.contrib.auth import get_user_model

    field = PersonChoiceField(queryset=get_user_model().objects.all())
    with django_assert_num_queries(1):
        field.widget.render("responsible", None)


def test_inspect_page_names_the_responsible_person(client, org, plan, planner):
    person = make_user("zhaoliu")
    make_staff(org["a"], name="赵六", user=person)
    PlanItem.objects.filter(title="借阅部任务").update(responsible=person)
    client.force_login(planner)
    html = client.get(reverse("governance_planitem:inspect", args=[item(plan, "借阅部任务").pk]))
    html = html.content.decode()
    assert "赵六" in html and "zhaoliu" not in html
