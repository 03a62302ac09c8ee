"""Small factory functions for tests (real ORM, no mocks)."""

from itertools import count

from django.contrib.auth import get_user_model

from governance.models import OrgUnit
from governance.roles import role_group
from governance.services.org import create_unit, grant_scope

_seq = count(1)


def make_unit(parent=None, *, name=None, kind=OrgUnit.Kind.DEPARTMENT, code=None, **values):
    n = next(_seq)
    return create_unit(
        parent=parent,
        name=name or f"单位{n}",
        code=code or f"U{n:05d}",
        kind=kind,
        **values,
    )


def make_user(username=None, *, role=None, units=(), **values):
    User = get_user_model()  # noqa: N806
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password="pw-for-tests-only", **values
    )
    if role:
        user.groups.add(role_group(role))
    for unit in units:
        grant_scope(user, unit)
    return User.objects.get(pk=user.pk)  # fresh object: no memoised access


def unit_form_data(unit, parent, **changes):
    """The org-unit edit form's fields as posted, with ``changes``."""
    data = {
        "parent": parent.pk if parent else "",
        "kind": unit.kind,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "active": "on" if unit.active else "",
        "order": unit.order,
    }
    data.update(changes)
    return data


def fresh(user):
    """The same user re-read, as the next request would see them."""
    return get_user_model().objects.get(pk=user.pk)


class Node:
    """An outline node as the importer gives it (number, title, text, style, children)."""

    def __init__(self, number, title, children=(), style=""):
        self.number, self.title, self.text, self.style = number, title, "", style
        self.children = list(children)


def make_plan(outline, *, title="测试规划", start_year=2021, end_year=2025, **values):
    """A plan with ``outline`` (a list of Node) saved as its item tree, and its periods."""
    from governance.models import Plan
    from governance.services.plan import bulk_create_items, ensure_periods

    plan = Plan.objects.create(title=title, start_year=start_year, end_year=end_year, **values)
    bulk_create_items(plan, outline)
    ensure_periods(plan)
    return plan


def item(plan, title):
    from governance.models import PlanItem

    return PlanItem.objects.get(plan=plan, title=title)


def valid_id_number(birth="19850312", seq="123") -> str:
    from staffing.validators import id_check_char

    first17 = f"361002{birth}{seq}"
    return first17 + id_check_char(first17)


def make_staff(unit, *, name=None, user=None, **values):
    from staffing.models import Staff

    n = next(_seq)
    defaults = {
        "staff_number": f"S{n:05d}",
        "name": name or f"职工{n}",
        "gender": "F",
        "employment_type": "establishment",
        "id_number": valid_id_number(seq=f"{n % 1000:03d}"),
    }
    defaults.update(values)
    return Staff.objects.create(unit=unit, user=user, **defaults)


def make_project(unit, *, name=None, year=2025, funds=None, **values):
    """A budget project of ``unit`` for ``year`` with its initial budget by funding source
    (``{"fiscal": Decimal("100000")}`` by default)."""
    from decimal import Decimal

    from budget.models import BudgetProject, ProjectFund

    n = next(_seq)
    defaults = {
        "code": f"XM{n:05d}",
        "name": name or f"项目{n}",
        "start_year": year,
        "end_year": year,
    }
    defaults.update(values)
    project = BudgetProject.objects.create(unit=unit, year=year, **defaults)
    for source, amount in (funds or {"fiscal": Decimal("100000")}).items():
        ProjectFund.objects.create(project=project, source=source, initial=amount)
    return project
