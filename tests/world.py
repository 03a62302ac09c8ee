"""One row of every managed model, placed in a unit, for the URL walker.

``BUILDERS[Model](unit, marker)`` creates a row that belongs to ``unit`` (ignored for
models outside the org tree) and carries ``marker`` — a text unique to the row that its
listing, export and inspect page show — and returns it. A new app's viewset is walked
the moment its model has a builder here; `test_every_viewset_is_walked` fails until it
has one. ``SECRETS[Model] = (action, value)``: text only users with ``action`` on every
row may see (ID numbers: HR).
"""

import datetime as dt
from decimal import Decimal
from itertools import count

from assets.models import (
    Asset,
    AssetCategory,
    DepreciationRun,
    Disposal,
    HoldingBatch,
    HoldingWithdrawal,
    StockTake,
)
from budget.models import (
    BudgetAdjustment,
    BudgetProject,
    Expenditure,
    Monitoring,
    SelfEvaluation,
    TargetTable,
)
from cms.models import DisclosureCategory
from governance.models import (
    AdjustmentLine,
    AnnualTarget,
    BoardMeeting,
    Contribution,
    Indicator,
    OrgUnit,
    Period,
    Plan,
    PlanAdjustment,
    PlanEvaluation,
    PlanItem,
    PlanVersion,
    ProgressReport,
    Resolution,
    Trustee,
    WorkdayOverride,
)
from performance.models import TitleRule
from staffing.models import (
    Certificate,
    ContinuingEducationRule,
    EducationRecord,
    Enrolment,
    ExternalTraining,
    Investigation,
    LeaveRecord,
    PostAppointment,
    Staff,
    StructureTarget,
    TitleRecord,
    TrainingProgram,
    UnitAssignment,
)
from tests.factories import Node, make_plan, make_project, make_staff, make_unit, make_user

_seq = count(1)


def _plan(marker, title=None):
    """A plan with one leaf item titled ``marker`` (in no unit yet)."""
    plan = make_plan(
        [Node("一、", "主要任务", [Node("一、", "领域", [Node("（1）", marker)])])],
        title=title or f"走访规划{next(_seq)}",
        start_year=2021,
        end_year=2025,
    )
    return plan, PlanItem.objects.get(plan=plan, title=marker)


def _item(unit, marker):
    _plan_, item = _plan(marker)
    PlanItem.objects.filter(pk=item.pk).update(lead_unit=unit)
    item.refresh_from_db()
    return item


def org_unit(unit, marker):
    return make_unit(unit, name=marker, kind=OrgUnit.Kind.SERVICE_POINT)


def plan(unit, marker):
    return _plan(f"{next(_seq)}号任务", title=marker)[0]


def plan_item(unit, marker):
    return _item(unit, marker)


def annual_target(unit, marker):
    return AnnualTarget.objects.create(item=_item(unit, marker), year=2022, description=marker)


def progress_report(unit, marker):
    item = _item(unit, marker)
    period = Period.objects.get(plan=item.plan, year=2022, quarter=1)
    return ProgressReport.objects.create(
        item=item, period=period, percent=Decimal(10), health="on_track", narrative=marker
    )


def contribution(unit, marker):
    item = _item(unit, marker)
    item.partner_units.add(unit)
    period = Period.objects.get(plan=item.plan, year=2022, quarter=1)
    return Contribution.objects.create(item=item, period=period, unit=unit, text=marker)


def indicator(unit, marker):
    return Indicator.objects.create(
        plan=_plan(f"{next(_seq)}号任务")[0],
        code=f"I{next(_seq)}",
        name=marker,
        measure_unit="册",
        baseline=Decimal(1),
        final_target=Decimal(2),
    )


def period(unit, marker):
    return Period.objects.filter(plan=_plan(f"{next(_seq)}号任务", title=marker)[0]).first()


def staff(unit, marker):
    return make_staff(unit, name=marker)


def post_appointment(unit, marker):
    return PostAppointment.objects.create(
        staff=make_staff(unit, name=marker),
        category="professional",
        grade=9,
        start=dt.date(2020, 1, 1),
    )


def title_record(unit, marker):
    return TitleRecord.objects.create(
        staff=make_staff(unit, name=marker), title="馆员", level=3, obtained=dt.date(2019, 1, 1)
    )


