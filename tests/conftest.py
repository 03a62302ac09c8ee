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
