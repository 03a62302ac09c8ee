"""Writes that keep the plan's stored figures current: the roll-up of progress and
status (``refresh_progress``) and the computed indicators' actuals. Every service that
accepts a report or changes weights, lead units or statuses calls ``refresh_progress``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.indicators import get_provider
from governance.models import Indicator, IndicatorYear, Plan, PlanItem
from governance.selectors.plan import rollup

# -- indicators -----------------------------------------------------------------------------


@transaction.atomic
def record_actual(
    indicator: Indicator, year: int, value: Decimal | None, *, source: str, user=None
) -> IndicatorYear:
    """Set an indicator's actual for a year, noting when and from where it came."""
    if year not in indicator.plan.years and year != indicator.plan.start_year - 1:
        raise ValidationError(_("%(year)s is outside the plan's years.") % {"year": year})
    row, _created = IndicatorYear.objects.get_or_create(indicator=indicator, year=year)
    row.actual = value
    row.actual_source = source
    row.actual_recorded_at = timezone.now()
    row.actual_recorded_by = user
    row.save()
    log(
        instance=indicator,
        action="shuxiang.indicator.actual",
        user=user,
        data={"year": year, "value": str(value), "source": source},
    )
    return row


# -- stored progress ---------------------------------------------------------------------


def refresh_progress(plan: Plan) -> int:
    """Store every item's rolled-up progress (all accepted reports so far) and every
    task's derived status — a parent's follows its children, a leaf accepted at 100 % is
    completed — so the listing and its export never show a stale figure; called by
    every service that accepts a report or changes weights, lead units or statuses.
    Items that are not tasks (the preamble) keep their status. Returns the items
    changed; three queries and one UPDATE batch. What it stores is the roll-up as of
    today, which counts every report accepted so far (``selectors.plan.known_by``): the
    dashboard, the listing and the item page read it back for today."""
    figures = rollup(plan)
    stored = PlanItem.objects.filter(plan=plan).values_list("pk", "progress", "status")
    changed = []
    for pk, progress, status in stored:
        new_status = figures.status.get(pk, status)
        if progress != figures.progress[pk] or status != new_status:
            changed.append(PlanItem(pk=pk, progress=figures.progress[pk], status=new_status))
    PlanItem.objects.bulk_update(changed, ["progress", "status"], batch_size=500)
    return len(changed)


def refresh_computed(plan: Plan, *, user=None, today: dt.date | None = None) -> int:
    """Record the actuals of the plan's computed indicators for every year that has
    begun; returns how many were recorded."""
    year_now = (today or timezone.localdate()).year
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
