"""Staffing's PDFs: a person's continuing-education training record."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from reporting.pdf import build_pdf, para, table

from .compliance import TrainingYear
from .models import ExternalTraining, Staff


def _organisation() -> str:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site and site.site_name else "") or settings.WAGTAIL_SITE_NAME


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _period(years: list[TrainingYear]) -> str:
    first, last = years[0].year, years[-1].year
    return str(first) if first == last else f"{first}–{last}"


def training_record_pdf(staff: Staff, years: list[TrainingYear]) -> bytes:
    """``staff``'s training in ``years`` (from ``compliance.training_years``): who they are
    (no ID number or birth date), each year's trainings, totals and the requirement."""
    period = _period(years)
    story = [
        table(
            [
                [_("Full name"), staff.name, _label(Staff, "staff_number"), staff.staff_number],
                [_label(Staff, "unit"), staff.unit.name, _label(Staff, "title"), staff.title],
                [
                    _label(Staff, "post_category"),
                    staff.get_post_category_display(),
                    capfirst(_("year")),
                    period,
                ],
            ],
            header_rows=0,
            col_widths=["18%", "32%", "18%", "32%"],
        ),
    ]
    if len(years) > 1:
        story += [
            para(_("Summary"), "heading1"),
            table(
                [
                    [
                        capfirst(_("year")),
                        _("Total hours"),
                        _("Professional hours"),
                        _("General hours"),
                        _("Professional share (%)"),
                        _("Status"),
                    ]
                ]
                + [
                    [
                        y.year,
                        y.compliance.total,
                        y.compliance.professional,
                        y.compliance.general,
                        y.compliance.professional_share_percent or "—",
                        y.compliance.status,
                    ]
                    for y in years
                ],
                align_right_cols=(1, 2, 3, 4),
            ),
        ]
    for year in years:
        c = year.compliance
        story.append(para(_("Training in %(year)s") % {"year": year.year}, "heading1"))
        if year.records:
            story.append(
                table(
                    [
                        [
                            _label(ExternalTraining, "date"),
                            _label(ExternalTraining, "name"),
                            _label(ExternalTraining, "organiser"),
                            _label(ExternalTraining, "subject_type"),
                            _label(ExternalTraining, "hours"),
                        ]
                    ]
                    + [
                        [r.dates, r.name, r.organiser, r.subject_label, r.hours]
                        for r in year.records
                    ]
                    + [[_("Total"), None, None, None, c.total]],
                    col_widths=[40 * mm, 62 * mm, 32 * mm, 26 * mm, 14 * mm],
                    align_right_cols=(4,),
                )
            )
            story.append(Spacer(1, 2 * mm))
        else:
            story.append(para(_("No training recorded in this year.")))
        share = c.professional_share_percent
        story += [
            para(
                _(
                    "%(total)s hours in total: %(professional)s in professional subjects, "
                    "%(general)s in general subjects (professional share %(share)s)."
                )
                % {
                    "total": c.total,
                    "professional": c.professional,
                    "general": c.general,
                    "share": "—" if share is None else f"{share}%",
                }
            ),
            para(c.summary),
        ]
    story.append(
        para(_("Printed on %(date)s.") % {"date": timezone.localdate().isoformat()}, "small")
    )
    return build_pdf(
        story,
        title=_("Continuing-education training record"),
        organisation=_organisation(),
        subtitle=f"{staff.name} · {period}",
    )
