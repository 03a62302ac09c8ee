"""The plan's spreadsheets: the tracking table (one row per item, as of a date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from reporting.spreadsheets import write_xlsx

from .models import Plan, ProgressReport
from .plan_services import last_closed_period, overdue_items, rollup_progress
from .selectors import latest_reports


def tracking_workbook(plan: Plan, items, *, as_of: dt.date) -> bytes:
    """``items`` (already scoped to the user, with lead unit, responsible and partner units
    loaded) as the planning office's tracking table; four queries in all."""
    items = list(items)
    progress = rollup_progress(plan, as_of=as_of)
    latest = latest_reports(plan, as_of=as_of)
    overdue = set(
        overdue_items(plan, last_closed_period(plan, as_of=as_of)).values_list("pk", flat=True)
    )
    health = dict(ProgressReport.Health.choices)
    header = [
        _("Number"),
        _("Title"),
        _("Level"),
        _("Kind"),
        _("Lead unit"),
        _("Partner units"),
        _("Responsible person"),
        _("Start year"),
        _("End year"),
        _("Weight"),
        _("Progress (%)"),
        _("Latest report"),
        _("Health"),
        _("Overdue"),
        _("Status"),
    ]
    rows = []
    for item in items:
        report = latest.get(item.pk)
        rows.append(
            [
                item.number,
                item.title,
                item.depth,
                item.get_kind_display(),
                item.lead_unit.name if item.lead_unit else "",
                "、".join(u.name for u in item.partner_units.all()),
                (item.responsible.get_full_name() or item.responsible.get_username())
                if item.responsible
                else "",
                item.start_year,
                item.end_year,
                item.weight,
                progress.get(item.pk, Decimal(0)),
                f"{report['period__year']}Q{report['period__quarter']}" if report else "",
                health.get(report["health"], "") if report else "",
                _("Yes") if item.pk in overdue else "",
                item.get_status_display(),
            ]
        )
    title = _("Tracking table as of %(date)s") % {"date": as_of.isoformat()}
    return write_xlsx([(title, header, rows)])
