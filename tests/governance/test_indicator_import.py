"""The planning office's indicator table (.csv or .xlsx): indicators with their yearly
targets, actuals stamped as entered by hand, linked items by title or number; bad cells
reported by row and column, nothing saved."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from governance.importers.indicators import columns, import_indicators
from governance.models import Indicator, IndicatorYear
from reporting.imports import ImportFailed
from reporting.spreadsheets import write_xlsx
from tests.factories import Node, make_plan, make_user
from tests.tools import updated_columns

pytestmark = pytest.mark.django_db

HEADER = (
    "编号,指标名称,计量单位,类型,基期值,规划目标值,"
    "2021年目标,2022年目标,2023年目标,2024年目标,2025年目标,"
    "2021年实际,2022年实际,2023年实际,2024年实际,2025年实际,关联任务"
)


@pytest.fixture
def plan(org):
    return make_plan(
        [
            Node(
                "一、",
                "主要任务",
                [Node("（1）", "优化通借通还功能，推进总分馆建设"), Node("（2）", "夜间延时开放")],
            )
        ]
    )


def csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8-sig")


ZB01 = "ZB-01,年外借册次,万册次,水平型,38,55,41,44,48,52,55,39.5,36.8,47.2,51.6,,优化通借通还功能"
ZB02 = 'ZB-02,年举办阅读推广活动场次,场,累计型,420,"2,500",450,480,500,520,550,436,502,,,,一、（2）'


def test_the_table_creates_indicators_with_years_and_linked_items(plan, org):
    planner = make_user("planner", role="planning")

    assert import_indicators(plan, "指标.csv", csv(ZB01, ZB02), user=planner) == 2

    loans, events = Indicator.objects.order_by("code")
    assert (loans.name, loans.measure_unit, loans.kind, loans.baseline, loans.final_target) == (
        "年外借册次",
        "万册次",
        "level",
        Decimal(38),
        Decimal(55),
    )
    assert (events.kind, events.final_target) == ("cumulative", Decimal(2500))
    years = IndicatorYear.objects.filter(indicator=loans).order_by("year")
    assert [y.target for y in years] == [41, 44, 48, 52, 55]
    assert [y.actual for y in years] == [
        Decimal("39.5"),
        Decimal("36.8"),
        Decimal("47.2"),
        Decimal("51.6"),
        None,
    ]
    recorded = years.exclude(actual=None)
    with translation.override("zh-hans"):
        assert {(y.actual_source, y.actual_recorded_by) for y in recorded} == {
            ("手工填报", planner)
        }
    assert not years.get(year=2025).actual_source
    assert list(loans.items.values_list("title", flat=True)) == ["优化通借通还功能，推进总分馆建设"]
    assert list(events.items.values_list("title", flat=True)) == ["夜间延时开放"]


def test_importing_again_updates_by_code_and_stamps_only_changed_actuals(plan):
    import_indicators(plan, "指标.csv", csv(ZB01))
    first = IndicatorYear.objects.get(year=2021).actual_recorded_at

    changed = ZB01.replace(",51.6,,", ",51.6,54.9,")
    header_without_links = "\n".join(line.rsplit(",", 1)[0] for line in [HEADER, changed]).encode()
    import_indicators(plan, "指标.csv", header_without_links)

    assert Indicator.objects.count() == 1
    assert IndicatorYear.objects.get(year=2021).actual_recorded_at == first
    assert IndicatorYear.objects.get(year=2025).actual == Decimal("54.9")
    assert Indicator.objects.get().items.count() == 1  # the column was left out: kept


def test_the_table_may_be_a_workbook(plan):
    header = list(columns(plan))
    row = dict.fromkeys(header)
    row.update({"编号": "ZB-03", "指标名称": "数字资源总量", "规划目标值": 150, "2021年实际": 78})

    import_indicators(plan, "指标.xlsx", write_xlsx([("指标", header, [list(row.values())])]))

    assert IndicatorYear.objects.get(indicator__code="ZB-03", year=2021).actual == 78


def test_the_attribute_column_says_expected_or_binding(plan):
    header = list(columns(plan))

    def row(code, name, nature):
        values = dict.fromkeys(header)
        values.update({"编号": code, "指标名称": name, "规划目标值": 100, "属性": nature})
        return list(values.values())

    table = [row("ZB-03", "数字资源总量", "约束性"), row("ZB-04", "读者满意度", "预期性")]
    import_indicators(plan, "指标.xlsx", write_xlsx([("指标", header, table)]))

    natures = dict(Indicator.objects.values_list("code", "nature"))
    assert natures == {"ZB-03": "binding", "ZB-04": "expected"}

    bad = write_xlsx([("指标", header, [row("ZB-05", "到馆人次", "重要")])])
    with pytest.raises(ImportFailed) as caught:
        import_indicators(plan, "指标.xlsx", bad)
    assert {(e.row, e.column) for e in caught.value.errors} == {(2, "属性")}


def test_bad_rows_save_nothing_and_are_reported_by_cell(plan):
    rows = [
        ZB01,
        ZB01.replace("年外借册次", "年外借册次（重复）"),  # the code again
        "ZB-03,数字资源总量,TB,增长型,60,,75,95,115,135,150,七十八,,,,,没有这一条",
    ]

    with translation.override("en"), pytest.raises(ImportFailed) as caught:
        import_indicators(plan, "指标.csv", csv(*rows))

    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "编号"),
        (4, "类型"),
        (4, "规划目标值"),
        (4, "2021年实际"),
        (4, "关联任务"),
    }
    messages = " ".join(str(e) for e in caught.value.errors)
    assert "also in row 2" in messages and "“七十八” is not a number" in messages
    assert "no item of the plan has the title or number “没有这一条”" in messages
    assert not Indicator.objects.exists()


def test_actuals_of_a_computed_indicator_are_refused(plan):
    Indicator.objects.create(
        plan=plan, code="ZB-01", name="年外借册次", final_target=55, source="computed"
    )

    with pytest.raises(ImportFailed) as caught:
        import_indicators(plan, "指标.csv", csv(ZB01))

    assert {e.column for e in caught.value.errors} == {
        "2021年实际",
        "2022年实际",
        "2023年实际",
        "2024年实际",
    }


def test_reimport_writes_only_the_changed_columns_and_stays_all_or_nothing(plan):
    import_indicators(plan, "指标.csv", csv(ZB01, ZB02))
    renamed = ZB01.replace("年外借册次", "年外借总册次").replace(",41,", ",42,")

    with CaptureQueriesContext(connection) as queries:
        import_indicators(plan, "指标.csv", csv(renamed, ZB02))

    assert updated_columns(queries, Indicator) == [{"name"}]
    assert updated_columns(queries, IndicatorYear) == [{"target"}]
    loans = Indicator.objects.get(code="ZB-01")
    assert (loans.name, loans.years.get(year=2021).target) == ("年外借总册次", Decimal(42))
    with pytest.raises(ImportFailed):
        import_indicators(
            plan, "指标.csv", csv(renamed.replace(",55,", ",60,", 1), ZB02.replace("累计型", "x"))
        )
    assert Indicator.objects.get(code="ZB-01").final_target == Decimal(55)
