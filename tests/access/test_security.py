"""Security fixes of issue 7: what a department head may do with the org tree, what a
partner unit sees of an item, and accepted or closed rows locked by the policy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.access import may_for_instance
from governance.models import Contribution, OrgUnit, Period, PlanItem, ProgressReport
from governance.services.plan import review_report, submit_report
from tests.factories import Node, fresh, make_plan, unit_form_data

pytestmark = pytest.mark.django_db
NS = "governance_orgunit"


def unit_form(unit, **changes):
    data = unit_form_data(unit, unit.get_parent())
    data.update(changes)
    return data


def test_head_cannot_edit_the_unit_they_were_granted(client, org, head_a):
    client.force_login(head_a)
    url = reverse(f"{NS}:edit", args=[org["a"].pk])
    assert client.get(url).status_code == 404
    for change in ({"name": "改名"}, {"code": "X-1"}, {"active": ""}, {"parent": org["b"].pk}):
        response = client.post(url, unit_form(org["a"], **change))
        assert response.status_code == 404, change
    unit = OrgUnit.objects.get(pk=org["a"].pk)
    assert (unit.name, unit.code, unit.active, unit.get_parent()) == (
        "借阅部",
        "T-A",
        True,
        org["library"],
    )


def test_head_renames_a_unit_under_theirs_but_not_its_code_parent_or_active(client, org, head_a):
    client.force_login(head_a)
    url = reverse(f"{NS}:edit", args=[org["a1"].pk])
    form = client.get(url).content.decode()
    assert 'name="name"' in form
    for field in ("code", "parent", "active"):
        assert f'name="{field}"' not in form, field
    response = client.post(
        url,
        unit_form(org["a1"], name="自助借还点（新）", code="X-9", active="", parent=org["b"].pk),
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(pk=org["a1"].pk)
    assert unit.name == "自助借还点（新）"
    assert (unit.code, unit.active, unit.get_parent()) == ("T-A1", True, org["a"])


def test_planning_office_changes_a_units_code_and_parent(client, org, planner):
    client.force_login(planner)
    response = client.post(
        reverse(f"{NS}:edit", args=[org["a1"].pk]),
        unit_form(org["a1"], code="T-B9", parent=org["b"].pk),
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(pk=org["a1"].pk)
    assert (unit.code, unit.get_parent()) == ("T-B9", org["b"])


@pytest.fixture
def shared_item(org):
    plan = make_plan(
        [Node("一、", "主要任务", [Node("一、", "体系", [Node("（1）", "联合任务")])])]
    )
    item = PlanItem.objects.get(plan=plan, title="联合任务")
    PlanItem.objects.filter(pk=item.pk).update(lead_unit=org["a"])
    item.partner_units.add(org["b"])
    return PlanItem.objects.get(pk=item.pk)


def test_partner_head_opening_an_item_sees_no_draft_report_of_the_lead_unit(
    client, shared_item, head_a, head_b
):
    period = Period.objects.get(plan=shared_item.plan, year=2022, quarter=1)
    submit_report(
        shared_item,
        period,
        user=head_a,
        percent=Decimal(30),
        health="on_track",
        narrative="借阅部草稿叙述",
        draft=True,
    )
    client.force_login(head_b)
    response = client.get(reverse("governance_planitem:inspect", args=[shared_item.pk]))
    assert response.status_code == 200  # a partner may open the item itself
    html = response.content.decode()
    assert "联合任务" in html
    assert "借阅部草稿叙述" not in html
    client.force_login(head_a)  # the lead unit's head does see it
    html = client.get(reverse("governance_planitem:inspect", args=[shared_item.pk])).content
    assert "借阅部草稿叙述" in html.decode()


def test_accepted_report_and_closed_period_are_locked_for_everyone(
    shared_item, head_a, planner, admin_user
):
    period = Period.objects.get(plan=shared_item.plan, year=2022, quarter=1)
    report = submit_report(
        shared_item, period, user=head_a, percent=Decimal(30), health="on_track", narrative="x"
    )
    assert may_for_instance(fresh(head_a), report, "change")
    review_report(report, reviewer=planner, accept=True)
    report = ProgressReport.objects.get(pk=report.pk)
    root = type(admin_user).objects.create_superuser("root", "root@example.org", "pw")
    for user in (head_a, planner, root):
        assert not may_for_instance(fresh(user), report, "change", "delete"), user
        assert may_for_instance(fresh(user), report, "view"), user  # still readable
    note = Contribution.objects.create(
        item=shared_item, period=period, unit=shared_item.partner_units.get(), text="配合"
    )
    Period.objects.filter(pk=period.pk).update(closed_at=dt.datetime(2022, 4, 5, tzinfo=dt.UTC))
    assert not may_for_instance(fresh(root), Contribution.objects.get(pk=note.pk), "change")
    closed = Period.objects.get(pk=period.pk)
    assert not may_for_instance(fresh(root), closed, "change")


def test_closing_a_period_out_of_reach_answers_404(client, shared_item, head_a):
    period = Period.objects.get(plan=shared_item.plan, year=2021, quarter=1)
    client.force_login(head_a)
    url = reverse("plan_close_period", args=[period.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Period.objects.get(pk=period.pk).closed_at is None
