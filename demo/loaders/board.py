"""The board of trustees (``board-trustees.csv``, ``board-meetings.csv``,
``board-resolutions.csv``): the second board's nine trustees (six from outside the
library), three meetings held with their resolutions — four published, 2024's final
accounts not yet; 2026's extraordinary meeting adopted the 2025 annual report — and the
next meeting planned with its draft budget as a paper, through
the board secretary's services; and the plan's mid-term adjustment
(``plan-adjustments.csv``) put in force with the board's resolution."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from governance.models import (
    AdjustmentLine,
    BoardMeeting,
    Indicator,
    Plan,
    PlanAdjustment,
    Resolution,
    Trustee,
)
from governance.services.board import (
    attach_paper,
    publish_resolution,
    record_attendance,
    record_resolution,
)
from governance.services.revisions import apply_adjustment
from reporting.pdf import build_pdf, para

from .files import read_csv

CATEGORIES = {label: value for value, label in [
    ("sponsor", "举办单位"), ("management", "馆方管理层"), ("staff", "职工代表"),
    ("users", "服务对象/读者"), ("expert", "专业人士"), ("public", "社会人士"),
]}  # fmt: skip
OFFICES = {"理事长": "chair", "副理事长": "vice_chair", "理事": "member"}
TYPES = {"规划": "plan", "预算": "budget", "决算": "final_accounts", "重大业务": "major_business",
         "章程": "charter", "年度报告": "annual_report"}  # fmt: skip


def _paper(meeting: BoardMeeting) -> bytes:
    return build_pdf(
        [para(f"{meeting.title}审议材料之一：2027年度部门预算（草案）。"),
         para("收入预算与支出预算按市财政局“二上”控制数编制，项目支出附绩效目标表。")],
        title="2027年度部门预算（草案）", organisation="抚州市图书馆",
    )  # fmt: skip


@transaction.atomic
def load_board() -> dict[str, int]:
    """Load the board; does nothing when any trustee exists."""
    if Trustee.objects.exists():
        return {"trustees": 0, "resolutions": 0}
    secretary = get_user_model().objects.get(username="secretary")
    trustees = {}
    for row in read_csv("board-trustees.csv"):
        trustees[row["姓名"]] = Trustee.objects.create(
            name=row["姓名"], category=CATEGORIES[row["类别"]], office=OFFICES[row["职务"]],
            organisation=row["工作单位及职务"], appointed_by=row["任命单位"],
            appointment_ref=row["任命文件"], term_start=dt.date.fromisoformat(row["任期开始"]),
        )  # fmt: skip
    meetings = {}
    for row in read_csv("board-meetings.csv"):
        meeting = BoardMeeting.objects.create(
            title=row["会议"], date=dt.date.fromisoformat(row["日期"]), place=row["地点"],
            agenda=row["议程"],
        )  # fmt: skip
        if row["出席"]:
            present = [trustees[name] for name in row["出席"].split("、")]
            meeting = record_attendance(meeting, present, user=secretary)
        else:
            paper = ContentFile(_paper(meeting), name="2027年度部门预算（草案）.pdf")
            attach_paper(meeting, paper, title="2027年度部门预算（草案）", user=secretary)
        meetings[row["会议"]] = meeting
    made = 0
    for row in read_csv("board-resolutions.csv"):
        resolution = record_resolution(
            Resolution(
                meeting=meetings[row["会议"]], number=row["文号"], type=TYPES[row["类型"]],
                title=row["标题"], text=row["内容"], party_review=row["党组织前置研究"],
                votes_for=int(row["赞成"]), votes_against=int(row["反对"]),
                abstentions=int(row["弃权"]),
            ),
            user=secretary,
        )  # fmt: skip
        if row["公布"] == "是":
            publish_resolution(resolution, user=secretary)
        made += 1
    _adjustments()
    return {"trustees": len(trustees), "resolutions": made}


def _adjustments() -> None:
    """``plan-adjustments.csv``: drafted by the planning office, put in force with the
    board's resolution (the plan as approved is kept as version 1)."""
    plan = Plan.objects.order_by("pk").first()
    if plan is None:
        return
    planner = get_user_model().objects.get(username="planner")
    drafts: dict[str, tuple[PlanAdjustment, str]] = {}
    for row in read_csv("plan-adjustments.csv"):
        if row["调整"] not in drafts:
            made = PlanAdjustment.objects.create(plan=plan, title=row["调整"], reason=row["理由"])
            drafts[row["调整"]] = (made, row["决议文号"])
        AdjustmentLine.objects.create(
            adjustment=drafts[row["调整"]][0], kind="target",
            indicator=Indicator.objects.get(plan=plan, code=row["指标编号"]),
            year=int(row["年度"]) if row["年度"] else None, value=row["新值"],
        )  # fmt: skip
    for adjustment, number in drafts.values():
        apply_adjustment(adjustment, Resolution.objects.get(number=number), user=planner)
