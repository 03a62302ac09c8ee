"""Who may do what: docs/roles.md is generated from the apps' roles.py and kept true."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from governance.documents import roles_markdown
from governance.roles import ROLE_KEYS, app_grants, role_group, role_permissions, setup_roles

pytestmark = pytest.mark.django_db


def test_docs_roles_md_is_the_generated_table():
    path = Path(settings.BASE_DIR) / "docs" / "roles.md"
    assert path.read_text(encoding="utf-8") == roles_markdown(), (
        "docs/roles.md is out of date: run `python manage.py roles_table --write`"
    )


def test_each_app_declares_its_own_grants():
    grants = app_grants()
    assert {"governance", "staffing"} <= set(grants)
    assert all(
        perm.startswith("staffing.") for perms in grants["staffing"].values() for perm in perms
    )
    assert set(role_permissions()) == set(ROLE_KEYS)


def test_setup_roles_takes_away_a_permission_a_role_no_longer_has():
    head = role_group("department_head")
    stray = Permission.objects.get(codename="delete_plan")
    head.permissions.add(stray)
    setup_roles()
    assert not head.permissions.filter(pk=stray.pk).exists()
    assert head.permissions.filter(codename="change_planitem").exists()
