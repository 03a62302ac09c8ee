"""The plan's PDF: the progress report of the whole plan as of a date."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from reporting.charts import bar_chart
from reporting.pdf import build_pdf, para, table

from .selectors import Dashboard


def _organisation() -> str:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site and site.site_name else "") or settings.WAGTAIL_SITE_NAME


def progress_report_pdf(board: Dashboard) -> bytes:
    """The figures of ``board`` (the dashboard for the same plan and date) on paper."""
    date = board.as_of.isoformat()
    story = [
        para(
            _(
                "Overall progress %(overall)s%%; %(overdue)s items overdue, "
                "%(off)s off track, %(risk)s at risk, %(ok)s on track."
            )
            % {
                "overall": f"{board.overall:.1f}",
                "overdue": len(board.overdue),
                "off": board.health.get("off_track", 0),
                "risk": board.health.get("at_risk", 0),
                "ok": board.health.get("on_track", 0),
            }
        ),
    ]
    if board.period:
        story.append(para(_("Last closed period: %(period)s.") % {"period": board.period}))
    if board.areas:
        story += [
            para(_("Progress by task area"), "heading1"),
            bar_chart(
                [str(area) for area, _p in board.areas],
                [float(p) for _a, p in board.areas],
                width=170 * mm,
                value_max=100,
            ),
            Spacer(0, 4 * mm),
        ]
    story += [
        para(_("Progress by lead unit"), "heading1"),
        table(
            [[_("Lead unit"), _("Items"), _("Progress (%)"), _("Overdue"), _("Off track")]]
            + [
                [row.unit.name, row.items, f"{row.progress:.1f}", row.overdue, row.off_track]
                for row in board.units
            ],
            col_widths=[70 * mm, 20 * mm, 30 * mm, 25 * mm, 25 * mm],
            align_right_cols=(1, 2, 3, 4),
        ),
        para(_("Overdue items"), "heading1"),
    ]
    if board.overdue:
        story.append(
            table(
                [[_("Item"), _("Lead unit")]]
                + [[str(item), item.lead_unit.name] for item in board.overdue],
                col_widths=[120 * mm, 50 * mm],
            )
        )
    else:
        story.append(para(_("None.")))
    story.append(para(_("Off-track items"), "heading1"))
    if board.off_track:
        story.append(
            table(
                [[_("Item"), _("Lead unit"), _("Progress (%)")]]
                + [
                    [str(item), item.lead_unit.name, f"{report['percent']:.1f}"]
                    for item, report in board.off_track
                ],
                col_widths=[110 * mm, 40 * mm, 20 * mm],
                align_right_cols=(2,),
            )
        )
    else:
        story.append(para(_("None.")))
    return build_pdf(
        story,
        title=_("Plan progress report"),
        organisation=_organisation(),
        subtitle=f"{board.plan.title} · " + _("Progress report as of %(date)s") % {"date": date},
    )
