"""governance.importers.plan: rebuilding a plan's outline from a Chinese official document."""

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from governance.importers.plan import (
    ParsedItem,
    ParsedPlan,
    PlanImportError,
    parse_plan_file,
    parse_plan_text,
)
from governance.importers.plan_files import docx_paragraphs
from tests.governance.docx import build_docx
from tests.tools import SHARED, require_file

CUSTOMER_PLAN = Path(__file__).resolve().parents[2] / "demo/data/plan-2021-2025.txt"


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted by their English msgid, whatever the site language.
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def plan() -> ParsedPlan:
    with translation.override("en"):
        return parse_plan_file(CUSTOMER_PLAN.name, CUSTOMER_PLAN.read_bytes())


def numbers(items: list[ParsedItem]) -> list[str]:
    return [item.number for item in items]


def titles(items: list[ParsedItem]) -> list[str]:
    return [item.title for item in items]


def child(items: list[ParsedItem], *path: str) -> ParsedItem:
    """The item reached by following numbers (the first match at each level)."""
    for number in path:
        item = next(i for i in items if i.number == number)
        items = item.children
    return item


def all_text(plan: ParsedPlan) -> str:
    return json.dumps(plan.to_dict(), ensure_ascii=False)


def outline(text: str) -> ParsedPlan:
    return parse_plan_text("测试馆“十四五”规划\n" + text)


# --- the customer's plan ---------------------------------------------------------------


def test_customer_plan_has_five_chapters(plan):
    assert numbers(plan.items) == ["一、", "二、", "三、", "四、", "五、"]
    assert titles(plan.items) == ["指导思想", "基本原则", "总体目标", "主要任务", "保障措施"]


def test_customer_plan_restarts_task_areas_under_main_tasks(plan):
    areas = child(plan.items, "四、").children
    assert numbers(areas) == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert [item.ordinal for item in areas] == [1, 2, 3, 4, 5, 6, 7]
    assert titles(areas) == [
        "完善管理模式，率先实现公共图书馆服务均等化，推动全市服务体系进入发展期",
        "提升知识服务，强化知识汇聚，扩大知识传播，推动知识创新",
        "推进全民阅读，支持终身学习，为公众自主发展赋能",
        "提升管理运营的专业化水平，支撑高质量发展",
        "夯实人才发展基础，提升馆员队伍专业化水平",
        "调整和完善馆藏发展政策，提高文献信息资源保障质量",
        "强化科技支撑赋能，健全新技术引领应用机制",
    ]


def test_customer_plan_first_area_has_four_sections_with_their_tasks(plan):
    sections = child(plan.items, "四、", "一、").children
    assert numbers(sections) == ["（一）", "（二）", "（三）", "（四）"]
    assert titles(sections) == [
        "优化顶层设计，健全运行机制",
        "完善基础设施，优化体系结构",
        "加强体系联动，实现服务下沉",
        "强化要素保障，推动效能倍增",
    ]
    assert [len(section.children) for section in sections] == [4, 6, 5, 6]
    assert all(task.style == "paren_num" for s in sections for task in s.children)
    task = sections[0].children[0]
    assert task.number == "（1）"
    assert task.title == "结合全市中心工作、市文广新旅局十四五规划，修订完善相关配套制度"
    assert task.text == "结合全市中心工作、市文广新旅局十四五规划，修订完善相关配套制度。"


def test_customer_plan_nests_circled_subtasks_under_their_task(plan):
    task = child(plan.items, "四、", "二、", "（一）", "（3）")
    assert task.title == "升级知识发现系统，提升知识发现与获取效率"
    assert numbers(task.children) == ["①", "②", "③", "④", "⑤"]
    assert task.children[3].title == "完善馆内资源标识指引"
    assert child(plan.items, "四、", "二、", "（一）", "（4）").children == []


def test_customer_plan_talent_area_has_tasks_without_sections(plan):
    area = child(plan.items, "四、", "五、")
    assert area.title == "夯实人才发展基础，提升馆员队伍专业化水平"
    assert numbers(area.children) == [f"（{n}）" for n in range(1, 8)]
    assert area.children[2].title == "赋能馆员成长和职业发展"


