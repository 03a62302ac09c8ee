"""governance.importers.plan on other libraries' documents: an action plan sent out with
a 通知, chapters, other numbering styles, page numbers, page breaks, an inner list
restarting, a 专栏 box, tables and Word's own heading styles — each in .txt and .docx."""

import pytest
from django.utils import translation

from governance.importers.plan import ParsedItem, ParsedPlan, parse_plan_file
from tests.governance.docx import Heading, Table, build_docx

TABLE = [
    ["指标名称", "单位", "2020年基数", "2023年目标", "属性"],
    ["数字资源总量", "TB", "50", "120", "预期性"],
    ["读者满意度", "%", "90", "95", "约束性"],
]

# One paragraph per entry; TABLE stands where the indicator table is.
DOCUMENT = [
    "临川市文化广电旅游局文件",
    "临文旅发〔2021〕12号",
    "关于印发《临川市图书馆智慧服务三年行动计划（2021—2023年）》的通知",
    "各县（区）图书馆、局属各单位：",
    "现将《临川市图书馆智慧服务三年行动计划（2021—2023年）》印发给你们，请结合实际认真贯彻执行。",
    "临川市文化广电旅游局",
    "2021年3月5日",
    "临川市图书馆智慧服务三年行动计划（2021—2023年）",
    "为推进智慧图书馆建设，制定本计划。",
    "第一章 总体要求",
    "第一节 指导思想",
    "坚持以人民为中心的发展思想，推动图书馆服务数字化转型，让读者",
    "第 2 页 共 8 页",
    "享受便捷的阅读服务。",
    "第二节 主要目标",
    "主要指标如下表：",
    TABLE,
    "第二章 重点任务",
    "一、夯实基础",
    "（一）完善设施",
    "1）改造自助借还设备，实现通借通还全覆盖。",
    "2）建设数据中心。",
    "（二）推进",
    "— 3 —",
    "智慧图书馆建设",
    "1．建设统一服务平台。",
    "2．推广移动阅读。",
    "二、拓展服务",
    "三、建设分馆网络",
    "（一）建设分馆",
    "一、城区分馆。",
    "二、乡镇分馆。",
    "三、村级服务点。",
    "四、强化保障",
    "专栏1 智慧服务重点工程",
    "1．智能书架工程。",
    "2．数字阅读推广工程。",
    "3．读者服务大数据工程。",
    "五、组织实施",
    "明确责任分工",
    "-4-",
    "·5·",
    "6",
    "第三章 保障措施",
    "加强组织领导。",
]


def as_text(document) -> bytes:
    lines = []
    for block in document:
        if block is TABLE:
            lines += ["    ".join(row) for row in TABLE]
        else:
            lines.append(block)
    return "\n".join(lines).encode()


def as_docx(document) -> bytes:
    return build_docx([Table(block) if block is TABLE else block for block in document])


def line_of(text: str) -> int:
    """The line of ``text`` in the .txt version (the table takes three lines)."""
    lines = as_text(DOCUMENT).decode().split("\n")
    return lines.index(text) + 1


def paragraph_of(text: str) -> int:
    return DOCUMENT.index(text) + 1


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(params=["txt", "docx"])
def fmt(request):
    return request.param


@pytest.fixture
def plan(fmt) -> ParsedPlan:
    data = as_text(DOCUMENT) if fmt == "txt" else as_docx(DOCUMENT)
    return parse_plan_file(f"plan.{fmt}", data)


def where(fmt: str, text: str) -> int:
    return line_of(text) if fmt == "txt" else paragraph_of(text)


def numbers(items: list[ParsedItem]) -> list[str]:
    return [item.number for item in items]


def child(items: list[ParsedItem], *path: str) -> ParsedItem:
    for number in path:
        item = next(i for i in items if i.number == number)
        items = item.children
    return item


def test_the_real_title_is_found_behind_the_letterhead_and_the_notice(plan):
    assert plan.title == "临川市图书馆智慧服务三年行动计划（2021—2023年）"
    assert plan.approval_reference == "临文旅发〔2021〕12号"
    assert (plan.start_year, plan.end_year) == (2021, 2023)
    assert plan.preamble == "为推进智慧图书馆建设，制定本计划。"


