"""Where computed indicator actuals come from.

Other apps (staffing, assets, budget) register a provider at start-up:

    from governance.indicators import register_provider
    register_provider("staffing.intermediate_title_share", _("Staff records"), compute)

``compute(indicator, year)`` returns the actual for that year as a Decimal, or None
when it cannot be known yet. An indicator whose source is "computed" names its provider
key; `refresh_computed` records each provider's figures with the provider's label as
their source. The planning office's manual entries need no provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Indicator, Plan

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
    return _providers.get(key)


def provider_choices() -> list[tuple[str, str]]:
    return [(p.key, str(p.label)) for p in _providers.values()]


def refresh_computed(plan: Plan, *, user=None, today: dt.date | None = None) -> int:
    """Record the actuals of the plan's computed indicators for every year that has
    begun; returns how many were recorded."""
    from .plan_services import record_actual

    year_now = (today or dt.date.today()).year
    count = 0
    for indicator in plan.indicators.filter(source=Indicator.Source.COMPUTED):
        provider = get_provider(indicator.provider)
        if provider is None:
            continue
        for year in plan.years:
            if year > year_now:
                break
            value = provider.compute(indicator, year)
            if value is not None:
                record_actual(indicator, year, value, source=str(provider.label), user=user)
                count += 1
    return count


def _plan_progress(indicator: Indicator, year: int) -> Decimal | None:
    """The plan's overall progress (%) at the end of the year, from accepted reports."""
    from .plan_services import overall_progress, rollup_progress

    plan = indicator.plan
    return overall_progress(plan, rollup_progress(plan, as_of=dt.date(year, 12, 31)))


register_provider("governance.plan_progress", _("Plan progress reports"), _plan_progress)