def test_customer_plan_reads_circled_numbers_past_ten(plan):
    task = child(plan.items, "四、", "七、", "（1）")
    assert [item.ordinal for item in task.children] == list(range(1, 12))
    assert task.children[-1].number == "⑪"
    assert task.children[-1].title == "加强中心馆和县（区）馆技术人员能力培养"
    assert numbers(child(plan.items, "四、", "七、").children) == ["（1）", "（2）", "（3）"]


def test_customer_plan_goes_back_out_for_safeguards(plan):
    safeguards = plan.items[4]
    assert safeguards.title == "保障措施"
    assert titles(safeguards.children) == [
        "思想保障",
        "组织保障",
        "人才保障",
        "资金保障",
        "制度保障",
    ]
    assert safeguards.children[0].text.startswith("思想保障\n以加强党的建设为基础")


def test_customer_plan_metadata_comes_from_the_approval_letter(plan):
    assert plan.title == "抚州市图书馆“十四五”规划"
    assert plan.approval_reference == "抚文广新旅字〔2020〕71号"
    assert (plan.start_year, plan.end_year) == (2021, 2025)
    assert plan.preamble.startswith("“十四五”时期，是抚州市图书馆实现跨越式高质量发展")
    assert "特此批复" not in all_text(plan)


@pytest.mark.parametrize(
    "before, after",
    [
        ("延伸图书", "馆服务范围"),
        ("未成年人、老年", "人等定期开展"),
        ("形成完善的监督管理机", "制。"),
        ("丰富自建特色资", "源和链接"),
        ("推进夜", "间延时开放服务"),
        ("进一步加强工会、", "团总支建设"),
    ],
)
def test_customer_plan_rejoins_paragraphs_cut_by_page_breaks(plan, before, after):
    text = all_text(plan)
    assert before + after in text
    assert json.dumps(before + "\n", ensure_ascii=False)[1:-1] not in text


def test_customer_plan_drops_page_filler_and_the_closing_date(plan):
    text = all_text(plan)
    assert "此页无正文" not in text
    assert "二〇二〇年十二月" not in text
    assert plan.items[4].children[-1].text.endswith("完善规划管理机制。")


def test_customer_plan_keeps_both_items_numbered_2_and_warns(plan):
    section = child(plan.items, "四、", "四、", "（一）")
    assert numbers(section.children) == [
        "（1）",
        "（2）",
        "（2）",
        "（3）",
        "（4）",
        "（5）",
        "（6）",
        "（7）",
    ]
    assert section.children[1].title == "强化规划引领的管理特色"
    assert section.children[2].title == "重点推进人员绩效管理，激发各相关主体活力"
    repeated = [w for w in plan.warnings if "used twice" in w]
    assert len(repeated) == 1
    assert "四、四、（一）（2）" in repeated[0]
    assert "重点推进人员绩效管理" in repeated[0]


def test_customer_plan_warns_about_the_missing_circled_two(plan):
    task = child(plan.items, "四、", "四、", "（一）").children[2]
    assert numbers(task.children) == ["①", "③", "④", "⑤"]
    (gap,) = [w for w in plan.warnings if "jumps" in w]
    assert "from ① to ③" in gap
    assert len(plan.warnings) == 2


def test_customer_plan_dict_is_json_serialisable(plan):
    data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    assert set(data) >= {
        "title",
        "approval_reference",
        "start_year",
        "end_year",
        "warnings",
        "items",
    }
    assert data["items"][3]["children"][0]["children"][0]["number"] == "（一）"
    assert set(data["items"][0]) == {"number", "title", "text", "kind", "tables", "children"}


def test_fixture_is_an_exact_copy_of_the_customer_file():
    shared = require_file(SHARED / "seeds/plan-2021-2025.txt", "the shared seed", "../shared/")
    assert CUSTOMER_PLAN.read_bytes() == shared.read_bytes()


# --- numbering quirks ------------------------------------------------------------------


def test_full_and_half_width_brackets_are_one_style():
    plan = outline(
        "一、总则\n(一)第一节\n（二） 第二节\n( 三 )第三节\n(1)甲项。\n（2） 乙项。\n（３）丙项。"
    )
    (chapter,) = plan.items
    assert numbers(chapter.children) == ["（一）", "（二）", "（三）"]
    assert {item.style for item in chapter.children} == {"paren_cn"}
    assert numbers(chapter.children[2].children) == ["（1）", "（2）", "（3）"]
    assert titles(chapter.children[2].children) == ["甲项", "乙项", "丙项"]
    assert plan.warnings == []


