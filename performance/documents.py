"""The appraisal's papers, on ``reporting.pdf``: the 年度考核登记表 of one person (one A4
page in the official layout; a long self-summary continues on a second page).

The form's own words are the official form's and stay Chinese whatever the reader's
language, like the page furniture of every official document here; the values (grade,
gender, education) are rendered in Chinese too, the form being filed in the personnel
archive (Art.33).
"""

from __future__ import annotations

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Table, TableStyle

from reporting.pdf import build_pdf, para, styles

from .models import Appraisal

FORM_TITLE = "事业单位工作人员年度考核登记表"
# No-break spaces: a paragraph collapses runs of ordinary (and ideographic) ones.
GAP = "\xa0" * 6
SIGNATURE = f"签名：{GAP * 3}年{GAP}月{GAP}日"
# A self-summary longer than this goes on a continuation page (the form's cell holds
# about this much at 9 pt).
SUMMARY_IN_CELL = 600
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
        return _registration_form(appraisal)


def _registration_form(appraisal: Appraisal) -> bytes:
    st = styles()
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
    return build_pdf(
        story,
        title=FORM_TITLE,
        organisation=str(cycle.library),
        subtitle="",
        running_header=False,
    )
