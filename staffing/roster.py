"""The staff roster of a unit and the units under it, on paper: who is in post, their
post, title and education — never ID numbers, birth dates or phone numbers."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from governance.models import OrgUnit
from reporting.pdf import build_pdf, para, table

from .models import Staff
from .structure import structure_units, visible_staff

# The only columns read from the database: personal data never reaches the document.
ROSTER_FIELDS = (
    "staff_number",
    "name",
    "gender",
    "unit__name",
    "unit__path",
    "post_category",
    "post_grade",
    "title",
    "title_level",
    "education",
    "hire_date",
)
COLUMN_WIDTHS = [20 * mm, 21 * mm, 10 * mm, 31 * mm, 28 * mm, 24 * mm, 18 * mm, 22 * mm]


def roster_staff(staff: QuerySet[Staff], unit: OrgUnit) -> QuerySet[Staff]:
    """The staff in post in ``unit`` and the units under it, by unit then staff number."""
    return (
        staff.in_post()
        .filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .only(*ROSTER_FIELDS)
        .order_by("unit__path", "staff_number")
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


def _organisation() -> str:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site and site.site_name else "") or settings.WAGTAIL_SITE_NAME


def roster_pdf(unit: OrgUnit, staff: QuerySet[Staff]) -> bytes:
    """The roster of ``unit`` from ``staff`` (already narrowed to what the reader may see)."""
    people = list(roster_staff(staff, unit))
    field = Staff._meta.get_field
    header = [
        capfirst(field("staff_number").verbose_name),
        _("Full name"),
        capfirst(field("gender").verbose_name),
        _("Unit"),
        _("Post"),
        capfirst(field("title").verbose_name),
        _("Education"),
        capfirst(field("hire_date").verbose_name),
    ]
    rows = [
        [
            p.staff_number,
            p.name,
            p.get_gender_display(),
            p.unit.name,
            _post(p),
            _title(p),
            p.get_education_display() if p.education else "",
            p.hire_date.isoformat() if p.hire_date else "",
        ]
        for p in people
    ]
    count = _("%(count)s staff in post.") % {"count": len(people)}
    story = [para(count)]
    if rows:
        story.append(table([header, *rows], col_widths=COLUMN_WIDTHS))
        story.append(para(count))
    today = timezone.localdate().isoformat()
    return build_pdf(
        story,
        title=_("Staff roster"),
        organisation=_organisation(),
        subtitle=_("%(unit)s and the units under it, as of %(date)s")
        % {"unit": unit.name, "date": today},
    )


def roster_pdf_view(request, unit_pk: int):
    """HR, or a head whose units include ``unit_pk``; a unit out of reach does not exist."""
    unit = get_object_or_404(structure_units(request.user), pk=unit_pk)
    response = HttpResponse(
        roster_pdf(unit, visible_staff(request.user)), content_type="application/pdf"
    )
    filename = f"roster-{unit.pk}-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
