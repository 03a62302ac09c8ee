"""The plan's documents: the tracking table (one row per item, as of a date), the
assignment sheet to fill in, and the progress report PDF of the whole plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from governance.importers.assignment import COLUMNS as ASSIGNMENT_COLUMNS
from governance.models import OrgUnit, Plan, PlanItem, ProgressReport
from governance.people import people
from governance.selectors.dashboard import Dashboard, latest_reports
from governance.selectors.plan import (
    behind_tolerance,
    indicator_table,
    last_closed_period,
    overdue_items,
    plan_figures,
)
from reporting.charts import bar_chart
from reporting.organisation import organisation_name
from reporting.pdf import build_pdf, para, styles, table
from reporting.spreadsheets import Layout, Row, Sheet, write_xlsx

TRACKING_DOCUMENT = "governance.tracking_table"  # the background documents' kinds
PROGRESS_DOCUMENT = "governance.progress_report"
# Past this many rows a list in the progress report is printed a line per item (titles cut
# short) rather than wrapped: thousands of wrapped cells cost minutes and hundreds of MB.
WRAPPED_ROWS = 200
PROGRESS_EVERY = 500  # rows between two progress calls of a background document
EXTRA_ROWS = 200  # drop-downs also below the listed items (rows people add)
OVERDUE_FILL = "FDE2E1"  # the whole row of an overdue item, light red
WRAPPED_COLUMNS = {"title": 60, "partners": 30}  # column widths (characters) of wrapped text
TITLE_COLUMN, PARTNERS_COLUMN = 1, 5  # of the tracking table, counted from 0


def full_title(item: PlanItem) -> str:
    """The item's whole heading: the importer shortens a heading-less sentence to a title
    ending in "…" and keeps the sentence as the item's text."""
    if item.title.endswith("…") and item.text.startswith(item.title[:-1]):
        return item.text.split("\n", 1)[0].strip()
    return item.title


def item_label(item: PlanItem) -> str:
    """Number and full title, as the plan writes the item."""
    return f"{item.number}{full_title(item)}"


def _dash(value):
    return "—" if value is None or value == "" else value


