"""The appraisal's papers, on ``reporting/``: the 年度考核登记表 of one person (one A4
page in the official layout; a long self-summary continues on a second page), the
results summary filed with the human-resources bureau (.xlsx) and the publicity notice of
the proposed 优秀 (PDF).

The form's own words are the official form's and stay Chinese whatever the reader's
language, like the page furniture of every official document here; the values (grade,
gender, education) are rendered in Chinese too, the form being filed in the personnel
archive (Art.33).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from reporting.pdf import build_pdf, para, styles, table
from reporting.spreadsheets import Layout, Sheet, write_xlsx
from staffing.models import PostCategory, Staff

from .models import Appraisal, Grade

FORM_TITLE = "事业单位工作人员年度考核登记表"
# No-break spaces: a paragraph collapses runs of ordinary (and ideographic) ones.
GAP = "\xa0" * 6
SIGNATURE = f"签名：{GAP * 3}年{GAP}月{GAP}日"
# A self-summary longer than this goes on a continuation page (the form's cell holds
# about this much at 9 pt).
SUMMARY_IN_CELL = 600
FORMS_DOCUMENT = "performance.registration_forms"  # the background document's kind
FORMS_EVERY = 20  # forms between two progress calls of the whole cycle's forms
DIMENSION_LABELS = (("morality", "德"), ("competence", "能"), ("diligence", "勤"),
                    ("achievement", "绩"), ("integrity", "廉"))  # fmt: skip


def _summary_text(appraisal: Appraisal) -> str:
    parts = []
    for name, label in DIMENSION_LABELS:
        text = getattr(appraisal, f"summary_{name}").strip()
        if text:
            parts.append(f"【{label}】{text}")
    return "\n".join(parts)


def _post_text(appraisal: Appraisal) -> str:
    staff = appraisal.staff
    parts = [str(appraisal.unit)]
    if staff.title:
        parts.append(staff.title)
    if appraisal.post_category:
        parts.append(appraisal.get_post_category_display())
    return " · ".join(parts)


def registration_form(appraisal: Appraisal) -> bytes:
    """The person's 年度考核登记表 (``appraisal`` with its cycle, staff and unit loaded)."""
    with translation.override("zh-hans"):
        return build_pdf(
            _form_story(appraisal, styles()),
            title=FORM_TITLE,
            organisation=str(appraisal.cycle.library),
            running_header=False,
        )


def registration_forms(cycle, appraisals, progress=None) -> bytes:
    """Every form of a cycle in one PDF to print, a new page for each person
    (``appraisals`` with staff and unit loaded, in the order to print); ``progress(done)``
    is called as forms are laid out (a background document)."""
    with translation.override("zh-hans"):
        st = styles()
        story = []
        for done, appraisal in enumerate(appraisals, start=1):
            appraisal.cycle = cycle
            if story:  # build_pdf prints the first form's title
                story += [PageBreak(), para(FORM_TITLE, st["title"]), Spacer(1, 6 * mm)]
            story += _form_story(appraisal, st)
            if progress is not None and done % FORMS_EVERY == 0:
                progress(done)
        if not story:
            story = [para("本次考核没有需要填写登记表的人员。")]
        return build_pdf(
            story, title=FORM_TITLE, organisation=str(cycle.library), running_header=False
        )


