"""The one access policy: role × scope × owner grant, in SQL, at constant cost."""

import pytest
from guardian.shortcuts import assign_perm
from wagtail.permissions import policy_registry

from governance.access import user_units
from governance.models import OrgUnit
from tests.factories import fresh, make_unit, make_user

pytestmark = pytest.mark.django_db


def policy():
    return policy_registry.get_by_type(OrgUnit)


def visible(user, actions=("view", "change", "delete")):
    return set(policy().instances_user_has_any_permission_for(fresh(user), actions))


def test_head_sees_own_department_and_edits_only_the_units_under_it(org, head_a):
    assert visible(head_a) == {org["a"], org["a1"]}
    # The unit that defines the head's scope is the planning office's and administrators'.
    assert visible(head_a, ["change"]) == {org["a1"]}
    user = fresh(head_a)
    assert policy().user_has_permission_for_instance(user, "change", org["a1"])
    assert not policy().user_has_permission_for_instance(user, "change", org["a"])
    assert policy().user_has_permission_for_instance(user, "view", org["a"])


def test_head_cannot_see_or_edit_other_department(org, head_a):
    user = fresh(head_a)
    for unit in (org["b"], org["b1"], org["library"], org["system"]):
        assert not policy().user_has_permission_for_instance(user, "view", unit), unit
        assert not policy().user_has_permission_for_instance(user, "change", unit), unit
    assert org["b1"] not in visible(head_a)


def test_head_may_not_delete_units(org, head_a):
    assert visible(head_a, ["delete"]) == set()
    assert not policy().user_has_permission_for_instance(fresh(head_a), "delete", org["a1"])


def test_planning_office_sees_and_edits_every_unit(org, planner):
    # Codes, parents and active flags are the planning office's (and administrators').
    assert visible(planner) == set(OrgUnit.objects.all())
    assert visible(planner, ["change"]) == set(OrgUnit.objects.all())


def test_leadership_sees_every_unit_but_edits_none(org):
    leader = make_user("leader", role="leadership")
    assert visible(leader) == set(OrgUnit.objects.all())
    assert visible(leader, ["change"]) == set()


def test_administrator_edits_every_unit(org, admin_user):
    assert visible(admin_user, ["change"]) == set(OrgUnit.objects.all())


def test_staff_sees_own_department_and_edits_nothing(org, staff_a):
    assert visible(staff_a) == {org["a"], org["a1"]}
    assert visible(staff_a, ["change", "add", "delete"]) == set()
    user = fresh(staff_a)
    assert not policy().user_has_any_permission(user, ["change", "add", "delete"])


def test_user_without_role_sees_nothing_even_with_scope(org):
    user = make_user(units=[org["a"]])
    assert visible(user) == set()


def test_role_without_scope_sees_nothing(org):
    user = make_user(role="department_head")
    assert visible(user) == set()
    assert not policy().user_has_any_permission(fresh(user), ["view"])


def test_inactive_user_has_no_access(org, head_a):
    head_a.is_active = False
    head_a.save()
    assert visible(head_a) == set()


def test_owner_grant_gives_one_object_without_role(org):
    user = make_user()
    assign_perm("governance.change_orgunit", user, org["b1"])
    assert visible(user, ["change"]) == {org["b1"]}
    assert policy().user_has_permission_for_instance(fresh(user), "change", org["b1"])
    assert not policy().user_has_permission_for_instance(fresh(user), "change", org["b"])


def test_scope_given_to_a_group_counts_for_its_members(org):
    from django.contrib.auth.models import Group

    team = Group.objects.create(name="借阅部全体")
    assign_perm("governance.act_for_unit", team, org["a"])
    user = make_user(role="staff")
    user.groups.add(team)
    assert visible(user) == {org["a"], org["a1"]}


def test_user_units_lists_scope_with_descendants(org, head_a):
    assert set(user_units(fresh(head_a))) == {org["a"], org["a1"]}


def test_users_with_permission_for_instance(org, head_a, head_b, admin_user):
    users = set(policy().users_with_any_permission_for_instance(["change"], org["a1"]))
    assert head_a in users and admin_user in users
    assert head_b not in users


def _grow(org, n):
    parent = org["a"]
    for _ in range(n):
        make_unit(parent)
    for _ in range(n):
        make_unit(org["b"])


@pytest.mark.parametrize("extra_units", [10, 500])
def test_policy_queryset_costs_constant_queries(
    org, head_a, extra_units, django_assert_num_queries
):
    _grow(org, extra_units // 2)
    user = fresh(head_a)
    # Role permissions (2 queries), granted units (1), owner grants (1), the rows (1),
    # the ids under the granted units for per-row checks (1): six, whatever the rows.
    with django_assert_num_queries(6):
        units = list(policy().instances_user_has_any_permission_for(user, ["view", "change"]))
        for unit in units:
            policy().user_has_permission_for_instance(user, "change", unit)
            policy().user_has_permission_for_instance(user, "delete", unit)
    assert len(units) == 2 + extra_units // 2


def test_units_for_offers_only_the_units_a_role_may_act_in(org, head_a, staff_a, planner):
    assert set(policy().units_for(fresh(head_a), ["change"])) == {org["a"], org["a1"]}
    assert set(policy().units_for(fresh(staff_a), ["change"])) == set()
    assert set(policy().units_for(fresh(planner), ["view"])) == set(OrgUnit.objects.all())
    assert set(policy().units_for(fresh(planner), ["change"])) == set(OrgUnit.objects.all())


def test_anonymous_sees_nothing_and_the_api_answers_404(org, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from governance.access import get_for_action_or_404
    from governance.access import visible as visible_rows

    anonymous = AnonymousUser()
    assert not visible_rows(anonymous, OrgUnit).exists()
    with pytest.raises(Http404):
        get_for_action_or_404(anonymous, OrgUnit, "view", pk=org["a"].pk)