def training_program(unit, marker):
    return TrainingProgram.objects.create(
        name=marker,
        kind="routine",
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 2),
        hours=Decimal(8),
        subject_type="professional",
    )


def enrolment(unit, marker):
    program = training_program(unit, f"{marker}培训")
    return Enrolment.objects.create(program=program, staff=make_staff(unit, name=marker))


def external_training(unit, marker):
    return ExternalTraining.objects.create(
        staff=make_staff(unit, name=marker),
        name=f"{marker}外训",
        date=dt.date(2025, 5, 1),
        hours=Decimal(6),
        subject_type="professional",
    )


def certificate(unit, marker):
    return Certificate.objects.create(
        staff=make_staff(unit, name=marker), kind="古籍修复", issued=dt.date(2024, 1, 1)
    )


def unit_assignment(unit, marker):
    return UnitAssignment.objects.create(
        staff=make_staff(unit, name=marker), unit=unit, start=dt.date(2020, 1, 1)
    )


def education_record(unit, marker):
    return EducationRecord.objects.create(
        staff=make_staff(unit, name=marker), level=4, degree="学士", major=marker
    )


def continuing_education_rule(unit, marker):
    # A year nobody else uses; the marker shows as the (otherwise free) share text.
    return ContinuingEducationRule.objects.create(
        year=1950 + next(_seq) % 150, total_hours=Decimal(90), professional_share="2/3"
    )


def structure_target(unit, marker):
    return StructureTarget.objects.create(
        year=2000 + next(_seq) % 90, dimension="title_level", value="3", min_share=Decimal(40)
    )


def leave_record(unit, marker):
    return LeaveRecord.objects.create(
        staff=make_staff(unit, name=marker),
        kind="sick",
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 20),
        note=marker,
    )


def investigation(unit, marker):
    return Investigation.objects.create(
        staff=make_staff(unit, name=marker), opened=dt.date(2025, 5, 1), note=marker
    )


def workday_override(unit, marker):
    # A day nobody else uses; the marker shows as the note.
    day = dt.date(1990, 1, 1) + dt.timedelta(days=next(_seq) % 5000)
    return WorkdayOverride.objects.create(date=day, is_workday=True, note=marker)


def title_rule(unit, marker):
    return TitleRule.objects.create(level=3, min_education=4, from_level=2, years=4, note=marker)


def budget_project(unit, marker):
    return make_project(unit, name=marker)


def target_table(unit, marker):
    return TargetTable.objects.create(project=make_project(unit, name=marker), annual_goal=marker)


def budget_adjustment(unit, marker):
    return BudgetAdjustment.objects.create(
        project=make_project(unit),
        source="fiscal",
        amount=Decimal("5000"),
        reference=marker,
        date=dt.date(2025, 6, 1),
        recorded_by=make_user(),
    )


def expenditure(unit, marker):
    return Expenditure.objects.create(
        project=make_project(unit),
        date=dt.date(2025, 3, 5),
        voucher=f"记-{next(_seq):04d}",
        summary=marker,
        amount=Decimal("1200.50"),
        recorded_by=make_user(),
    )


def self_evaluation(unit, marker):
    project = make_project(unit, name=marker)
    table = TargetTable.objects.create(project=project, status="approved", annual_goal=marker)
    zero = Decimal(0)
    return SelfEvaluation.objects.create(
        project=project, table=table, initial=zero, full_year=zero, spent=zero,
        execution_points=Decimal(10), execution_score=zero,
    )  # fmt: skip


def monitoring(unit, marker):
    project = make_project(unit, name=marker)
    table = TargetTable.objects.create(project=project, status="approved", annual_goal=marker)
    zero = Decimal(0)
    return Monitoring.objects.create(
        project=project, month=7, table=table, budget=zero, spent=zero, expected=zero
    )


def asset_category(unit, marker):
    return AssetCategory.objects.create(
        code=f"T{next(_seq):05d}", name=marker, top_class="equipment", account="general",
        depreciable=True, min_life_months=60,
    )  # fmt: skip


def asset(unit, marker):
    return Asset.objects.create(
        number=f"ZC-W{next(_seq):06d}", name=marker,
        category=AssetCategory.objects.get(code="A02-01"), original_value=Decimal("5600.00"),
        acquired_on=dt.date(2024, 5, 10), life_months=72, unit=unit, location="二楼机房",
    )  # fmt: skip