def _form_story(appraisal: Appraisal, st) -> list:
    cell, label = st["cell"], st["cell_header"]
    staff, cycle = appraisal.staff, appraisal.cycle

    def c(text) -> Paragraph:
        return para(text or "", cell)

    def heading(text) -> Paragraph:
        return para(text, label)

    summary = _summary_text(appraisal)
    in_cell = (
        summary if len(summary) <= SUMMARY_IN_CELL else summary[:SUMMARY_IN_CELL] + "……（续见附页）"
    )
    proposal = appraisal.get_proposed_grade_display() if appraisal.proposed_grade else ""
    grade = appraisal.get_grade_display() if appraisal.grade else ""
    if appraisal.participation == Appraisal.Participation.GRADED:
        not_graded = ""
    else:
        not_graded = appraisal.participation_reason or appraisal.get_participation_display()
    if appraisal.confirmed_at:  # signed in the system: name and date filled in
        confirmation = f"签名：{staff.name}{GAP}{appraisal.confirmed_at.date().isoformat()}"
    else:
        confirmation = SIGNATURE
    rows = [
        [heading("姓名"), c(staff.name), heading("性别"), c(staff.get_gender_display()),
         heading("出生年月"), c(staff.birth_date.strftime("%Y.%m") if staff.birth_date else "")],
        [heading("学历"), c(staff.get_education_display() if staff.education else ""),
         heading("参加工作时间"), c(staff.hire_date.strftime("%Y.%m") if staff.hire_date else ""),
         heading("工号"), c(staff.staff_number)],
        [heading("单位及职务（岗位）"), c(_post_text(appraisal)), "", "", "", ""],
        [heading("个人总结"), c(in_cell), "", "", "", ""],
        [heading("主管领导评语和考核等次建议"),
         c(f"{appraisal.comment}\n\n建议等次：{proposal}\n\n{SIGNATURE}"), "", "", "", ""],
        [heading("考核委员会意见"),
         c(f"考核等次：{grade}\n\n负责人{SIGNATURE}（盖章）"), "", "", "", ""],
        [heading("单位负责人意见"), c(f"\n{SIGNATURE}"), "", "", "", ""],
        [heading("被考核人意见"),
         c(f"本人已知悉考核结果。\n{confirmation}"),
         "", "", "", ""],
        [heading("未确定等次或不参加考核情况说明"), c(not_graded), "", "", "", ""],
        [heading("备注"), c(""), "", "", "", ""],
    ]  # fmt: skip
    heights = [
        12 * mm,
        12 * mm,
        14 * mm,
        62 * mm,
        32 * mm,
        26 * mm,
        20 * mm,
        20 * mm,
        16 * mm,
        12 * mm,
    ]
    widths = [30 * mm, 32 * mm, 24 * mm, 28 * mm, 24 * mm, 36 * mm]
    grid = Table(rows, colWidths=widths, rowHeights=heights)
    spans = [("SPAN", (1, r), (5, r)) for r in range(2, len(rows))]
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("VALIGN", (1, 3), (1, 7), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                *spans,
            ]
        )
    )
    year = st["subtitle"].clone("form_year", alignment=TA_CENTER, textColor=colors.black)
    story = [para(f"（{cycle.year} 年度）", year), para(f"单位：{cycle.library}"), grid]
    if in_cell != summary:
        story += [PageBreak(), para("个人总结（附页）", "heading1"), para(summary)]
    return story


# -- the results summary and the publicity notice --------------------------------------------

SUMMARY_HEADER = (
    "序号",
    "单位",
    "部门",
    "工号",
    "姓名",
    "性别",
    "岗位类别",
    "职称",
    "考核等次",
    "说明",
)


def results_rows(cycle):
    """The cycle's people in unit order with what the summary prints, as plain values
    assembled in SQL (one query)."""
    return (
        cycle.appraisals.exclude(participation=Appraisal.Participation.EXCLUDED)
        .order_by("unit__path", "staff__staff_number")
        .values_list(
            "unit__name",
            "staff__staff_number",
            "staff__name",
            "staff__gender",
            "post_category",
            "staff__title",
            "grade",
            "proposed_grade",
            "participation",
            "participation_reason",
        )
    )


def results_summary(cycle) -> bytes:
    """The 年度考核结果汇总表 HR files with the human-resources bureau (.xlsx): everyone
    who took part, their grade (the proposal until the cycle is final, marked so), and
    why a person has no grade. Chinese, as filed."""
    with translation.override("zh-hans"):
        genders = dict(Staff._meta.get_field("gender").choices)
        posts = dict(PostCategory.choices)
        grades = dict(Grade.choices)
        participations = dict(Appraisal.Participation.choices)
        final = cycle.is_final

        def rows():
            for n, (
                unit,
                number,
                name,
                gender,
                post,
                title,
                grade,
                proposed,
                part,
                why,
            ) in enumerate(results_rows(cycle).iterator(), start=1):
                shown = grade if final else proposed
                label = str(grades.get(shown, "")) if shown else ""
                if not final and label:
                    label += "（拟）"
                note = (
                    ""
                    if part == Appraisal.Participation.GRADED
                    else (why or str(participations[part]))
                )
                yield [n, str(cycle.library), unit, number, name, str(genders.get(gender, "")),
                       str(posts.get(post, "")), title, label, note]  # fmt: skip

        layout = Layout(repeat_header=True, page_numbers=True, fit_to_width=True, landscape=True)
        return write_xlsx([Sheet(f"{cycle.year}年度考核结果", SUMMARY_HEADER, rows(), layout)])