def test_heading_text_may_follow_the_number_without_space():
    plan = outline("一、总则\n①根据规划确立的目标。\n② 完成评估。\n1.理性。\n2．开放。\n3、平等。")
    circled = plan.items[0].children
    assert titles(circled) == ["根据规划确立的目标", "完成评估"]
    assert numbers(circled[1].children) == ["1.", "2．", "3、"]
    assert {item.style for item in circled[1].children} == {"arabic"}


def test_numbers_restart_inside_a_chapter():
    plan = outline(
        "一、总体要求\n二、主要任务\n一、第一方面\n（一）小节\n二、第二方面\n三、第三方面"
    )
    assert numbers(plan.items) == ["一、", "二、"]
    assert titles(plan.items[1].children) == ["第一方面", "第二方面", "第三方面"]
    assert plan.warnings == []


def test_outer_number_follows_the_inner_run():
    plan = outline(
        "一、总体要求\n二、主要任务\n一、甲\n二、乙\n三、丙\n四、丁\n三、保障措施\n（一）组织保障"
    )
    assert titles(plan.items) == ["总体要求", "主要任务", "保障措施"]
    assert titles(plan.items[1].children) == ["甲", "乙", "丙", "丁"]
    assert titles(plan.items[2].children) == ["组织保障"]
    assert plan.warnings == []


def test_outer_number_equal_to_the_inner_last_goes_back_out():
    plan = outline("一、总则\n二、目标\n三、主要任务\n一、甲\n二、乙\n三、丙\n四、丁\n四、保障措施")
    assert titles(plan.items) == ["总则", "目标", "主要任务", "保障措施"]
    assert titles(plan.items[2].children) == ["甲", "乙", "丙", "丁"]
    assert plan.warnings == []


def test_skipped_levels_nest_under_the_nearest_heading():
    plan = outline("一、甲\n（1）子一。\n（2）子二。\n二、乙\n（一）节\n1、项。\n①细目。")
    first, second = plan.items
    assert numbers(first.children) == ["（1）", "（2）"]
    assert numbers(second.children) == ["（一）"]
    assert numbers(second.children[0].children) == ["1、"]
    assert numbers(second.children[0].children[0].children) == ["①"]
    assert plan.warnings == []


def test_the_same_number_twice_keeps_both_and_warns():
    plan = outline("一、总则\n①甲。\n②乙。\n②丙。\n③丁。")
    assert titles(plan.items[0].children) == ["甲", "乙", "丙", "丁"]
    (warning,) = plan.warnings
    assert "一、② 丙" in warning
    assert "used twice" in warning


def test_a_gap_in_the_numbers_keeps_the_item_and_warns():
    plan = outline("一、总则\n①甲。\n③丙。\n④丁。")
    assert numbers(plan.items[0].children) == ["①", "③", "④"]
    (warning,) = plan.warnings
    assert "from ① to ③" in warning


def test_a_run_not_starting_at_one_warns():
    plan = outline("一、总则\n（2）乙。\n（3）丙。")
    assert numbers(plan.items[0].children) == ["（2）", "（3）"]
    (warning,) = plan.warnings
    assert "starts at （2）" in warning


