"""One layout for every app (DESIGN.md, Layout): the same rooms, dependencies one way, no
import cycles, no app reaching into another app's private names."""

import ast
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ("governance", "staffing", "performance", "budget", "assets", "cms", "demo", "reporting")
ROOMS = {
    "models",
    "services",
    "selectors",
    "viewsets",
    "views",
    "forms",
    "importers",
    "documents",
    "roles",
    "wagtail_hooks",
}
PLUMBING = {
    "__init__",
    "apps",
    "migrations",
    "management",
    "templates",
    "templatetags",
    "static",
    "locale",
}
# Modules outside the rooms, each with its reason.
EXTRA = {
    "governance": {
        "access",  # the one access API (DESIGN.md: access lives in governance)
        "indicators",  # the registry later apps feed (register_provider)
        "params",  # numbers from URLs and query strings, checked
        "fields",  # unit and person form fields every app's forms and filters use
        "columns",  # clean listing columns (是/否, —, names) every viewset uses
        "people",  # people by name: the record later apps register (register_person_record)
    },
    "staffing": {"validators"},  # field validators the models use
    "demo": {"data", "loaders", "tools"},
    "cms": {"search"},  # Chinese as bigram index terms, and highlighting (models and views)
    # reporting is the shared paper layer: its own modules, no rooms.
    "reporting": {
        "backups",  # manage.py backup / restore: database and file trees (issue #13)
        "bulk",  # set-based writes for every all-or-nothing import (issue #9)
        "cells",  # reading a cell as text, a date, an amount: every importer's parsers
        "long_tables",  # tables of any length on paper in bounded memory (issue #9)
        "charts",
        "checks",
        "exports",
        "fonts",
        "forms",
        "imports",
        "organisation",
        "pdf",
        "responses",
        "spreadsheets",
        "staging",
        "storages",
        "uploads",
        "widgets",
    },
}
# Which apps each app may import (DESIGN.md: governance <- staffing <- performance; ...).
MAY_IMPORT = {
    "reporting": set(),
    "governance": {"reporting"},
    "staffing": {"governance", "reporting"},
    "performance": {"governance", "staffing", "reporting"},
    "budget": {"governance", "reporting"},
    "assets": {"governance", "reporting"},
    "cms": set(APPS) - {"cms", "demo"},
    "demo": set(APPS) - {"demo"},
}


def _modules():
    for app in APPS:
        root = BASE / app
        if not root.is_dir():
            continue
        for path in root.rglob("*.py"):
            parts = path.relative_to(BASE).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield app, name, path


def _imports(name: str, path: Path, *, top_level_only: bool):
    """(module imported, names imported) of ``path``; relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, [alias.name for alias in node.names]


def test_every_app_has_the_same_rooms():
    for app in APPS:
        root = BASE / app
        if not root.is_dir():
            continue
        found = {p.stem for p in root.iterdir() if p.suffix == ".py" or p.is_dir()} - {
            "__pycache__"
        }
        allowed = ROOMS | PLUMBING | EXTRA.get(app, set())
        if app == "reporting":
            allowed = PLUMBING | EXTRA["reporting"]
        assert found <= allowed, f"{app}: modules outside the layout: {sorted(found - allowed)}"


def test_dependencies_point_one_way_and_no_private_names_cross_apps():
    for app, name, path in _modules():
        for module, names in _imports(name, path, top_level_only=False):
            other = module.split(".")[0]
            if other not in APPS or other == app:
                continue
            assert other in MAY_IMPORT[app], f"{name} imports {module}: {app} may not use {other}"
            private = [n for n in names if n.startswith("_")]
            assert not private, f"{name} imports private {private} from {module}"
            assert not any(part.startswith("_") for part in module.split(".")), (
                f"{name} imports the private module {module}"
            )


def test_no_import_cycles_between_modules():
    graph: dict[str, set[str]] = {}
    known = {name for _app, name, _path in _modules()}
    for _app, name, path in _modules():
        edges = graph.setdefault(name, set())
        for module, names in _imports(name, path, top_level_only=True):
            for target in (module, *(f"{module}.{n}" for n in names)):
                if target in known and target != name:
                    edges.add(target)
    # Tarjan's strongly connected components: any component of two or more is a cycle.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    # A package importing its own modules in __init__ is not a cycle of ours unless the
    # modules import the package back.
    assert not cycles, f"import cycles: {cycles}"