@pytest.mark.parametrize(
    "title",
    ["某馆全民阅读推广实施方案", "某馆2022年工作要点", "某馆数字化转型行动计划"],
)
def test_titles_that_are_not_plans_are_found(title):
    data = f"某局文件\n某文发〔2022〕3号\n关于印发《{title}》的通知\n{title}\n一、总则\n甲。"
    plan = parse_plan_file("plan.txt", data.encode())
    assert plan.title == title
    assert plan.approval_reference == "某文发〔2022〕3号"
    assert [i.title for i in plan.items] == ["总则"]


def test_a_notice_without_a_reference_number_says_so():
    data = "关于印发《某馆实施方案》的通知\n各部门：现印发给你们。\n某馆实施方案\n一、总则\n甲。"
    plan = parse_plan_file("plan.txt", data.encode())
    assert plan.approval_reference == ""
    assert any("No reference number (文号)" in w for w in plan.warnings)


def test_chapters_and_sections_become_items_of_their_kind(plan):
    assert numbers(plan.items) == ["第一章", "第二章", "第三章"]
    assert [i.title for i in plan.items] == ["总体要求", "重点任务", "保障措施"]
    assert {i.kind for i in plan.items} == {"chapter"}
    sections = plan.items[0].children
    assert numbers(sections) == ["第一节", "第二节"]
    assert {s.kind for s in sections} == {"section"}
    assert plan.items[2].text == "保障措施\n加强组织领导。"


def test_numbering_with_a_closing_bracket_and_a_full_width_stop(plan):
    assert numbers(child(plan.items, "第二章", "一、", "（一）").children) == ["1）", "2）"]
    assert numbers(child(plan.items, "第二章", "一、", "（二）").children) == ["1．", "2．"]


def test_page_numbers_in_any_style_are_dropped_and_said(plan, fmt):
    body = child(plan.items, "第一章", "第一节").text
    assert "推动图书馆服务数字化转型，让读者享受便捷的阅读服务。" in body
    last = child(plan.items, "第二章", "五、")
    assert last.text == "组织实施\n明确责任分工"
    assert plan.items[2].text.endswith("加强组织领导。")
    lines = [where(fmt, t) for t in ("第 2 页 共 8 页", "— 3 —", "-4-", "·5·", "6")]
    assert f"Lines {'、'.join(map(str, lines))}: page numbers removed." in plan.warnings
    assert (
        f"Line {where(fmt, '享受便捷的阅读服务。')}: a paragraph cut by a page break was joined."
        in plan.warnings
    )


def test_a_heading_cut_by_a_page_break_is_joined_however_short(plan, fmt):
    item = child(plan.items, "第二章", "一、", "（二）")
    assert item.title == "推进智慧图书馆建设"
    assert (
        f"Line {where(fmt, '智慧图书馆建设')}: a heading cut by a page break was joined."
        in plan.warnings
    )


def test_a_complete_heading_at_a_page_end_keeps_its_body_apart():
    data = "某馆规划\n一、指导思想\n— 2 —\n坚持公益属性，服务全民阅读。\n二、任务\n甲。"
    plan = parse_plan_file("plan.txt", data.encode())
    assert plan.items[0].title == "指导思想"
    assert plan.items[0].text == "指导思想\n坚持公益属性，服务全民阅读。"


def test_the_outer_numbering_resumes_after_an_inner_restart(plan, fmt):
    tasks = plan.items[1].children
    assert numbers(tasks) == ["一、", "二、", "三、", "四、", "五、"]
    inner = child(plan.items, "第二章", "三、", "（一）")
    assert numbers(inner.children) == ["一、", "二、", "三、"]
    assert any(
        w.startswith(f"Line {where(fmt, '四、强化保障')}: 四、 could go on") for w in plan.warnings
    )


def test_a_numbered_list_in_a_box_is_the_box_text_not_tasks(plan, fmt):
    item = child(plan.items, "第二章", "四、")
    assert item.title == "强化保障"
    assert item.children == []
    assert item.text == (
        "强化保障\n专栏1 智慧服务重点工程\n1．智能书架工程。\n2．数字阅读推广工程。\n"
        "3．读者服务大数据工程。"
    )
    assert any(
        w.startswith(f"Line {where(fmt, '专栏1 智慧服务重点工程')}: the box") for w in plan.warnings
    )