def _chinese_date(day) -> str:
    """2025年12月1日; blanks to fill in by hand without a date."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "\xa0" * 8 + "年\xa0\xa0月\xa0\xa0日"


def publicity_notice(cycle) -> bytes:
    """The notice posted in the library naming the proposed 优秀 (Art.17), with the
    publicity's dates and where to send objections."""
    with translation.override("zh-hans"):
        names = list(
            cycle.appraisals.filter(proposed_grade=Grade.EXCELLENT)
            .order_by("unit__path", "staff__staff_number")
            .values_list("unit__name", "staff__name")
        )
        start, end = _chinese_date(cycle.publicity_start), _chinese_date(cycle.publicity_end)
        listed = [[n, unit, name] for n, (unit, name) in enumerate(names, start=1)]
        st = styles()
        body = [
            para(
                f"根据《事业单位工作人员考核规定》，经个人述职、民主测评和考核委员会审议，"
                f"拟确定以下 {len(names)} 名同志为{cycle.library}{cycle.year}年度考核优秀等次，"
                f"现予公示。"
            ),
            para(f"公示时间：{start}至{end}（{settings.SHUXIANG_APPRAISAL_PUBLICITY_DAYS}个工作日）。"),
            table([["序号", "部门", "姓名"], *listed], col_widths=["15%", "50%", "35%"]),
            Spacer(1, 4 * mm),
            para("公示期间，如有异议，请以书面形式向本馆人事部门反映。反映问题应实事求是，"
                 "并署真实姓名。"),
            para(f"{cycle.library}考核委员会", st["body"].clone("sign", alignment=TA_RIGHT)),
            para(start, st["body"].clone("date", alignment=TA_RIGHT)),
        ]  # fmt: skip
        return build_pdf(
            body,
            title=f"{cycle.year}年度考核优秀等次人员公示",
            organisation=str(cycle.library),
            running_header=False,
        )


# -- the departments' ranking ----------------------------------------------------------------


def department_ranking_pdf(library, year: int, rows, *, weights: dict) -> bytes:
    """The departments' yearly evaluation of ``library`` (``rows``: evaluations with their
    unit, best first, already narrowed to what the reader may see), for the leadership's
    meeting and the notice board: rank, the four parts, the comprehensive score and
    rating, with the weights it was computed by."""

    def score(value) -> str:
        return "—" if value is None else f"{value:.2f}"

    header = [
        _("Rank"),
        _("Department"),
        _("Plan-task completion"),
        _("On-time reporting"),
        _("Staff appraisal results"),
        _("Budget execution"),
        _("Other items"),
        _("Comprehensive score"),
        _("Rating"),
    ]
    body = [
        [
            "—" if row.rank is None else row.rank,
            row.unit.name,
            score(row.plan_score),
            score(row.reporting_score),
            score(row.appraisal_score),
            score(row.budget_score),
            score(row.other_score) + (f"（{row.other_note}）" if row.other_note else ""),
            score(row.total),
            row.get_rating_display() or "—",
        ]
        for row in rows
    ]
    story = [
        para(
            _(
                "Weights: plan-task completion %(p)s %%, on-time reporting %(r)s %%, staff "
                "appraisal results %(a)s %%, budget execution %(b)s %%, other items scored by "
                "the leadership %(o)s %%. "
                "A part with nothing to judge leaves its weight to the others."
            )
            % {key[0]: value for key, value in weights.items()}
        ),
        Spacer(1, 3 * mm),
        table(
            [header, *body],
            col_widths=["6%", "16%", "11%", "11%", "11%", "11%", "14%", "11%", "9%"],
            align_right_cols=(2, 3, 4, 5, 7),
        )
        if body
        else para(_("Not evaluated yet for this year.")),
    ]
    return build_pdf(
        story,
        title=_("%(library)s departments' evaluation %(year)s")
        % {"library": library, "year": year},
        organisation=str(library),
        subtitle=_("Printed on %(date)s") % {"date": timezone.localdate().isoformat()},
    )