def test_ordinals_read_chinese_numerals_and_circled_numbers():
    chapters = "\n".join(f"{n}、第{n}章" for n in "一二三四五六七八九十")
    plan = outline(
        chapters
        + "\n十一、甲\n十二、乙\n"
        + "".join(f"{c}细目。\n" for c in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
    )
    assert [item.ordinal for item in plan.items] == list(range(1, 13))
    assert plan.items[-1].number == "十二、"
    assert [item.ordinal for item in plan.items[-1].children] == list(range(1, 21))
    assert plan.warnings == []


def test_title_is_the_first_clause_and_long_titles_are_cut():
    long_heading = "建设" + "全面覆盖城乡的公共图书馆服务体系" * 5
    plan = outline(f"一、总则\n1、理性。保存和传播人类知识。\n2、{long_heading}\n3、读者：满意")
    rational, long_item, reader = plan.items[0].children
    assert rational.title == "理性"
    assert rational.text == "理性。保存和传播人类知识。"
    assert long_item.title == long_heading[:60] + "…"
    assert long_item.text == long_heading
    assert reader.title == "读者"


# --- page breaks and cleaning ----------------------------------------------------------


def test_a_sentence_split_by_a_page_break_is_rejoined():
    plan = outline(
        "一、指导思想\n\n"
        "坚持以人为本，推进图书馆事业高质量发展，努力建设\n\n"
        "书香城市。\n\n"
        "（此页无正文）\n"
        "二、主要任务\n"
        "（1）完善全市公共图书馆统一业务标准和服务规范，推进\n"
        "— 3 —\n"
        "业务标准化。\n"
        "（2）\n"
        "完善制度。"
    )
    guiding, tasks = plan.items
    assert guiding.title == "指导思想"
    assert guiding.text == "指导思想\n坚持以人为本，推进图书馆事业高质量发展，努力建设书香城市。"
    first, second = tasks.children
    assert first.text == "完善全市公共图书馆统一业务标准和服务规范，推进业务标准化。"
    assert (second.number, second.title) == ("（2）", "完善制度")
    assert "页" not in all_text(plan)


def test_short_lines_without_punctuation_are_not_joined():
    plan = outline("一、总则\n坚持以人为本\n坚持改革创新\n——坚持开放共享，推动\n——坚持高质量发展。")
    assert plan.items[0].text == (
        "总则\n坚持以人为本\n坚持改革创新\n——坚持开放共享，推动\n——坚持高质量发展。"
    )


def test_whitespace_is_normalised_without_touching_chinese_punctuation():
    plan = outline(
        "一、\u3000总则\r\n（一）\t第一节：要求\u3000\u3000如下。\r\n（二）２０２５年目标。"
    )
    section_one, section_two = plan.items[0].children
    assert section_one.text == "第一节：要求 如下。"
    assert section_one.title == "第一节"
    assert section_two.text == "2025年目标。"


# --- title, approval letter, years -----------------------------------------------------


def test_document_without_letter_starts_with_its_title():
    plan = parse_plan_text(
        "《某某县图书馆“十三五”发展规划》\n前言第一段。\n前言第二段。\n一、指导思想\n内容。"
    )
    assert plan.title == "某某县图书馆“十三五”发展规划"
    assert plan.approval_reference == ""
    assert (plan.start_year, plan.end_year) == (2016, 2020)
    assert plan.preamble == "前言第一段。\n前言第二段。"
    assert titles(plan.items) == ["指导思想"]


def test_title_on_two_lines_and_a_year_subtitle():
    plan = parse_plan_text(
        "抚州市图书馆\n“十五五”发展规划\n（2026—2030年）\n为推进事业发展，制定本规划。\n一、总则"
    )
    assert plan.title == "抚州市图书馆“十五五”发展规划"
    assert (plan.start_year, plan.end_year) == (2026, 2030)
    assert plan.preamble == "为推进事业发展，制定本规划。"


def test_approval_reference_with_square_brackets_is_normalised():
    plan = parse_plan_text(
        "某某县文化和旅游局\n某文旅字[2021] 5号\n关于同意规划的批复\n同意。\n"
        "某某县图书馆发展规划（2021-2025年）\n一、总则"
    )
    assert plan.approval_reference == "某文旅字〔2021〕5号"
    assert plan.title == "某某县图书馆发展规划（2021-2025年）"
    assert (plan.start_year, plan.end_year) == (2021, 2025)


def test_numbered_points_of_the_approval_letter_are_skipped():
    plan = parse_plan_text(
        "某某县文化和旅游局文件\n某文旅字〔2021〕5号 签发人：张三\n关于同意规划的批复\n"
        "你馆《关于报请审定规划的请示》（某图字〔2020〕15号）收悉。批复如下：\n"
        "一、原则同意该规划。\n二、请认真组织实施。\n"
        "某某县图书馆“十四五”规划\n前言。\n一、指导思想\n二、主要任务"
    )
    assert plan.title == "某某县图书馆“十四五”规划"
    assert plan.approval_reference == "某文旅字〔2021〕5号"
    assert titles(plan.items) == ["指导思想", "主要任务"]
    assert plan.preamble == "前言。"


def test_a_number_quoted_in_the_letter_is_not_the_approval_reference():
    plan = parse_plan_text(
        "关于同意规划的批复\n你馆《请示》（某图字〔2020〕15号）收悉。\n某馆“十四五”规划\n一、总则"
    )
    assert plan.approval_reference == ""


def test_a_body_line_ending_in_plan_is_not_taken_for_the_title():
    plan = parse_plan_text("一、总则\n（一）目标\n人才队伍专项规划\n（二）任务")
    assert plan.title == ""
    assert numbers(plan.items[0].children) == ["（一）", "（二）"]
    assert plan.items[0].children[0].text == "目标\n人才队伍专项规划"


@pytest.mark.parametrize(
    "name, years",
    [
        ("“十一五”", (2006, 2010)),
        ("“十二五”", (2011, 2015)),
        ("“十三五”", (2016, 2020)),
        ("“十四五”", (2021, 2025)),
        ("“十五五”", (2026, 2030)),
        ("“十五”", (2001, 2005)),
        ("“九五”", (1996, 2000)),
        ("2021—2025年", (2021, 2025)),
        ("2021-2025年", (2021, 2025)),
        ("中长期", (None, None)),
    ],
)
def test_years_come_from_the_plan_name(name, years):
    plan = parse_plan_text(f"某某馆{name}规划\n一、总则")
    assert (plan.start_year, plan.end_year) == years


def test_missing_title_is_a_warning_not_an_error():
    plan = parse_plan_text("本馆今后五年的工作安排如下。\n一、总则")
    assert plan.title == ""
    assert plan.preamble == "本馆今后五年的工作安排如下。"
    assert any("规划" in w for w in plan.warnings)


# --- files -----------------------------------------------------------------------------

TWIN = (
    "《某某县图书馆“十四五”发展规划》\n"
    "为推进事业发展，制定本规划。\n"
    "一、指导思想\n"
    "坚持以人为本，推进图书馆事业高质量发展，努力建设\n"
    "\n"
    "书香城市。\n"
    "二、主要任务\n"
    "(一) 优化服务\n"
    "(1)完善制度。\n"
    "（2）\t推进数字化。\n"
    "①升级检索系统。\n"
    "三、保障措施\n"
    "加强组织领导。"
)


def test_gbk_text_file_is_decoded():
    data = TWIN.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    plan = parse_plan_file("规划.TXT", data)
    assert plan.to_dict() == parse_plan_text(TWIN).to_dict()
    assert titles(plan.items) == ["指导思想", "主要任务", "保障措施"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_text_files_are_decoded(encoding):
    plan = parse_plan_file("plan.txt", TWIN.encode(encoding))
    assert plan.to_dict() == parse_plan_text(TWIN).to_dict()


def test_docx_gives_the_same_tree_as_its_txt_twin():
    from_docx = parse_plan_file("plan.docx", build_docx(TWIN.split("\n")))
    from_txt = parse_plan_file("plan.txt", TWIN.encode())
    assert from_docx.to_dict() == from_txt.to_dict()
    tasks = child(from_docx.items, "二、", "（一）")
    assert titles(tasks.children) == ["完善制度", "推进数字化"]
    assert numbers(tasks.children[1].children) == ["①"]


def test_docx_paragraphs_read_runs_tabs_and_line_breaks():
    data = build_docx(["一、总则", "甲\t乙", "第一行\n第二行", ""])
    assert docx_paragraphs(data) == ["一、总则", "甲\t乙", "第一行\n第二行", ""]


def test_docx_automatic_numbering_is_read_and_said():
    data = build_docx(
        ["某某馆“十四五”规划", "总则", "坚持公益属性。", "任务", "完善制度。"],
        auto_numbered=[1, 3],
    )
    plan = parse_plan_file("plan.docx", data)
    assert numbers(plan.items) == ["一、", "二、"]
    assert titles(plan.items) == ["总则", "任务"]
    (warning,) = plan.warnings
    assert warning == "Paragraphs 2、4: the numbers were taken from Word's automatic numbering."


def test_docx_automatic_numbering_that_cannot_be_worked_out_warns():
    data = build_docx(
        ["某某馆“十四五”规划", "一、总则", "指导思想", "二、任务", "完善制度。"],
        auto_numbered=[2],
        numbering=False,
    )
    plan = parse_plan_file("plan.docx", data)
    assert titles(plan.items) == ["总则", "任务"]
    (warning,) = plan.warnings
    assert "“指导思想”" in warning
    assert "automatic numbering" in warning


def test_docx_reads_tables_and_text_boxes_once_and_skips_deleted_text():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    document = f"""<w:document {w} {mc}><w:body>
      <w:p><w:r><w:t>某馆“十四五”规划</w:t></w:r></w:p>
      <w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>
        <w:r><w:t>一、总则</w:t></w:r><w:del><w:r><w:delText>（删去）</w:delText></w:r></w:del>
        <w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>
          <w:p><w:r><w:t>（一）框内</w:t></w:r></w:p>
        </w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>
          <w:p><w:r><w:t>（一）框内</w:t></w:r></w:p>
        </w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
      <w:tbl><w:tr><w:tc><w:p><w:r><w:t>（二）表内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
    </w:body></w:document>"""
    data = _zip({"word/document.xml": document.encode()})
    assert docx_paragraphs(data) == ["某馆“十四五”规划", "一、总则", "（一）框内", "（二）表内"]
    plan = parse_plan_file("plan.docx", data)
    assert numbers(plan.items[0].children) == ["（一）", "（二）"]
    assert plan.warnings == []


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


RANDOM_BYTES = bytes(random.Random(7).randrange(256) for _ in range(4096))
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
OTHER_ZIP = _zip({"readme.txt": b"hello"})
BROKEN_XML = _zip({"word/document.xml": b"<w:document><w:body><w:p>"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


@pytest.mark.parametrize(
    "filename, data, message",
    [
        ("plan.txt", b"", "empty"),
        ("plan.docx", b"", "empty"),
        ("plan.txt", b"  \r\n\t\n\xe3\x80\x80\n", "empty"),
        ("plan.txt", b"\xef\xbb\xbf", "empty"),
        ("plan.txt", b"\x00\x01\x02\x03\x04binary\x00", "binary data"),
        ("plan.txt", "一、总则\x07响铃".encode(), "control characters"),
        ("plan.txt", b"\x80\x81\xff abc", "UTF-8 or GBK"),
        ("plan.docx", RANDOM_BYTES, "not a valid .docx"),
        ("plan.docx", XLSX, "spreadsheet"),
        ("plan.docx", OTHER_ZIP, "no word/document.xml"),
        ("plan.docx", BROKEN_XML, "damaged"),
        ("plan.docx", OLE, "old Word .doc"),
        ("plan.txt", build_docx(["一、总则"]), "compressed file"),
        ("plan.txt", "本馆将继续做好各项工作。\n努力提升服务水平。".encode(), "is this a plan?"),
        ("plan.docx", build_docx(["本馆将继续做好各项工作。"]), "is this a plan?"),
        ("plan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("plan.pdf", b"%PDF-1.7\n", "PDF files cannot be read"),
        ("plan.doc", OLE, "save it as .docx"),
        ("plan.xlsx", XLSX, "“.xlsx”"),
        ("plan", b"text", "Upload the plan as .docx or .txt"),
    ],
)
def test_bad_files_are_refused_with_a_message_naming_the_problem(filename, data, message):
    with pytest.raises(PlanImportError) as excinfo:
        parse_plan_file(filename, data)
    assert message in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


def test_files_over_the_size_limit_are_refused(settings):
    settings.SHUXIANG_PLAN_IMPORT_MAX_BYTES = 1000
    with pytest.raises(PlanImportError, match="more than the 1000"):
        parse_plan_file("plan.txt", TWIN.encode() * 10)
    assert parse_plan_file("plan.txt", TWIN.encode()).items


def test_text_that_is_only_whitespace_is_refused():
    with pytest.raises(PlanImportError, match="empty"):
        parse_plan_text("\n\u3000\n\t \n")


def test_messages_are_in_chinese_for_chinese_users():
    with translation.override("zh-hans"), pytest.raises(PlanImportError, match="文件为空"):
        parse_plan_file("plan.txt", b"")
