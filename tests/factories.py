"""Small factory functions for tests (real ORM, no mocks)."""

from itertools import count

from django.contrib.auth import get_user_model

from governance.models import OrgUnit
from governance.roles import role_group
from governance.services import create_unit, grant_scope

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


def fresh(user):
    """The same user re-read, as the next request would see them."""
    return get_user_model().objects.get(pk=user.pk)
