"""Staffing's documents: the staff sheet (exported in the import's format), the
continuing-education compliance workbook, a person's training record and a unit's
roster (PDFs) — never ID numbers, birth dates or phones without the HR role."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import CharField, DateField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from governance.models import OrgUnit
from reporting.long_tables import Column, long_table_pdf
from reporting.organisation import organisation_name
from reporting.pdf import build_pdf, para, styles, table
from reporting.spreadsheets import write_xlsx

from .importers import sheet
from .models import ExternalTraining, Staff, TitleRecord
from .selectors.compliance import Requirement, TrainingYear, assess_staff
from .selectors.structure import roster_staff

STAFF_SHEET_DOCUMENT = "staffing.staff_sheet"  # the background documents' kinds
COMPLIANCE_DOCUMENT = "staffing.compliance"
PROGRESS_EVERY = 500  # rows between two progress calls of a background document

# The staff sheet's columns that come from a lookup or an annotation, not a field.
EXPORT_SOURCES = {"unit": "unit_label", "title_obtained": "title_obtained"}


def export_staff(queryset: QuerySet[Staff], *, personal: bool) -> bytes:
    """The staff in ``queryset`` as the staff sheet, which imports back unchanged.

    Without ``personal`` the ID number and birth date columns are left out (the sheet still
    imports: absent columns leave the stored values alone) and never leave the database.
    One query: the rows come from SQL as tuples (the unit's label and the current title's
    date included) and stream into the write-only workbook.
    """
    obtained = (
        TitleRecord.objects.filter(
            staff=OuterRef("pk"), title=OuterRef("title"), level=OuterRef("title_level")
        )
        .order_by("-obtained")
        .values("obtained")[:1]
    )
    keys = sheet.export_keys(personal=personal)
    rows = (
        queryset.annotate(
            unit_label=Concat("unit__code", Value(" "), "unit__name", output_field=CharField()),
            title_obtained=Subquery(obtained, output_field=DateField()),
        )
        .values_list(*[EXPORT_SOURCES.get(key, key) for key in keys])
        .iterator(chunk_size=2000)
    )
    return write_xlsx(
        [
            (
                _("Staff"),
                sheet.header(personal=personal),
                (sheet.written_row(keys, values) for values in rows),
            )
        ]
    )


def _export_header() -> list[str]:
    def label(name: str) -> str:
        return capfirst(Staff._meta.get_field(name).verbose_name)

    return [
        label("staff_number"),
        label("name"),
        label("unit"),
        label("title"),
        capfirst(_("year")),
        _("Total hours"),
        _("Professional hours"),
        _("General hours"),
        _("Professional share (%)"),
        _("Hours short"),
        _("Professional hours needed"),
        _("Professional hours short"),
        _("Compliant"),
    ]


def compliance_workbook(
    staff: QuerySet[Staff],
    year: int,
    requirement: Requirement,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    def rows():
        for done, person in enumerate(staff.iterator(chunk_size=2000), start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
            c = assess_staff(person, requirement)
            yield [
                person.staff_number,
                person.name,
                person.unit_label,
                person.title,
                year,
                c.total,
                c.professional,
                c.general,
                c.professional_share_percent,
                c.hours_short,
                c.professional_required,
                c.professional_short,
                _("No") if c.is_short else _("Yes"),
            ]

    title = _("Continuing education %(year)s") % {"year": year}
    return write_xlsx([(title, _export_header(), rows())])


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
                [_label(Staff, "unit"), str(staff.unit), _label(Staff, "title"), staff.title],
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
        organisation=organisation_name(),
        subtitle=f"{staff.name} · {period}",
    )


ROSTER_DOCUMENT = "staffing.roster"  # the background document's kind
# A4 landscape: 261 mm between the margins.
ROSTER_COLUMNS = (
    ("staff_number", 24 * mm),
    ("name", 26 * mm),
    ("gender", 12 * mm),
    ("unit", 62 * mm),
    ("post", 42 * mm),
    ("title", 35 * mm),
    ("education", 32 * mm),
    ("hire_date", 28 * mm),
)


def _post(person: Staff) -> str:
    if not person.post_category:
        return ""
    if person.post_grade is None:
        return person.get_post_category_display()
    return _("%(category)s, grade %(grade)s") % {
        "category": person.get_post_category_display(),
        "grade": person.post_grade,
    }


def _title(person: Staff) -> str:
    if person.title:
        return person.title
    return person.get_title_level_display() if person.title_level else ""


def _sign_off(prepared_by: str, today: str) -> Table:
    """The line HR signs under a roster: 制表 <name>, 审核 (left blank for the reviewer's
    signature), 日期 <date>, spread across the page without a grid."""
    body = styles()["body"]
    cells = [
        _("Prepared by: %(name)s") % {"name": prepared_by},
        _("Checked by:"),
        _("Date: %(date)s") % {"date": today},
    ]
    return Table(
        [[para(cell, body) for cell in cells]],
        colWidths=[90 * mm, 90 * mm, 81 * mm],
        hAlign="LEFT",
        style=TableStyle(
            [("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 6 * mm)]
        ),
    )


def roster_pdf(
    unit: OrgUnit,
    staff: QuerySet[Staff],
    *,
    prepared_by: str = "",
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The roster of ``unit`` from ``staff`` (already narrowed to what the reader may see),
    on A4 landscape, closed by the line HR signs: 制表 (``prepared_by``), 审核, 日期.

    Any length in bounded memory (``reporting.long_tables``): the people stream from the
    database in chunks, one line each; ``progress(rows_done)`` follows a background job."""
    people = roster_staff(staff, unit)
    field = Staff._meta.get_field
    heads = {
        "staff_number": capfirst(field("staff_number").verbose_name),
        "name": _("Full name"),
        "gender": capfirst(field("gender").verbose_name),
        "unit": _("Unit"),
        "post": _("Post"),
        "title": capfirst(field("title").verbose_name),
        "education": _("Education"),
        "hire_date": capfirst(field("hire_date").verbose_name),
    }
    columns = [Column(heads[key], width) for key, width in ROSTER_COLUMNS]
    # A handful of distinct genders, posts, titles and degrees among thousands of people:
    # each label translated once, not once a line.
    labels: dict[tuple, str] = {}

    def label(key: tuple, make: Callable[[], str]) -> str:
        if key not in labels:
            labels[key] = make()
        return labels[key]

    rows = (
        [
            p.staff_number,
            p.name,
            label(("gender", p.gender), p.get_gender_display),
            str(p.unit),
            label(("post", p.post_category, p.post_grade), lambda p=p: _post(p)),
            label(("title", p.title, p.title_level), lambda p=p: _title(p)),
            label(("education", p.education), lambda p=p: p.get_education_display() or ""),
            p.hire_date.isoformat() if p.hire_date else "",
        ]
        for p in people.iterator(chunk_size=2000)
    )
    today = timezone.localdate().isoformat()

    def closing(count: int) -> list:  # the people printed: no count query first
        return [
            para(_("%(count)s staff in post.") % {"count": count}),
            _sign_off(prepared_by, today),
        ]

    return long_table_pdf(
        rows,
        columns,
        title=_("Staff roster"),
        organisation=organisation_name(),
        subtitle=_("%(unit)s and the units under it, as of %(date)s")
        % {"unit": unit, "date": today},
        landscape=True,
        closing=closing,
        progress=progress,
    )
