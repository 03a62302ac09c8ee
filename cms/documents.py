"""The website's documents: the annual report's figures as rows (for its page and its
PDF alike) and the annual report as a PDF."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from reporting.organisation import organisation_name
from reporting.pdf import build_pdf, para, table


def money(value) -> str:
    """Yuan with thousands separators and two decimals; — when there is none."""
    return "—" if value in (None, "") else f"{Decimal(value):,.2f}"


def _percent(value) -> str:
    return "—" if value in (None, "") else f"{Decimal(value):.1f}%"


def figure_sections(figures: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The figures as headed lists of (label, value) rows, in the order they are read."""
    sections = []
    plan = figures.get("plan")
    if plan:
        rows = [
            (_("Overall progress"), _percent(plan["overall"])),
            (_("Tasks completed"), f"{plan['items_completed']} / {plan['items']}"),
        ]
        rows += [(f"{a['number']}{a['title']}", _percent(a["progress"])) for a in plan["areas"]]
        sections.append((_("Plan progress: %(plan)s") % {"plan": plan["title"]}, rows))
    staff = figures.get("staff") or {}
    sections.append((_("Staff at the year's end"), [
        (_("Headcount"), str(staff.get("headcount", "—"))),
        (_("Senior titles (associate senior and above)"), _percent(staff.get("senior_share"))),
        (_("Intermediate titles and above"), _percent(staff.get("intermediate_share"))),
    ]))  # fmt: skip
    sections.append((
        _("Annual appraisal"),
        [(a["label"], str(a["count"])) for a in figures.get("appraisal") or []],
    ))  # fmt: skip
    budget = figures.get("budget") or {}
    sections.append((_("Budget execution"), [
        (_("Budget (yuan)"), money(budget.get("budget"))),
        (_("Spent (yuan)"), money(budget.get("spent"))),
        (_("Execution rate"), _percent(budget.get("rate"))),
    ]))  # fmt: skip
    assets = figures.get("assets") or {}
    sections.append((_("Fixed assets (yuan)"), [
        (_("At the opening"), money(assets.get("opening"))),
        (_("Added"), money(assets.get("added"))),
        (_("Disposed of"), money(assets.get("disposed"))),
        (_("At the closing"), money(assets.get("closing"))),
        (_("Depreciation of the year"), money(assets.get("depreciation"))),
        (_("Net value at the closing"), money(assets.get("net"))),
    ]))  # fmt: skip
    holdings = figures.get("holdings") or {}
    sections.append((_("Holdings"), [
        (_("Volumes held at the year's end"), f"{holdings.get('volumes', 0):,}"),
        (_("Volumes bought in the year"), f"{holdings.get('bought', 0):,}"),
        (_("Spent on purchases (yuan)"), money(holdings.get("spent"))),
    ]))  # fmt: skip
    return sections


def annual_report_pdf(report) -> bytes:
    """The annual report on A4: the eight parts, then the figures as frozen when it was
    published, and the board's resolution that adopted it."""
    story = []
    if report.resolution_id:
        resolution = report.resolution
        story.append(para(
            _("Adopted by the board of trustees: %(number)s %(title)s")
            % {"number": resolution.number, "title": resolution.title}, "small",
        ))  # fmt: skip
    for label, html in report.parts():
        story.append(para(label, "heading2"))
        text = strip_tags(html or "").strip() or _("None.")
        story += [para(line) for line in text.split("\n") if line.strip()]
    story.append(para(_("Figures"), "heading1"))
    for heading, rows in figure_sections(report.shown_figures()):
        story.append(para(heading, "heading2"))
        story.append(table([[_("Item"), _("Value")], *rows], col_widths=[120 * mm, 54 * mm],
                           align_right_cols={1}))  # fmt: skip
    return build_pdf(
        story, title=report.title, organisation=organisation_name(),
        subtitle=_("Annual report %(year)s") % {"year": report.year},
    )  # fmt: skip
