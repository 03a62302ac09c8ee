"""The shared cast (like healthchecks' Alice, Bob and Charlie).

- ``head_a`` heads department A (which has sub-unit A1); ``head_b`` heads department B.
- ``staff_a`` works in A with the staff role; ``planner`` is the planning office (global);
  ``admin_user`` is the administrator role; anonymous is the test client logged out.
- ``private_root``: every test gets its own empty private storage (evidence,
  certificates, staged uploads), outside ``MEDIA_ROOT``.
"""

import pytest

from governance.models import OrgUnit
from tests.factories import make_unit, make_user


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_on_every_connection(django_db_setup):
    """Tests with ``serialized_rollback`` put the migrated rows (Wagtail's root page, the
    asset categories…) back from the copy Django keeps on the connection object. Once
    Playwright's sync API runs, test code runs in another greenlet, whose context gives
    Django a new connection object without that copy — and every later transactional test
    would start from the empty database the previous one flushed. Keeping the copy on the
    connection class gives it to every connection object."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path_factory):
    root = tmp_path_factory.mktemp("private")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def org(db):
    system = make_unit(None, name="测试图书馆体系", kind=OrgUnit.Kind.SYSTEM, code="T")
    library = make_unit(system, name="测试市图书馆", kind=OrgUnit.Kind.LIBRARY, code="T-LIB")
    dept_a = make_unit(library, name="借阅部", code="T-A")
    sub_a = make_unit(dept_a, name="自助借还点", kind=OrgUnit.Kind.SERVICE_POINT, code="T-A1")
    dept_b = make_unit(library, name="少儿部", code="T-B")
    sub_b = make_unit(dept_b, name="绘本馆", kind=OrgUnit.Kind.SERVICE_POINT, code="T-B1")
    return {
        "system": system,
        "library": library,
        "a": dept_a,
        "a1": sub_a,
        "b": dept_b,
        "b1": sub_b,
    }


@pytest.fixture
def head_a(org):
    return make_user("head_a", role="department_head", units=[org["a"]])


@pytest.fixture
def head_b(org):
    return make_user("head_b", role="department_head", units=[org["b"]])


@pytest.fixture
def staff_a(org):
    return make_user("staff_a", role="staff", units=[org["a"]])


@pytest.fixture
def planner(org):
    return make_user("planner", role="planning")


@pytest.fixture
def admin_user(org):
    return make_user("administrator", role="administrator")


def pytest_terminal_summary(terminalreporter):
    from tests.access.test_coverage import PROBES

    if PROBES["count"]:
        terminalreporter.write_line(
            f"URL walker: {PROBES['count']} probes over {len(PROBES['viewsets'])} viewsets"
        )
