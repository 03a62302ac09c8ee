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