def test_tables_are_kept_and_an_indicator_table_is_offered(plan, fmt):
    goals = child(plan.items, "第一章", "第二节")
    assert goals.tables == [TABLE]
    assert "数字资源总量 | TB | 50 | 120 | 预期性" in goals.text
    rows = [(i.name, i.measure_unit, i.baseline, i.target, i.attribute) for i in plan.indicators]
    assert rows == [
        ("数字资源总量", "TB", "50", "120", "预期性"),
        ("读者满意度", "%", "90", "95", "约束性"),
    ]
    table_line = line_of("    ".join(TABLE[0])) if fmt == "txt" else paragraph_of(TABLE)
    assert (
        f"Line {table_line}: the table of 2 indicators is offered as the plan's indicators."
        in plan.warnings
    )


def test_a_table_that_is_not_of_indicators_is_only_kept():
    data = "某馆规划\n一、分工\n任务 | 牵头部门 | 配合部门\n借阅 | 借阅部 | 办公室\n二、保障\n甲。"
    plan = parse_plan_file("plan.txt", data.encode())
    table = [["任务", "牵头部门", "配合部门"], ["借阅", "借阅部", "办公室"]]
    assert plan.items[0].tables == [table]
    assert plan.indicators == []
    assert [i.title for i in plan.items] == ["分工", "保障"]


def test_word_heading_styles_without_numbers_make_the_outline():
    data = build_docx(
        [
            "某馆行动计划",
            Heading("总体要求", 1),
            Heading("指导思想", 2),
            "坚持公益属性。",
            Heading("目标", 2),
            Heading("重点任务", 1),
            "完善制度。",
        ]
    )
    plan = parse_plan_file("plan.docx", data)
    assert [i.title for i in plan.items] == ["总体要求", "重点任务"]
    assert [i.title for i in plan.items[0].children] == ["指导思想", "目标"]
    assert plan.items[0].children[0].text == "指导思想\n坚持公益属性。"
    assert (
        "Paragraphs 2、3、5、6: headings without a number were placed by their Word heading style."
        in plan.warnings
    )


def test_the_customer_plan_reads_as_before():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "demo/data/plan-2021-2025.txt"
    plan = parse_plan_file(path.name, path.read_bytes())
    assert plan.indicators == []
    assert len(plan.warnings) == 2


def test_the_numbering_warnings_name_their_line():
    data = "某馆规划\n一、总则\n①甲。\n②乙。\n②丙。\n④丁。"
    plan = parse_plan_file("plan.txt", data.encode())
    repeated, gap = plan.warnings
    assert repeated.startswith("Line 5, 一、② 丙: ")
    assert gap.startswith("Line 6, 一、④ 丁: ")


def test_warnings_read_in_chinese():
    data = "某馆规划\n一、总则\n— 2 —\n二、任务\n甲。"
    with translation.override("zh-hans"):
        plan = parse_plan_file("plan.txt", data.encode())
    assert plan.warnings == ["第3行：页码已删除。"]


def test_the_warnings_come_in_the_order_of_the_document(plan):
    import re

    lines = [int(re.match(r"(?:Lines?|Paragraphs) (\d+)", w)[1]) for w in plan.warnings]
    assert len(lines) == 6
    assert lines == sorted(lines)


def test_word_heading_styles_linked_to_a_list_give_their_numbers():
    data = build_docx(
        [
            "某馆工作要点",
            Heading("总体要求", 1, numbered=True),
            Heading("指导思想", 2, numbered=True),
            "坚持公益属性。",
            Heading("目标", 2, numbered=True),
            Heading("重点任务", 1, numbered=True),
            Heading("阅读推广", 2, numbered=True),
        ]
    )
    plan = parse_plan_file("plan.docx", data)
    assert plan.title == "某馆工作要点"
    assert [(i.number, i.title) for i in plan.items] == [("一、", "总体要求"), ("二、", "重点任务")]
    assert numbers(plan.items[0].children) == ["（一）", "（二）"]
    assert numbers(plan.items[1].children) == ["（一）"]
    assert plan.warnings == [
        "Paragraphs 2、3、5、6、7: the numbers were taken from Word's automatic numbering."
    ]