def tracking_workbook(
    plan: Plan, items, *, as_of: dt.date, progress: Callable[[int], None] | None = None
) -> bytes:
    """``items`` (already scoped to the user, with lead unit, responsible and partner units
    loaded) as the planning office's tracking table, printable on A4 landscape, with
    full titles wrapped and overdue rows coloured; five queries in all, written in one
    pass (write-only)."""
    items = list(items)
    figures = plan_figures(plan, as_of=as_of)  # the stored figures for today
    tolerance = behind_tolerance()
    latest = latest_reports(plan, as_of=as_of)
    overdue = set(
        overdue_items(plan, last_closed_period(plan, as_of=as_of)).values_list("pk", flat=True)
    )
    health = dict(ProgressReport.Health.choices)
    status = dict(PlanItem.Status.choices)
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
        _("Expected (%)"),
        _("Behind schedule"),
        _("Latest report"),
        _("Health"),
        _("Overdue"),
        _("Status"),
    ]

    def rows():
        for done, item in enumerate(items, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
            report = latest.get(item.pk)
            task = figures.is_task(item.pk)
            values = [
                item.number,
                full_title(item),
                item.depth,
                item.get_kind_display(),
                str(item.lead_unit) if item.lead_unit else "—",
                "、".join(str(u) for u in item.partner_units.all()) or "—",
                (item.responsible.get_full_name() or item.responsible.get_username())
                if item.responsible
                else "—",
                _dash(item.start_year),
                _dash(item.end_year),
                item.weight,
                figures.progress[item.pk] if task else "—",
                figures.expected[item.pk] if task else "—",
                (_("Yes") if figures.behind(item.pk, tolerance) else _("No")) if task else "—",
                f"{report['period__year']}Q{report['period__quarter']}" if report else "—",
                health.get(report["health"], "—") if report else "—",
                (_("Yes") if item.pk in overdue else _("No")) if task else "—",
                status[figures.status[item.pk]] if task else _("Not a task"),
            ]
            yield Row(values, fill=OVERDUE_FILL if item.pk in overdue else None)

    title = _("Tracking table as of %(date)s") % {"date": as_of.isoformat()}
    layout = Layout(
        widths={
            TITLE_COLUMN: WRAPPED_COLUMNS["title"],
            PARTNERS_COLUMN: WRAPPED_COLUMNS["partners"],
        },
        wrap=(TITLE_COLUMN, PARTNERS_COLUMN),
        align_top=True,
        landscape=True,
        fit_to_width=True,
        repeat_header=True,
        page_numbers=True,
    )
    return write_xlsx([Sheet(title, header, rows(), layout)])


def _unit_label(unit: OrgUnit) -> str:
    """ "T-A 临川区图书馆 · 借阅部": the code first (what the importer reads), then the
    unit with its library, so the county libraries' departments are told apart."""
    return f"{unit.code} {unit}"


def export_assignment(plan: Plan) -> bytes:
    """The plan's items with their current assignment, ready to be filled in: drop-downs
    of units and people on the first sheet, and reference sheets listing the unit codes
    (library · unit) and the people (name, 工号, unit). Three queries."""
    every_unit = {u.pk: u for u in OrgUnit.objects.select_related("library").order_by("path")}
    units = [u for u in every_unit.values() if u.active]
    labels = {pk: _unit_label(u) for pk, u in every_unit.items()}
    persons = people()
    person_label = {p.user_id: p.label for p in persons}
    items = (
        PlanItem.objects.filter(plan=plan)
        .select_related("responsible")
        .prefetch_related("partner_units")
    )
    rows = [
        [
            item.pk,
            item.number,
            "\u3000" * (item.depth - 1) + item.title,
            labels.get(item.lead_unit_id, ""),
            "、".join(labels[u.pk] for u in item.partner_units.all()),
            person_label.get(item.responsible_id, item.responsible.get_username())
            if item.responsible
            else "",
            item.start_year,
            item.end_year,
            item.weight,
        ]
        for item in items
    ]
    unit_rows = [
        [
            labels[u.pk],
            u.code,
            u.library.name if u.library else "—",
            u.name,
            u.get_kind_display(),
        ]
        for u in units
    ]
    people_rows = [
        [
            p.label,
            p.name,
            p.staff_number or "—",
            p.username,
            labels.get(p.unit_id, "—") if p.unit_id else "—",
        ]
        for p in persons
    ]
    units_title, people_title = _("Units"), _("People")
    return write_xlsx(
        [
            Sheet(
                _("Assignment"),
                list(ASSIGNMENT_COLUMNS),
                rows,
                Layout(
                    validations=_dropdowns(
                        len(rows), (units_title, len(unit_rows)), (people_title, len(people_rows))
                    )
                ),
            ),
            (
                units_title,
                [_("Choice in the sheet"), _("Unit code"), _("Library"), _("Unit"), _("Kind")],
                unit_rows,
            ),
            (
                people_title,
                [
                    _("Choice in the sheet"),
                    _("Full name"),
                    _("Staff number"),
                    _("Login name"),
                    _("Unit"),
                ],
                people_rows,
            ),
        ]
    )


def _dropdowns(
    items: int, units: tuple[str, int], persons: tuple[str, int]
) -> list[DataValidation]:
    """The lists of the assignment sheet: lead unit and responsible person from the
    reference sheets (``(title, rows)``; a pick or a typed code/name both pass); partner
    units offer the list too but accept several separated by 、."""
    last = max(items + 1, 2) + EXTRA_ROWS
    columns = {key: get_column_letter(i) for i, key in enumerate(ASSIGNMENT_COLUMNS.values(), 1)}

    def listing(source: tuple[str, int], column: str, *, strict: bool) -> DataValidation:
        title, count = source
        check = DataValidation(
            type="list",
            formula1=f"'{title}'!$A$2:$A${max(count + 1, 2)}",
            allow_blank=True,
            showErrorMessage=strict,
            errorStyle="warning",
            error=_("Choose from the list (or type a unit's code / a person's 工号)."),
            errorTitle=_("Not in the list"),
        )
        check.add(f"{column}2:{column}{last}")
        return check

    return [
        listing(units, columns["lead_unit"], strict=True),
        listing(units, columns["partner_units"], strict=False),
        listing(persons, columns["responsible"], strict=True),
    ]


def _number(value) -> str:
    """A figure as printed: no trailing zeros (12.50 → 12.5), — when there is none."""
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _indicator_table(plan: Plan):
    rows = indicator_table(plan)
    if not rows:
        return [para(_("None."))]
    years = list(plan.years)
    fixed = {"code": 14 * mm, "name": 40 * mm, "baseline": 16 * mm, "final": 16 * mm}
    year_width = (174 * mm - sum(fixed.values())) / len(years)
    header = [
        _("Indicator code"),
        _("Indicator"),
        _("Baseline"),
        *[_("%(year)s target / actual") % {"year": year} for year in years],
        _("Final target"),
    ]
    body = [
        [
            row.indicator.code,
            f"{row.indicator.name}（{row.indicator.measure_unit}）"
            if row.indicator.measure_unit
            else row.indicator.name,
            _number(row.indicator.baseline),
            *[f"{_number(target)}\n{_number(actual)}" for _year, target, actual in row.years],
            _number(row.indicator.final_target),
        ]
        for row in rows
    ]
    return [
        table(
            [header, *body],
            col_widths=[
                fixed["code"],
                fixed["name"],
                fixed["baseline"],
                *[year_width] * len(years),
                fixed["final"],
            ],
            align_right_cols=range(2, len(header)),
        ),
        para(_("Each year: the target above, the actual below (— not recorded yet)."), "small"),
    ]


def _at_risk_table(board: Dashboard):
    if not board.at_risk:
        return [para(_("None."))]
    plain = len(board.at_risk) > WRAPPED_ROWS
    return [
        table(
            [
                [
                    _("Item"),
                    _("Lead unit"),
                    _("Progress (%)"),
                    _("Expected (%)"),
                    _("Health"),
                    _("Behind schedule"),
                ]
            ]
            + [
                [
                    item_label(row.item),
                    str(row.item.lead_unit),
                    f"{row.progress:.1f}",
                    f"{row.expected:.1f}",
                    row.health_label or "—",
                    _("Yes") if row.behind else _("No"),
                ]
                for row in board.at_risk
            ],
            # One line per item when long: the lead unit gets the room its library needs.
            col_widths=[60 * mm, 42 * mm, 17 * mm, 17 * mm, 17 * mm, 21 * mm]
            if plain
            else [72 * mm, 30 * mm, 17 * mm, 17 * mm, 17 * mm, 21 * mm],
            align_right_cols=(2, 3),
            plain=plain,
        )
    ]


def _signature(organisation: str, *, issued: dt.date):
    """The block official papers end with: who drew the document up, and when."""
    style = styles()["body"]
    style.alignment = TA_RIGHT
    return [
        Spacer(0, 12 * mm),
        Paragraph(escape(_("Compiling unit: %(name)s") % {"name": organisation}), style),
        Paragraph(escape(_("Date: %(date)s") % {"date": date_format(issued)}), style),
    ]


def progress_report_pdf(board: Dashboard, *, issued: dt.date | None = None) -> bytes:
    """The figures of ``board`` (the dashboard for the same plan and date) on paper: the
    summary, areas, units, overdue and at-risk items, the indicators, and the signature
    block (编制单位, date of issue — today unless ``issued`` is given)."""
    date = board.as_of.isoformat()
    organisation = organisation_name()
    story = [
        para(
            _(
                "Overall progress %(overall)s%% (expected by now %(expected)s%%); "
                "%(overdue)s items overdue, %(behind)s behind schedule, "
                "%(off)s off track, %(risk)s at risk, %(ok)s on track."
            )
            % {
                "overall": f"{board.overall:.1f}",
                "expected": f"{board.expected:.1f}",
                "overdue": len(board.overdue),
                "behind": board.behind,
                "off": board.health.get("off_track", 0),
                "risk": board.health.get("at_risk", 0),
                "ok": board.health.get("on_track", 0),
            }
        ),
    ]
    if board.period:
        story.append(para(_("Last closed period: %(period)s.") % {"period": board.period}))
    story.append(
        para(
            _(
                "Expected progress runs evenly over each item's years; an item more than "
                "%(points)s points below it is behind schedule."
            )
            % {"points": _number(board.tolerance)},
            "small",
        )
    )
    if board.area_rows:
        story += [
            para(_("Progress by task area"), "heading1"),
            bar_chart(
                [str(row.item) for row in board.area_rows],
                [float(row.progress) for row in board.area_rows],
                width=170 * mm,
                value_max=100,
            ),
            Spacer(0, 4 * mm),
            table(
                [[_("Task area"), _("Progress (%)"), _("Expected (%)"), _("Status")]]
                + [
                    [
                        str(row.item),
                        f"{row.progress:.1f}",
                        f"{row.expected:.1f}",
                        row.status or "—",
                    ]
                    for row in board.area_rows
                ],
                col_widths=[110 * mm, 22 * mm, 22 * mm, 20 * mm],
                align_right_cols=(1, 2),
            ),
        ]
    story += [
        para(_("Progress by lead unit"), "heading1"),
        table(
            [
                [
                    _("Lead unit"),
                    _("Items"),
                    _("Progress (%)"),
                    _("Expected (%)"),
                    _("Behind schedule"),
                    _("Overdue"),
                    _("Off track"),
                ]
            ]
            + [
                [
                    str(row.unit),
                    row.items,
                    f"{row.progress:.1f}",
                    f"{row.expected:.1f}",
                    row.behind,
                    row.overdue,
                    row.off_track,
                ]
                for row in board.units
            ],
            col_widths=[56 * mm, 16 * mm, 22 * mm, 24 * mm, 20 * mm, 18 * mm, 18 * mm],
            align_right_cols=(1, 2, 3, 4, 5, 6),
        ),
        para(_("Overdue items"), "heading1"),
    ]
    if board.overdue:
        story.append(
            table(
                [[_("Item"), _("Lead unit")]]
                + [[item_label(item), str(item.lead_unit)] for item in board.overdue],
                col_widths=[120 * mm, 50 * mm],
                plain=len(board.overdue) > WRAPPED_ROWS,
            )
        )
    else:
        story.append(para(_("None.")))
    story.append(para(_("At-risk items"), "heading1"))
    story.append(
        para(_("The latest report says at risk or off track, or the item is behind schedule."))
    )
    story += _at_risk_table(board)
    story.append(para(_("Indicators"), "heading1"))
    story += _indicator_table(board.plan)
    story += _signature(organisation, issued=issued or timezone.localdate())
    return build_pdf(
        story,
        title=_("Plan progress report"),
        organisation=organisation,
        subtitle=f"{board.plan.title} · " + _("Progress report as of %(date)s") % {"date": date},
    )


# -- who may do what ---------------------------------------------------------------------

ACTION_LETTERS = {"view": "V", "add": "A", "change": "C", "delete": "D"}


def roles_markdown() -> str:
    """docs/roles.md: each app's models against the roles, from the grants every app
    declares in its roles.py (the same data `setup_roles` applies). English labels, so
    the file does not change with the reader's language."""
    from django.apps import apps
    from django.utils import translation

    from governance.roles import ROLES, role_permissions

    granted = role_permissions()
    lines = [
        "# Who may do what",
        "",
        "Generated by `python manage.py roles_table --write` from each app's `roles.py`;",
        "`tests/governance/test_roles_table.py` fails when this file is out of date.",
        "",
        "V view · A add · C change · D delete; other permissions by name. Roles marked",
        "*unit* act only in the units they are granted and the units under them (and a",
        "department head edits the units under their own, not their own unit); the others",
        "act everywhere. Staff may always view their own record and training. Editors",
        "also get page permissions on the whole site and media permissions in the",
        "website's collection (`governance/services/collections.py`).",
        "",
    ]
    with translation.override("en"):
        roles = [
            f"{spec.name} ({spec.key}{', unit' if spec.scope == 'unit' else ''})" for spec in ROLES
        ]
        by_model: dict[tuple[str, str], dict[str, list[str]]] = {}
        for spec in ROLES:
            for perm in granted[spec.key]:
                app_label, codename = perm.split(".", 1)
                action, _sep, model_name = codename.partition("_")
                try:
                    model = apps.get_model(app_label, model_name)
                except LookupError:
                    model = None
                if model is not None:
                    key = (app_label, str(model._meta.verbose_name_plural))
                    label = ACTION_LETTERS.get(action, action)
                else:
                    key, label = (app_label, "(other)"), codename
                by_model.setdefault(key, {}).setdefault(spec.key, []).append(label)
        for app_label in dict.fromkeys(app for app, _name in sorted(by_model)):
            config = apps.get_app_config(app_label)
            lines += [f"## {config.verbose_name} (`{app_label}`)", ""]
            lines.append("| | " + " | ".join(roles) + " |")
            lines.append("|---" * (len(roles) + 1) + "|")
            for (app, name), cells in sorted(by_model.items()):
                if app != app_label:
                    continue
                row = []
                for spec in ROLES:
                    found = cells.get(spec.key, [])
                    letters = "".join(x for x in "VACD" if x in found)
                    others = sorted(x for x in found if x not in ACTION_LETTERS.values())
                    row.append(" ".join(filter(None, [letters, *others])))
                lines.append(f"| {name} | " + " | ".join(row) + " |")
            lines.append("")
    return "\n".join(lines)


def evaluation_pdf(evaluation) -> bytes:
    """A mid-term or final evaluation on paper: its text, then the figures stored when it
    was made (progress overall and by area, tasks completed, the indicators)."""
    figures = evaluation.figures
    story = [para(paragraph) for paragraph in evaluation.text.split("\n") if paragraph.strip()]
    story.append(para(_("Figures as of %(date)s") % {"date": figures.get("as_of", "")}, "heading2"))
    story.append(para(
        _("Overall progress %(overall)s%%; %(done)s of %(items)s tasks completed.")
        % {"overall": figures.get("overall"), "done": figures.get("items_completed"),
           "items": figures.get("items")}
    ))  # fmt: skip
    areas = [[f"{a['number']}{a['title']}", f"{a['progress']}%"] for a in figures.get("areas", [])]
    if areas:
        story.append(table([[_("Area"), _("Progress")], *areas], col_widths=[130 * mm, 44 * mm],
                           align_right_cols={1}))  # fmt: skip

    def figure(value) -> str:
        return "—" if value in (None, "") else _number(Decimal(value))

    indicators = [
        [i["code"], f"{i['name']}（{i['measure_unit']}）" if i["measure_unit"] else i["name"],
         figure(i["baseline"]), figure(i["final_target"]),
         f"{figure(i['actual'])}（{i['actual_year']}）" if i["actual"] is not None else "—"]
        for i in figures.get("indicators", [])
    ]  # fmt: skip
    if indicators:
        story.append(para(_("Indicators"), "heading2"))
        header = [_("Indicator code"), _("Indicator"), _("Baseline"), _("Final target"),
                  _("Latest actual")]  # fmt: skip
        story.append(table([header, *indicators],
                           col_widths=[18 * mm, 66 * mm, 24 * mm, 24 * mm, 42 * mm],
                           align_right_cols={2, 3, 4}))  # fmt: skip
    return build_pdf(
        story, title=evaluation.title, organisation=organisation_name(),
        subtitle=f"{evaluation.get_kind_display()} · {evaluation.plan}",
    )  # fmt: skip
