"""Coverage that grows by itself: every viewset of ours is scoped, and the URL walker
probes every one of them as every role, on a row of their own unit, of another unit and
on HR-only data — a new app is covered the moment it registers a viewset (and
`tests/world.py` can build one of its rows)."""

from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.models import get_snippet_models

from governance.access import may, may_everywhere, may_for_instance, policy_for
from governance.access.policy import ScopedPermissionPolicy
from governance.access.viewsets import ScopedModelViewSet
from governance.models import OrgUnit
from governance.roles import ROLES
from tests import world
from tests.factories import fresh, make_unit, make_user

PROBES = {"count": 0, "viewsets": set()}
ANY = ("view", "change", "delete")
# URL name → (actions on the row, any of which lets a user through; actions on the model,
# any of which Wagtail's view asks for). Copy needs "add" as well: only refusals checked.
OBJECT_URLS = {
    "inspect": (ANY, ("add", *ANY)),
    "history": (ANY, ("add", "change", "delete")),
    "usage": (ANY, ("change",)),
    "edit": (("change",), ("change",)),
    "delete": (("delete",), ("delete",)),
    "copy": (None, None),
}


def our_app_labels() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if base in Path(config.path).resolve().parents and ".venv" not in config.path
    }


def registered_viewsets():
    reverse("wagtailadmin_home")  # loads the admin URLconf, which registers the viewsets
    return list(viewsets.viewsets)


def our_viewsets():
    ours = our_app_labels()
    return [
        vs
        for vs in registered_viewsets()
        if getattr(vs, "model", None) is not None
        and not isinstance(vs.model, str)
        and vs.model._meta.app_label in ours
    ]


def test_every_viewset_snippet_and_chooser_of_ours_is_scoped():
    ours = our_app_labels()
    assert {"governance", "staffing"} <= ours
    found = our_viewsets()
    assert found, "no viewset of ours is registered"
    for viewset in found:
        label = viewset.model._meta.label
        if isinstance(viewset, ChooserViewSet):
            raise AssertionError(f"{label}: choosers must be scoped like viewsets")
        assert isinstance(viewset, ScopedModelViewSet), (
            f"{type(viewset).__name__} ({label}) is not a ScopedModelViewSet"
        )
        assert isinstance(policy_for(viewset.model), ScopedPermissionPolicy), label
    for model in get_snippet_models():
        if model._meta.app_label in ours:
            raise AssertionError(f"snippet {model._meta.label}: use a ScopedModelViewSet")


def test_every_viewset_is_walked():
    missing = [vs.model._meta.label for vs in our_viewsets() if vs.model not in world.BUILDERS]
    assert not missing, f"add a builder to tests/world.py so the URL walker covers {missing}"


def _url(viewset, name, *args):
    try:
        return reverse(f"{viewset.url_namespace}:{name}", args=args)
    except NoReverseMatch:
        return None  # that view is switched off for this viewset


def _cast(org):
    """One user per role; unit-scoped roles act for department B (and its sub-units)."""
    users = {"anonymous": None}
    for spec in ROLES:
        units = [org["b"]] if spec.scope == "unit" else []
        users[spec.key] = make_user(f"walker_{spec.key}", role=spec.key, units=units)
    return users


def _get(client, url):
    PROBES["count"] += 1
    return client.get(url)


def _post(client, url):
    PROBES["count"] += 1
    return client.post(url, {})


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="ignore")
    return response.content.decode(errors="ignore")


@pytest.fixture
def walk_org(db):
    system = make_unit(None, name="走访体系", kind=OrgUnit.Kind.SYSTEM, code="W")
    library = make_unit(system, name="走访图书馆", kind=OrgUnit.Kind.LIBRARY, code="W-LIB")
    return {
        "library": library,
        "a": make_unit(library, name="甲部门", code="W-A"),
        "b": make_unit(library, name="乙部门", code="W-B"),
    }


def pytest_generate_tests(metafunc):
    if "viewset_name" in metafunc.fixturenames:
        names = sorted(vs.name for vs in our_viewsets())
        metafunc.parametrize("viewset_name", names)


def test_url_walker(client, walk_org, viewset_name):
    """Every role × every object URL × a row of their own unit / another unit: what the
    policy refuses answers 403/404 (GET and POST) and changes nothing; what it allows
    opens; listings, searches and exports show no row (and no HR-only value) the user
    may not see."""
    viewset = next(vs for vs in our_viewsets() if vs.name == viewset_name)
    model = viewset.model
    build = world.BUILDERS[model]
    rows = {
        "own": build(walk_org["b"], f"本单位{model._meta.model_name}标记"),
        "other": build(walk_org["a"], f"他单位{model._meta.model_name}标记"),
    }
    markers = {
        key: f"{'本' if key == 'own' else '他'}单位{model._meta.model_name}标记" for key in rows
    }
    secret = world.SECRETS.get(model)
    PROBES["viewsets"].add(viewset_name)
    for role, user in _cast(walk_org).items():
        client.logout()
        if user is not None:
            client.force_login(user)
            user = fresh(user)
        before = {
            k: type(r)._default_manager.filter(pk=r.pk).values().first() for k, r in rows.items()
        }
        hidden_secret = secret and (user is None or not may_everywhere(user, model, secret[0]))
        for key, row in rows.items():
            sees = user is not None and may_for_instance(user, row, "view", "change", "delete")
            for name, (actions, model_actions) in OBJECT_URLS.items():
                url = _url(viewset, name, row.pk)
                if url is None:
                    continue
                allowed = (
                    user is not None
                    and actions
                    and may_for_instance(user, row, *actions)
                    and any(may(user, model, a) for a in model_actions)
                )
                response = _get(client, url)
                where = f"{role} GET {name} of the {key} row ({url})"
                if allowed:
                    assert response.status_code == 200, f"{where}: {response.status_code}"
                    if hidden_secret:
                        assert secret[1](row) not in _text(response), f"{where} shows HR-only data"
                elif not (name == "copy" and sees):
                    assert (
                        response.status_code in (302, 403, 404)
                        if user is None
                        else (response.status_code in (403, 404))
                    ), f"{where}: {response.status_code}"
                    if name in ("edit", "delete"):
                        response = _post(client, url)
                        assert (
                            response.status_code in (302, 403, 404)
                            if user is None
                            else (response.status_code in (403, 404))
                        ), f"{role} POST {name} of the {key} row: {response.status_code}"
        index = _get(client, reverse(f"{viewset.url_namespace}:index"))
        if index.status_code == 200:
            html = _text(index)
            results = _get(client, reverse(f"{viewset.url_namespace}:index_results"))
            html += _text(results)
            exported = ""
            if viewset.list_export:
                export = _get(client, reverse(f"{viewset.url_namespace}:index") + "?export=xlsx")
                assert export.status_code == 200, f"{role} export: {export.status_code}"
                exported = _text(export)
            for key, row in rows.items():
                if not may_for_instance(user, row, "view", "change", "delete"):
                    assert markers[key] not in html, f"{role}: the index lists the {key} row"
                    assert markers[key] not in exported, f"{role}: the export has the {key} row"
                if hidden_secret:
                    assert secret[1](row) not in html + exported, f"{role}: HR-only data listed"
        else:
            assert index.status_code in (302, 403, 404), f"{role} index: {index.status_code}"
        after = {
            k: type(r)._default_manager.filter(pk=r.pk).values().first() for k, r in rows.items()
        }
        for key in rows:
            if user is None or not may_for_instance(user, rows[key], "change", "delete"):
                assert after[key] == before[key], f"{role} changed the {key} row"
