"""Where computed indicator actuals come from.

Other apps (staffing, assets, budget) register a provider at start-up:

    from governance.indicators import register_provider
    register_provider("staffing.intermediate_title_share", _("Staff records"), compute)

``compute(indicator, year)`` returns the actual for that year as a Decimal, or None
when it cannot be known yet. An indicator whose source is "computed" names its provider
key; `services.plan.refresh_computed` records each provider's figures with the
provider's label as their source. The planning office's manual entries need no
provider. Registrations are made in each app's wagtail_hooks.py, which Wagtail loads on
first use (and these functions load before they look).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from wagtail.hooks import search_for_hooks

from .models import Indicator

Compute = Callable[[Indicator, int], Decimal | None]


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    compute: Compute


_providers: dict[str, Provider] = {}


def register_provider(key: str, label, compute: Compute) -> None:
    _providers[key] = Provider(key, label, compute)


def get_provider(key: str) -> Provider | None:
    search_for_hooks()
    return _providers.get(key)


def provider_choices() -> list[tuple[str, str]]:
    search_for_hooks()
    return [(p.key, str(p.label)) for p in _providers.values()]


# -- department measures ------------------------------------------------------------------------
# A later app's figure for each department in a year (budget execution…), read by the
# departments' yearly evaluation (performance) without importing that app:
#
#     register_department_measure("budget.execution_rate", _("Budget execution"), compute)
#
# ``compute(departments, year)`` takes the departments (OrgUnit rows) and returns a score
# from 0 to 100 for each department's primary key it can judge (the units below a
# department counted with it); a department it cannot judge is left out.

DepartmentCompute = Callable[[list, int], dict[int, Decimal]]


@dataclass(frozen=True)
class DepartmentMeasure:
    key: str
    label: str
    compute: DepartmentCompute


_department_measures: dict[str, DepartmentMeasure] = {}


def register_department_measure(key: str, label, compute: DepartmentCompute) -> None:
    _department_measures[key] = DepartmentMeasure(key, label, compute)


def get_department_measure(key: str) -> DepartmentMeasure | None:
    search_for_hooks()
    return _department_measures.get(key)