def depreciation_run(unit, marker):
    return DepreciationRun.objects.create(
        year=1990 + next(_seq) % 60, month=1, posted_by=make_user(), reason=marker, live=False
    )


def stock_take(unit, marker):
    return StockTake.objects.create(
        name=marker, year=2025, ends_on=dt.date(2025, 12, 20), created_by=make_user()
    )


def disposal(unit, marker):
    return Disposal.objects.create(
        kind="scrap", grounds="worn_out", reason=marker, created_by=make_user()
    )


def holding_batch(unit, marker):
    return HoldingBatch.objects.create(
        library=unit, date=dt.date(2025, 3, 1), kind="books", volumes=120,
        amount=Decimal("4800.00"), note=marker,
    )  # fmt: skip


def holding_withdrawal(unit, marker):
    return HoldingWithdrawal.objects.create(
        library=unit, date=dt.date(2025, 6, 1), kind="books", volumes=30, reason=marker
    )


def plan_adjustment(unit, marker):
    plan_, item = _plan(f"{next(_seq)}号任务")
    adjustment = PlanAdjustment.objects.create(plan=plan_, title=marker, reason="评估后调整")
    AdjustmentLine.objects.create(adjustment=adjustment, kind="withdraw", item=item)
    return adjustment


def plan_version(unit, marker):
    plan_, _item_ = _plan(f"{next(_seq)}号任务", title=marker)
    return PlanVersion.objects.create(plan=plan_, number=1, outline=[], targets=[])


def plan_evaluation(unit, marker):
    plan_, _item_ = _plan(f"{next(_seq)}号任务")
    return PlanEvaluation.objects.create(
        plan=plan_, kind="mid_term", as_of=dt.date(2023, 6, 30), title=marker, text="评估。"
    )


def trustee(unit, marker):
    return Trustee.objects.create(
        name=marker[:50],
        category="expert",
        organisation="江西师范大学",
        term_start=dt.date(2024, 1, 1),
    )


def board_meeting(unit, marker):
    return BoardMeeting.objects.create(title=marker[:100], date=dt.date(2025, 3, 20), agenda="审议")


def resolution(unit, marker):
    meeting = BoardMeeting.objects.create(
        title="理事会会议", date=dt.date(2025, 3, 20), agenda="审议", state="held", serving=9,
        present=8,
    )  # fmt: skip
    return Resolution.objects.create(
        meeting=meeting, number=f"LSH-{next(_seq):05d}", type="major_business", title=marker[:200],
        text="同意。", party_review="党委会纪要〔2025〕3号", votes_for=8,
    )  # fmt: skip


def disclosure_category(unit, marker):
    return DisclosureCategory.objects.create(code=f"Z{next(_seq)}", name=marker[:50])


BUILDERS = {
    OrgUnit: org_unit,
    Plan: plan,
    PlanItem: plan_item,
    AnnualTarget: annual_target,
    ProgressReport: progress_report,
    Contribution: contribution,
    Indicator: indicator,
    Period: period,
    Staff: staff,
    PostAppointment: post_appointment,
    TitleRecord: title_record,
    TrainingProgram: training_program,
    Enrolment: enrolment,
    ExternalTraining: external_training,
    Certificate: certificate,
    StructureTarget: structure_target,
    ContinuingEducationRule: continuing_education_rule,
    UnitAssignment: unit_assignment,
    EducationRecord: education_record,
    LeaveRecord: leave_record,
    Investigation: investigation,
    WorkdayOverride: workday_override,
    Trustee: trustee,
    PlanAdjustment: plan_adjustment,
    PlanVersion: plan_version,
    PlanEvaluation: plan_evaluation,
    BoardMeeting: board_meeting,
    Resolution: resolution,
    DisclosureCategory: disclosure_category,
    TitleRule: title_rule,
    BudgetProject: budget_project,
    TargetTable: target_table,
    BudgetAdjustment: budget_adjustment,
    Expenditure: expenditure,
    SelfEvaluation: self_evaluation,
    Monitoring: monitoring,
    AssetCategory: asset_category,
    Asset: asset,
    DepreciationRun: depreciation_run,
    StockTake: stock_take,
    Disposal: disposal,
    HoldingBatch: holding_batch,
    HoldingWithdrawal: holding_withdrawal,
}

SECRETS = {
    Staff: ("view_personal", lambda row: row.id_number),
}
