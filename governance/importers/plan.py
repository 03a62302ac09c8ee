"""Rebuild a plan's outline from the text of a Chinese official document.

Pure functions, no database: the import service turns a ``ParsedPlan`` into rows.

The algorithm, in the order it runs:

1. **Read** (`plan_files`). ``.txt`` is decoded as UTF-8 (with or without BOM), then GB18030 (a
   superset of GBK, which is what Notepad and WPS on Chinese Windows write), or UTF-16
   when it starts with a BOM; runs of column-aligned lines (cells apart by a tab, two
   spaces, a full-width space or a bar, at least three columns on the first row) are
   tables. ``.docx`` is read from ``word/document.xml`` with defusedxml: one line per
   ``w:p`` (text boxes and one-column frame tables included), real tables as tables,
   ``w:tab`` as a tab, ``w:br``/``w:cr`` as a line break and a page ``w:br`` as a page
   break. Word's automatic numbering (``w:numPr``, on the paragraph or its style) is
   counted from ``numbering.xml`` and put before the text ("一、"); a heading style
   (``heading N`` / ``outlineLvl``) with no number at all places the paragraph at its
   level. Anything that is not a readable text gets a ``PlanImportError`` whose message
   names the problem.
2. **Clean.** NFC; full-width spaces, tabs and other blanks become one space; full-width
   digits and Latin letters become ASCII (NFKC only for those: NFKC on the whole text
   would turn ``①`` into ``1`` and ``（`` into ``(``). Blank lines, page filler
   ("（此页无正文）"), rules and printed page numbers in any style ("— 3 —", "-3-", "·3·",
   "第3页", "第 3 页 共 20 页", "3/20", a bare "3") are dropped; a dropped page number
   or filler marks a page break before the next line. Each line keeps its line number
   (its paragraph number in a .docx) for the warnings.
3. **Find the parts** (before re-joining, so the letter's long subject line stays
   whole). The plan title is the standalone line ending in 规划, 计划 (行动计划), 方案
   (实施方案), 要点 (工作要点) or 纲要 (possibly in 《》 and followed by a year range)
   that precedes the plan's first numbered heading; lines above it are the approval
   letter or the 通知 that sent the plan out (letterhead, 文号, subject, addressees,
   signature — skipped, but its own reference such as ``抚文广新旅字〔2020〕71号`` is
   kept, and its absence said) and lines between it and the first heading are the
   preamble. A trailing date ("二〇二〇年十二月") and the signature above it are not part
   of the last item. Years come from "2021—2025" or from "十四五" (the n-th plan starts
   in 1966 + 5·(n − 3), the first two in 1953 and 1958).
4. **Re-join page breaks.** A line continues on the next one when it does not end with
   closing punctuation, the next line is not numbered, does not start with "——" or
   "专栏", and its own text (without the number) has at least ``JOIN_MIN_CHARS``
   characters. Real breaks sit at the end of a full printed line, so the broken part is
   at least one line long, while bare headings ("一、指导思想", "（一）愿景") are short.
   Across a page break (a page number dropped between them) a body line goes on
   whatever its length, and a heading however short goes on into a short unpunctuated
   line ("（三）推进" / "— 3 —" / "智慧图书馆建设"), never into body text.
5. **Nest.** Numbered lines are matched against the styles (``chapter`` 第一章 / 第一部分,
   ``jie`` 第一节, ``cn`` 一、, ``paren_cn`` （一）, ``paren_num`` （1）, ``num_paren``
   1）, ``circled`` ①, ``arabic`` 1、 1. 1．, and ``hN`` for a Word heading style) and
   placed with a stack of open levels, each with its style and last number. 第一章 is
   always outermost. For a heading of style S and number n, at the innermost open level
   of style S: n = last + 1 is the next sibling and n = last a repeated number (both
   kept, with a warning); n = 1 restarts a new run nested under the innermost item (the
   task areas 一、…七、 under 四、主要任务); otherwise an outer level of style S whose
   last + 1 = n takes it (五、保障措施 after the inner 七、); failing that it is a
   sibling at the innermost level with a warning about the gap. Two refinements: when
   n = last but an outer level continues with n (inner areas 一、…五、, then
   五、保障措施), the outer level wins, since a list going on is likelier than a typo;
   when n = last + 1 and an outer level also continues with n (an inner 一、二、三 under
   （一）, then 四、), the outer level wins when the inner run sits under a level of
   another style, or when the heading is bare like the outer ones and the inner ones are
   sentences — with a warning either way. A style with no open level opens one under
   the innermost item, so skipped levels (（1） straight under 一、) just work.
   Unnumbered lines are appended to the innermost item's text. A line starting 专栏1
   opens a box: it and the lines after it (the box's own numbered lists included) are
   the text of the item above, until a number carries on the outline. A table is kept
   on the item above (``tables``, and as " | " rows in its text); one headed 指标 / 基数
   / 目标 (/ 属性) is also offered as the plan's indicators.
6. **Titles.** An item's title is its heading text up to the first 。；：！？, cut at
   ``TITLE_MAX_CHARS`` with "…"; ``text`` keeps the whole paragraph and its body.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .plan_files import (
    DEFAULT_MAX_BYTES,
    PlanImportError,
    binary_message,
    decode_text,
    has_control_characters,
    read_docx,
    snippet,
)

__all__ = [
    "ParsedIndicator",
    "ParsedItem",
    "ParsedPlan",
    "PlanImportError",
    "format_number",
    "indicator_workbook",
    "number_style",
    "parse_plan_file",
]

# A printed 公文 line holds 28 characters (GB/T 9704); a paragraph broken by a page end
# fills at least one line less its 2-character indent and a number such as "（2）".
# In the customer's plan the shortest broken text is 23 characters and the longest
# bare heading followed by body text is 4 ("指导思想"), so 20 leaves room either way.
JOIN_MIN_CHARS = 20
TITLE_MAX_CHARS = 60

STYLES = ("chapter", "jie", "cn", "paren_cn", "paren_num", "num_paren", "circled", "arabic")


@dataclass
class ParsedItem:
    number: str
    title: str
    text: str
    style: str
    ordinal: int
    children: list[ParsedItem] = field(default_factory=list)
    kind: str = ""  # "chapter" (第一章) or "section" (第一节); else decided on import
    tables: list[list[list[str]]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "kind": self.kind,
            "tables": self.tables,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class ParsedIndicator:
    """A row of the plan's own indicator table (指标 / 基数 / 目标 / 属性)."""

    name: str
    measure_unit: str
    baseline: str
    target: str
    attribute: str  # 预期性 / 约束性, as written

    @property
    def baseline_value(self) -> str:
        return _figure(self.baseline)

    @property
    def target_value(self) -> str:
        return _figure(self.target)

    @property
    def importable(self) -> bool:
        """Whether the target is a figure (≥95%, 120万册); "持续提升" is not."""
        return bool(self.target_value)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


_FIGURE_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _figure(text: str) -> str:
    m = _FIGURE_RE.search(text or "")
    return m[0].replace(",", "") if m else ""


def indicator_workbook(indicators: list[ParsedIndicator]) -> bytes:
    """The plan's own indicator table as the indicator importer's workbook (编号, 指标名称,
    计量单位, 基期值, 规划目标值), so the indicators are saved by that importer; rows
    whose target is not a figure are left out (the preview says which)."""
    from reporting.spreadsheets import write_xlsx

    rows = [
        [
            f"I{n:02d}",
            i.name,
            i.measure_unit,
            _nature(i.attribute),
            i.baseline_value,
            i.target_value,
        ]
        for n, i in enumerate((i for i in indicators if i.importable), start=1)
    ]
    header = ["编号", "指标名称", "计量单位", "属性", "基期值", "规划目标值"]
    return write_xlsx([("指标", header, rows)])


def _nature(attribute: str) -> str:
    """预期性 / 约束性 when the table says so, else nothing (the importer reads no other)."""
    from governance.importers.indicators import NATURES

    return attribute if attribute in NATURES else ""


@dataclass
class ParsedPlan:
    title: str
    approval_reference: str
    start_year: int | None
    end_year: int | None
    preamble: str
    items: list[ParsedItem]
    warnings: list[str]
    indicators: list[ParsedIndicator] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "approval_reference": self.approval_reference,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "preamble": self.preamble,
            "warnings": list(self.warnings),
            "items": [item.to_dict() for item in self.items],
            "indicators": [indicator.to_dict() for indicator in self.indicators],
        }


# --- numbering -------------------------------------------------------------------------

_CN_DIGITS = "一二三四五六七八九"
_CN_NUMERAL = "[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_PARENTHESIZED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"  # one character each, NFKC "(1)"
_FULL_STOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"  # one character each, NFKC "1."

_CN_RE = re.compile(rf"(?P<n>{_CN_NUMERAL})\s*、\s*")
_PAREN_CN_RE = re.compile(rf"[（(]\s*(?P<n>{_CN_NUMERAL})\s*[）)]\s*")
_PAREN_NUM_RE = re.compile(r"[（(]\s*(?P<n>\d{1,2})\s*[）)]\s*")
_ARABIC_RE = re.compile(r"(?P<n>\d{1,2})\s*(?P<d>、|[.．](?!\d))\s*")
_NUM_PAREN_RE = re.compile(r"(?P<n>\d{1,2})\s*[）)]\s*")
_CHAPTER_RE = re.compile(rf"第\s*(?P<n>{_CN_NUMERAL}|\d{{1,2}})\s*(?P<u>章|节|部分)\s*")


class _Line(str):
    """A paragraph's text with where it came from: ``no`` is its line in the file (its
    paragraph in a .docx), ``page_break`` that a page ended just before it, ``level`` the
    outline level of its Word heading style and ``ordinal`` its count at that level."""

    no: int = 0
    page_break: bool = False
    level: int = 0
    ordinal: int = 0


def _line(text: str, no: int, *, page_break: bool = False, level: int = 0, ordinal: int = 0):
    line = _Line(text)
    line.no, line.page_break, line.level, line.ordinal = no, page_break, level, ordinal
    return line


@dataclass
class _Table:
    rows: list[list[str]]
    no: int

    def render(self) -> str:
        return "\n".join(" | ".join(cell or "—" for cell in row) for row in self.rows)


class _Heading(NamedTuple):
    style: str
    number: str
    ordinal: int
    rest: str


def _cn_value(numeral: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21."""

    def digit(char: str) -> int:
        return _CN_DIGITS.index(char) + 1 if char else 0

    tens, ten, ones = numeral.rpartition("十")
    return (digit(tens) or 1) * 10 + digit(ones) if ten else digit(ones)


def _heading(line: str) -> _Heading | None:
    """The number a paragraph starts with, normalised to full-width brackets."""
    if not line or not isinstance(line, str):
        return None
    first = line[0]
    if first in _CIRCLED:
        return _Heading("circled", first, _CIRCLED.index(first) + 1, line[1:].lstrip())
    if first in _PARENTHESIZED:
        n = _PARENTHESIZED.index(first) + 1
        return _Heading("paren_num", f"（{n}）", n, line[1:].lstrip())
    if first in _FULL_STOP:
        n = _FULL_STOP.index(first) + 1
        return _Heading("arabic", f"{n}.", n, line[1:].lstrip())
    if m := _CHAPTER_RE.match(line):
        n = int(m["n"]) if m["n"].isdigit() else _cn_value(m["n"])
        style = "jie" if m["u"] == "节" else "chapter"
        return _Heading(style, f"第{m['n']}{m['u']}", n, line[m.end() :])
    if m := _CN_RE.match(line):
        numeral = m["n"]
        return _Heading("cn", f"{numeral}、", _cn_value(numeral), line[m.end() :])
    if m := _PAREN_CN_RE.match(line):
        numeral = m["n"]
        return _Heading("paren_cn", f"（{numeral}）", _cn_value(numeral), line[m.end() :])
    if (m := _PAREN_NUM_RE.match(line)) and int(m["n"]):
        n = int(m["n"])
        return _Heading("paren_num", f"（{n}）", n, line[m.end() :])
    if (m := _NUM_PAREN_RE.match(line)) and int(m["n"]):
        n = int(m["n"])
        return _Heading("num_paren", f"{n}）", n, line[m.end() :])
    if (m := _ARABIC_RE.match(line)) and int(m["n"]):
        n = int(m["n"])
        return _Heading("arabic", f"{n}{m['d']}", n, line[m.end() :])
    if level := getattr(line, "level", 0):
        # A Word heading style with no number typed or generated: its level is its style.
        return _Heading(f"h{level}", "", line.ordinal, line)
    return None


# --- cleaning --------------------------------------------------------------------------

_BLANKS = dict.fromkeys([0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " ")
_INVISIBLE = dict.fromkeys([0x200B, 0x2060, 0xFEFF, 0xAD], None)
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}
_CLEAN_TABLE = _BLANKS | _INVISIBLE | _FULL_WIDTH_ALNUM
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\f\v\u2028\u2029]")
_SPACES = re.compile(r" {2,}")
# C0 and C1 controls other than tab, line feed, vertical tab, form feed, carriage return.

_NO_TEXT_RE = re.compile(r"[（(]?\s*[此本]\s*页\s*无\s*正\s*文\s*[）)]?")
# Printed page numbers in every style offices use: — 3 —, -3-, ·3·, 第3页, 第 3 页 共 20 页,
# 共20页 第3页, 3/20, and a bare 3 (one to three digits alone on a line).
_DASHES = "-—–－─‐‑~～·•・"
_PAGE_NUMBER_RE = re.compile(
    rf"[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"
    r"|\d{1,3}"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[，,]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
)
_RULE_RE = re.compile(r"[-─━═┌┐└┘├┤┬┴┼+|│┃=_]{3,}|[—–]{3,}")  # table borders, rules
_RAW_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\u2028\u2029]")
_CELL_SPLIT = re.compile(r"\s*[|│┃]\s*|\t+|[ \u3000]{2,}|\u3000")
_TABLE_MIN_COLUMNS = 3


def _clean_text(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).translate(_CLEAN_TABLE)
    return _SPACES.sub(" ", text).strip()


def _clean_lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, cleaned (page numbers and filler kept)."""
    return [line for raw in _LINE_BREAKS.split(text) if (line := _clean_text(raw))]


def _cells(raw: str) -> list[str] | None:
    raw = raw.strip().strip("|│┃")
    if not raw.strip() or _RULE_RE.fullmatch(raw.strip()):
        return None
    cells = [_clean_text(cell) for cell in _CELL_SPLIT.split(raw.strip())]
    return cells if len(cells) >= 2 else None


def _text_sources(text: str) -> list[tuple[int, object, int, str]]:
    """(line number, text or table rows, heading level, number) for each line of a
    text file; column-aligned runs of lines (cells apart by tabs, two spaces or bars)
    become tables."""
    raw_lines = _RAW_LINE_BREAKS.split(text)
    sources: list[tuple[int, object, int, str]] = []
    i = 0
    while i < len(raw_lines):
        header = _cells(raw_lines[i])
        if header and len(header) >= _TABLE_MIN_COLUMNS:
            rows, j = [header], i + 1
            while j < len(raw_lines):
                stripped = raw_lines[j].strip()
                if stripped and _RULE_RE.fullmatch(stripped):
                    j += 1
                    continue
                row = _cells(raw_lines[j])
                if not row or len(row) > len(header):
                    break
                rows.append(row + [""] * (len(header) - len(row)))
                j += 1
            if len(rows) >= 2:
                sources.append((i + 1, rows, 0, ""))
                i = j
                continue
        sources.append((i + 1, raw_lines[i], 0, ""))
        i += 1
    return sources


class _Cleaned(NamedTuple):
    blocks: list  # _Line and _Table, in order
    page_numbers: list[int]  # lines where a printed page number was dropped
    word_numbers: list[int]  # paragraphs whose number came from Word's numbering
    word_levels: list[int]  # unnumbered paragraphs placed by their heading style


def _clean_sources(sources) -> _Cleaned:
    blocks: list = []
    page_numbers: list[int] = []
    word_numbers: list[int] = []
    word_levels: list[int] = []
    counters: dict[int, int] = {}
    page_break = False
    for no, content, level, number in sources:
        if not isinstance(content, str):
            rows = [[_clean_text(cell) for cell in row] for row in content]
            blocks.append(_Table(rows, no))
            page_break = False
            continue
        pieces = content.split("\f")
        for index, raw in enumerate(pieces):
            page_break = page_break or index > 0
            for part in _LINE_BREAKS.split(raw):
                line = _clean_text(part)
                if not line:
                    continue
                if _NO_TEXT_RE.fullmatch(line) or _RULE_RE.fullmatch(line):
                    page_break = True
                    continue
                if _PAGE_NUMBER_RE.fullmatch(line):
                    page_numbers.append(no)
                    page_break = True
                    continue
                line_level, ordinal = 0, 0
                if number and _heading(line) is None:
                    line = f"{_clean_text(number)}{line}"
                    word_numbers.append(no)
                elif level and _heading(line) is None:
                    counters[level] = counters.get(level, 0) + 1
                    for deeper in [k for k in counters if k > level]:
                        del counters[deeper]
                    line_level, ordinal = level, counters[level]
                    word_levels.append(no)
                blocks.append(
                    _line(line, no, page_break=page_break, level=line_level, ordinal=ordinal)
                )
                page_break = False
                number, level = "", 0  # only the paragraph's first line is its heading
    return _Cleaned(blocks, page_numbers, word_numbers, word_levels)


def _line_list(numbers: list[int]) -> str:
    return "、".join(str(n) for n in dict.fromkeys(numbers))


# --- page breaks -----------------------------------------------------------------------

_CLOSERS = frozenset("。！？；：…”’）」』】〕》!?;:)")
_BOX_RE = re.compile(r"专栏\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?![\d一二三四五六七八九十])")


def _own_length(line: str) -> int:
    heading = _heading(line)
    return len(heading.rest) if heading else len(line)


def _continues(end: str, own_length: int, following, *, heading: bool = False) -> bool:
    """Whether a paragraph ending in ``end``, with ``own_length`` characters of text
    besides its number, was cut by a page or line break and goes on in ``following``."""
    if not isinstance(following, str):
        return False
    if _heading(following) or following.startswith("——") or _BOX_RE.match(following):
        return False
    if own_length == 0:
        return True  # the number alone on its line (PDF copies): its text comes next
    if end[-1] in _CLOSERS:
        return False
    if getattr(following, "page_break", False):
        # Cut by a page end: a body paragraph goes on whatever its length; a short
        # heading only into a short unpunctuated line (the rest of its title), not into
        # the body text that follows a complete heading.
        if not heading or own_length >= JOIN_MIN_CHARS:
            return True
        return len(following) <= 30 and not _TITLE_BREAKERS.search(following)
    return own_length >= JOIN_MIN_CHARS


def _join_broken(lines: list, joins: list[tuple[int, bool]] | None = None) -> list:
    """Paragraphs re-joined across line and page breaks; ``joins`` collects (line,
    is a heading) for each join made across a page break."""
    # Pieces are joined once at the end: a long run of unpunctuated lines (a hard-wrapped
    # text file) would otherwise be copied again at every line.
    paragraphs: list[list] = []
    own_length = 0
    for line in lines:
        if not isinstance(line, str):
            paragraphs.append([line])
            own_length = -1
            continue
        if (
            paragraphs
            and own_length >= 0
            and _continues(
                paragraphs[-1][-1][-1],
                own_length,
                line,
                heading=_heading(paragraphs[-1][0]) is not None,
            )
        ):
            if getattr(line, "page_break", False) and joins is not None:
                joins.append((line.no, _heading(paragraphs[-1][0]) is not None))
            end = paragraphs[-1][-1][-1]
            # Chinese runs on without a space; two halves of a Latin phrase get one.
            latin = all(c.isascii() and c.isalnum() for c in (end, line[0]))
            paragraphs[-1].append(" " + line if latin else line)
            own_length += len(line)
        else:
            paragraphs.append([line])
            own_length = _own_length(line)
    joined = []
    for pieces in paragraphs:
        first = pieces[0]
        if not isinstance(first, str) or len(pieces) == 1:
            joined.append(first)
        else:
            joined.append(
                _line(
                    "".join(pieces),
                    first.no if isinstance(first, _Line) else 0,
                    level=getattr(first, "level", 0),
                    ordinal=getattr(first, "ordinal", 0),
                )
            )
    return joined


# --- title, letter, years --------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。；：！？;:!?]")
_TITLE_BREAKERS = re.compile(r"[。，,；;：:！!？?]")
_YEAR_RANGE = r"(?P<start>\d{4})\s*年?\s*[-—–－~～至到]+\s*(?P<end>\d{4})\s*年?"
_YEAR_RANGE_RE = re.compile(_YEAR_RANGE)
_BRACKETED_YEARS_RE = re.compile(rf"[（(]\s*{_YEAR_RANGE}\s*[）)]")
_TRAILING_YEARS_RE = re.compile(rf"\s*[（(]\s*{_YEAR_RANGE}\s*[）)]$")
_FIVE_YEAR_RE = re.compile(
    r"(?:(?<=[“\"‘'])(?P<q>十[一二三四五六七八九]?|[一二三四五六七八九])五(?=[”\"’'])"
    r"|(?P<n>十[一二三四五六七八九]?|[一二三四五六七八九])五(?=规划|计划|时期|期间))"
)
_REFERENCE_RE = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12}?)\s*[〔\[［（(【]\s*(?P<year>\d{4})\s*[〕\]］）)】]"
    r"\s*(?P<serial>\d{1,5})\s*号"
)
_SIGNER_RE = re.compile(r"(?:\s*签\s*发\s*人\s*[：:].*)?")
_DATE_RE = re.compile(
    r"[〇零○一二三四五六七八九0-9]{4}\s*年\s*[〇零○一二三四五六七八九十0-9]{1,3}\s*月"
    r"(?:\s*[〇零○一二三四五六七八九十0-9]{1,3}\s*日)?"
)
_ATTACHMENT_RE = re.compile(r"附\s*件\s*\d*\s*[：:]?\s*")
_LETTER_ENDINGS = ("文件", "批复", "通知", "函", "请示", "意见", "决定", "报告", "号")


def _strip_book_marks(line: str) -> str:
    line = _ATTACHMENT_RE.sub("", line, count=1) if line.startswith("附") else line
    if line.startswith("《"):
        close = line.find("》")
        if close != -1:
            line = line[1:close] + line[close + 1 :]
    return line.strip()


def _is_title_like(line) -> bool:
    return (
        isinstance(line, str)
        and _heading(line) is None
        and len(line) <= TITLE_MAX_CHARS
        and not line.startswith("——")
        and not _TITLE_BREAKERS.search(line)
    )


# What a plan's title ends with: 规划, 行动计划 / 工作计划, 实施方案, 工作要点, 纲要.
_TITLE_ENDINGS = ("规划", "计划", "方案", "要点", "纲要")


def _is_plan_title(line) -> bool:
    if not isinstance(line, str):
        return False
    line = _strip_book_marks(line)
    return _is_title_like(line) and _TRAILING_YEARS_RE.sub("", line).endswith(_TITLE_ENDINGS)


def _is_title_head(line: str) -> bool:
    """The first half of a title set on two lines ("抚州市图书馆" / "“十四五”规划")."""
    return (
        _is_title_like(line)
        and len(line) <= 30
        and "、" not in line
        and not _DATE_RE.fullmatch(line)
        and not _REFERENCE_RE.search(line)
        and not _ATTACHMENT_RE.fullmatch(line)
        and not line.endswith(_LETTER_ENDINGS)
    )


def _five_year_span(text: str) -> tuple[int, int] | None:
    for m in _YEAR_RANGE_RE.finditer(text):
        start, end = int(m["start"]), int(m["end"])
        if 0 < end - start <= 10:
            return start, end
    if m := _FIVE_YEAR_RE.search(text):
        nth = _cn_value(m["q"] or m["n"])
        start = {1: 1953, 2: 1958}.get(nth, 1966 + 5 * (nth - 3))
        return start, start + 4
    return None


def _approval_reference(lines: list[str]) -> str:
    # The document's own number stands on a line of its own (an upward document adds
    # 签发人 on the same line); numbers quoted in the letter's body belong to the request
    # it answers, not to the approval, so they are not taken.
    for line in lines:
        if not isinstance(line, str):
            continue
        if (m := _REFERENCE_RE.match(line)) and _SIGNER_RE.fullmatch(line[m.end() :]):
            return f"{m['org']}〔{m['year']}〕{m['serial']}号"
    return ""


def _strip_closing_date(lines: list[str]) -> list[str]:
    """Drop the signing date at the end of the document, and the signature above it."""
    if not lines or not isinstance(lines[-1], str) or not _DATE_RE.fullmatch(lines[-1]):
        return lines
    lines = lines[:-1]
    if len(lines) > 1 and _is_title_head(lines[-1]):
        lines = lines[:-1]
    return lines


# --- nesting ---------------------------------------------------------------------------


@dataclass
class _Level:
    style: str
    items: list[ParsedItem]

    @property
    def last(self) -> int:
        return self.items[-1].ordinal


def _item_title(text: str) -> str:
    m = _SENTENCE_END.search(text)
    title = (text[: m.start()] if m else text).strip(" ，,、")
    if len(title) > TITLE_MAX_CHARS:
        title = title[:TITLE_MAX_CHARS] + "…"
    return title


def _is_bare(item: ParsedItem) -> bool:
    """A heading with no sentence on its line ("四、保障措施")."""
    return _SENTENCE_END.search(item.text) is None


_KINDS = {"chapter": "chapter", "jie": "section"}


class _OutlineBuilder:
    def __init__(self, warnings: list) -> None:
        self.items: list[ParsedItem] = []
        self.stack: list[_Level] = []
        self.warnings = warnings
        self.box: dict[str, int] | None = None  # the open 专栏 box: its lists' last numbers
        self.box_owner: ParsedItem | None = None
        self.no = 0

    def _warn(self, text: str) -> None:
        self.warnings.append((self.no, text))

    def add(self, line) -> None:
        self.no = getattr(line, "no", 0)
        if isinstance(line, _Table):
            self.add_table(line)
        elif _BOX_RE.match(line) and self.stack:
            self.open_box(line)
        elif self.box is not None and self._in_box(line):
            self._append_text(self.box_owner, line)
        elif heading := _heading(line):
            self.box = None
            self.add_heading(heading)
        elif self.stack:
            self.add_body(line)
        else:
            self.items.append(ParsedItem("", _item_title(line), line, "", 0))

    # -- boxes (专栏) and tables

    def open_box(self, line: str) -> None:
        self.box, self.box_owner = {}, self.stack[-1].items[-1]
        self._append_text(self.box_owner, line)
        self._warn(
            _(
                "Line %(line)s: the box “%(box)s” was kept as the text of “%(item)s”; "
                "its numbered lines were not made into tasks."
            )
            % {"line": self.no, "box": snippet(line), "item": self.box_owner.title}
        )

    def _in_box(self, line: str) -> bool:
        """Whether a line after a 专栏 box's title still belongs to the box: unnumbered
        lines and the box's own lists do; a number that carries on the outline ends it."""
        heading = _heading(line)
        if heading is None:
            return True
        box = self.box
        if heading.style in box and heading.ordinal in (box[heading.style] + 1, 1):
            box[heading.style] = heading.ordinal
            return True
        outline_styles = {level.style for level in self.stack}
        if heading.style not in box and (
            heading.ordinal == 1 or heading.style not in outline_styles
        ):
            box[heading.style] = heading.ordinal
            return True
        return False

    def add_table(self, table: _Table) -> None:
        owner = self.stack[-1].items[-1] if self.stack else None
        if owner is None:
            self.items.append(ParsedItem("", "", table.render(), "", 0, tables=[table.rows]))
            return
        owner.tables.append(table.rows)
        self._append_text(owner, table.render())

    @staticmethod
    def _append_text(item: ParsedItem, line: str) -> None:
        item.text = f"{item.text}\n{line}" if item.text else line
        if not item.title:
            item.title = _item_title(line)

    # -- headings

    def add_heading(self, heading: _Heading) -> None:
        item = ParsedItem(
            number=heading.number,
            title=_item_title(heading.rest),
            text=heading.rest,
            style=heading.style,
            ordinal=heading.ordinal,
            kind=_KINDS.get(heading.style, ""),
        )
        if heading.style == "chapter":
            # 第一章 is always the outermost level, whatever is open.
            if self.stack and self.stack[0].style == "chapter":
                self._append_at(0, item)
                return
        same_style = [i for i, level in enumerate(self.stack) if level.style == item.style]
        if not same_style:
            self._open_level(item)
            if item.ordinal != 1:
                self._warn_start(item)
            return
        nearest = same_style[-1]
        last = self.stack[nearest].last
        outer = self._continued_outer(same_style[:-1], item)
        if item.ordinal == last and outer is not None:
            # 五 after an inner run that also reached 五: the outer list going on is
            # likelier than a typo repeating the number.
            self._append_at(outer, item)
            return
        if (
            item.ordinal == last + 1
            and outer is not None
            and self._outer_resumes(nearest, outer, item)
        ):
            self._append_at(outer, item)
            self._warn(
                _(
                    "Line %(line)s: %(number)s could go on with the inner list or the outer "
                    "one; it was placed in the outer list, after %(previous)s."
                )
                % {
                    "line": self.no,
                    "number": item.number,
                    "previous": self.stack[outer].items[-2].number
                    + self.stack[outer].items[-2].title,
                }
            )
            return
        if item.ordinal in (last, last + 1):
            self._append_at(nearest, item)
            if item.ordinal == last:
                self._warn_repeat(item)
            return
        if item.ordinal == 1:
            self._open_level(item)
            return
        if outer is not None:
            self._append_at(outer, item)
            return
        previous = self.stack[nearest].items[-1].number
        self._append_at(nearest, item)
        self._warn_gap(item, previous)

    def _outer_resumes(self, nearest: int, outer: int, item: ParsedItem) -> bool:
        """Both the inner run and an outer one go on with the item's number (an inner
        一、二、三 under （一）, then 四、). The outer list resumes when the inner one sits
        inside a list of another style, or when the item looks like the outer list's
        bare headings and not like the inner list's sentences."""
        if nearest - outer >= 2:
            return True
        return (
            _is_bare(item)
            and all(_is_bare(i) for i in self.stack[outer].items)
            and not all(_is_bare(i) for i in self.stack[nearest].items)
        )

    def _continued_outer(self, indexes: list[int], item: ParsedItem) -> int | None:
        """The innermost of the given levels whose next number is the item's."""
        for index in reversed(indexes):
            if self.stack[index].last + 1 == item.ordinal:
                return index
        return None

    def add_body(self, line: str) -> None:
        self._append_text(self.stack[-1].items[-1], line)

    def _open_level(self, item: ParsedItem) -> None:
        siblings = self.stack[-1].items[-1].children if self.stack else self.items
        siblings.append(item)
        self.stack.append(_Level(item.style, siblings))

    def _append_at(self, index: int, item: ParsedItem) -> None:
        del self.stack[index + 1 :]
        self.stack[index].items.append(item)

    def _where(self) -> str:
        item = self.stack[-1].items[-1]
        path = "".join(level.items[-1].number for level in self.stack)
        where = f"{path} {item.title}".strip()
        if not self.no:
            return where
        return _("Line %(line)s, %(item)s") % {"line": self.no, "item": where}

    def _warn_repeat(self, item: ParsedItem) -> None:
        self._warn(
            _("%(where)s: the number %(number)s is used twice in a row; both items were kept.")
            % {"where": self._where(), "number": item.number}
        )

    def _warn_gap(self, item: ParsedItem, previous: str) -> None:
        self._warn(
            _(
                "%(where)s: the numbering jumps from %(previous)s to %(number)s; "
                "the item was kept after %(previous)s."
            )
            % {"where": self._where(), "previous": previous, "number": item.number}
        )

    def _warn_start(self, item: ParsedItem) -> None:
        self._warn(
            _("%(where)s: the numbering starts at %(number)s instead of 1.")
            % {"where": self._where(), "number": item.number}
        )


# --- indicator tables ------------------------------------------------------------------


def _column(header: list[str], *words: str, avoid: tuple[str, ...] = ()) -> int | None:
    for word in words:
        for index, cell in enumerate(header):
            cell = cell.replace(" ", "")
            if word in cell and not any(a in cell for a in avoid):
                return index
    return None


_UNIT_IN_NAME = re.compile(r"[（(]\s*(?P<unit>[^（）()]{1,10})\s*[）)]$")


def _indicators(table: list[list[str]]) -> list[ParsedIndicator]:
    """The rows of a table headed 指标 / 基数 / 目标 (/ 属性), as the plan's indicators;
    an empty list when the table is something else."""
    header = table[0]
    name = _column(header, "指标名称", "指标", avoid=("属性", "类型", "序号"))
    target = _column(header, "目标", avoid=("属性",))
    if name is None or target is None or name == target:
        return []
    baseline = _column(header, "基数", "基期", "基准", "现状", "2020")
    unit = _column(header, "单位")
    attribute = _column(header, "属性", "性质", "类型")
    found = []
    for row in table[1:]:
        cell = lambda index, row=row: row[index].strip() if index is not None else ""  # noqa: E731
        label, goal = cell(name), cell(target)
        if not label or not goal or label == goal:
            continue  # a category row spanning the table (一、服务效能)
        measure_unit = cell(unit)
        if not measure_unit and (m := _UNIT_IN_NAME.search(label)):
            measure_unit, label = m["unit"], label[: m.start()].strip()
        found.append(ParsedIndicator(label, measure_unit, cell(baseline), goal, cell(attribute)))
    return found


# --- entry points ----------------------------------------------------------------------


class _FrontMatter(NamedTuple):
    title: str
    title_index: int  # the preamble starts after it; -1 when there is no title line
    letter_end: int  # lines before it are the approval letter
    first_heading: int


def _front_matter(lines: list, numbered: list[int], warnings: list[str]) -> _FrontMatter:
    """Where the title, the approval letter above it and the outline below it are."""
    candidates = [i for i in range(numbered[-1]) if _is_plan_title(lines[i])]
    if candidates and candidates[0] > numbered[0]:
        # Headings above the title belong to the approval letter ("一、原则同意……"),
        # but then the plan's own outline starts again at 1; otherwise the line is just
        # a body paragraph that happens to end in 规划.
        after = next(i for i in numbered if i > candidates[0])
        if _heading(lines[after]).ordinal != 1:
            candidates = [i for i in candidates if i < numbered[0]]
    if candidates:
        first_heading = next(i for i in numbered if i > candidates[0])
        title_index = max(i for i in candidates if i < first_heading)
        title = _strip_book_marks(lines[title_index])
        head = title_index - 1
        if (
            head >= 0
            and _is_title_head(lines[head])
            and (head == 0 or _ATTACHMENT_RE.fullmatch(lines[head - 1]))
        ):
            return _FrontMatter(
                _strip_book_marks(lines[head]) + title, title_index, head, first_heading
            )
        return _FrontMatter(title, title_index, title_index, first_heading)

    first_heading = numbered[0]
    if first_heading > 0 and _is_title_like(lines[0]):
        title = _strip_book_marks(lines[0])
        warnings.append(
            _("No title line ending in 规划 was found; “%(title)s” was taken as the title.")
            % {"title": title}
        )
        return _FrontMatter(title, 0, 0, first_heading)
    warnings.append(_("No title line ending in 规划 was found; please enter the title."))
    return _FrontMatter("", -1, 0, first_heading)


def parse_plan_text(text: str) -> ParsedPlan:
    """Rebuild the outline of a plan from its text (one paragraph per line)."""
    if has_control_characters(text.replace("\f", "")):
        raise PlanImportError(binary_message())
    return _parse_sources(_text_sources(text))


def _parse_sources(sources) -> ParsedPlan:
    cleaned = _clean_sources(sources)
    lines = cleaned.blocks
    if not lines:
        raise PlanImportError(_("The file is empty: it contains no text."))
    numbered = [i for i, line in enumerate(lines) if _heading(line)]
    if not numbered:
        raise PlanImportError(
            _(
                "No numbered headings (一、, （一）, （1）, ①, 1、) were found: "
                "is this a plan? Check that the headings are typed as text, "
                "not generated by automatic numbering."
            )
        )

    warnings: list = []  # texts, or (line, text) to sort by line
    front = _front_matter(lines, numbered, warnings)
    preamble_lines = lines[front.title_index + 1 : front.first_heading]
    subtitle = ""
    if (
        preamble_lines
        and isinstance(preamble_lines[0], str)
        and _BRACKETED_YEARS_RE.fullmatch(preamble_lines[0])
    ):
        subtitle = preamble_lines.pop(0)
    preamble = "\n".join(
        p if isinstance(p, str) else p.render() for p in _join_broken(preamble_lines)
    )
    title, letter = front.title, lines[: front.letter_end]
    reference = _approval_reference(letter)
    if letter and not reference:
        warnings.append(
            _(
                "No reference number (文号) was found in the letter above the title; "
                "enter it on the plan if it has one."
            )
        )

    span = None
    for source in (title, subtitle, preamble, *letter):
        if isinstance(source, str) and (span := _five_year_span(source)):
            break

    joins: list[tuple[int, bool]] = []
    body = _join_broken(_strip_closing_date(lines[front.first_heading :]), joins)
    builder = _OutlineBuilder(warnings)
    for line in body:
        builder.add(line)

    if cleaned.page_numbers:
        warnings.append(
            (
                cleaned.page_numbers[0],
                _("Lines %(lines)s: page numbers removed.")
                % {"lines": _line_list(cleaned.page_numbers)},
            )
        )
    for no, heading in joins:
        warnings.append(
            (
                no,
                (
                    _("Line %(line)s: a heading cut by a page break was joined.")
                    if heading
                    else _("Line %(line)s: a paragraph cut by a page break was joined.")
                )
                % {"line": no},
            )
        )
    if cleaned.word_numbers:
        warnings.append(
            (
                cleaned.word_numbers[0],
                _("Paragraphs %(lines)s: the numbers were taken from Word's automatic numbering.")
                % {"lines": _line_list(cleaned.word_numbers)},
            )
        )
    if cleaned.word_levels:
        warnings.append(
            (
                cleaned.word_levels[0],
                _(
                    "Paragraphs %(lines)s: headings without a number were placed by their "
                    "Word heading style."
                )
                % {"lines": _line_list(cleaned.word_levels)},
            )
        )

    indicators = []
    for block in lines:
        if isinstance(block, _Table) and (found := _indicators(block.rows)):
            indicators.extend(found)
            warnings.append(
                (
                    block.no,
                    _(
                        "Line %(line)s: the table of %(count)s indicators is offered as the "
                        "plan's indicators."
                    )
                    % {"line": block.no, "count": len(found)},
                )
            )

    # Warnings in the order of the document: those about no line first, then by line.
    warnings.sort(key=lambda w: w[0] if isinstance(w, tuple) else 0)
    warnings = [w[1] if isinstance(w, tuple) else w for w in warnings]
    return ParsedPlan(
        title=title,
        approval_reference=reference,
        start_year=span[0] if span else None,
        end_year=span[1] if span else None,
        preamble=preamble,
        items=builder.items,
        warnings=warnings,
        indicators=indicators,
    )


def parse_plan_file(filename: str, data: bytes) -> ParsedPlan:
    """Parse an uploaded plan: ``.docx`` or ``.txt``, by the file's extension."""
    extension = PurePath(filename or "").suffix.lower()
    if extension in (".doc", ".wps", ".rtf"):
        raise PlanImportError(
            _(
                "“%(extension)s” files cannot be read. Open the file in Word or WPS and "
                "save it as .docx (or as plain text, .txt), then upload that."
            )
            % {"extension": extension}
        )
    if extension == ".pdf":
        raise PlanImportError(
            _(
                "PDF files cannot be read. Upload the plan as .docx (save it from Word or "
                "WPS), or copy its text into a .txt file."
            )
        )
    if extension not in (".txt", ".docx"):
        raise PlanImportError(
            _("Files of type “%(extension)s” cannot be read. Upload the plan as .docx or .txt.")
            % {"extension": extension or filename}
        )
    if not data:
        raise PlanImportError(_("The file is empty: it contains no text."))
    limit = getattr(settings, "SHUXIANG_PLAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if len(data) > limit:
        raise PlanImportError(
            _("The file is %(size)s, more than the %(limit)s a plan may have.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    if data.startswith(b"%PDF"):
        raise PlanImportError(
            _(
                "This file is a PDF with a %(extension)s name. Upload the plan as .docx, "
                "or copy its text into a .txt file."
            )
            % {"extension": extension}
        )

    if extension == ".txt":
        return parse_plan_text(decode_text(data))

    blocks = read_docx(data, limit)
    for block in blocks:
        texts = [block.text.replace("\f", "")] if block.rows is None else sum(block.rows, [])
        if any(has_control_characters(text) for text in texts):
            raise PlanImportError(binary_message())
    # Paragraphs numbered by Word itself whose number could not be worked out.
    unread = [
        block.text
        for block in blocks
        if block.auto_numbered
        and not block.number
        and (lines := _clean_lines(block.text))
        and _heading(lines[0]) is None
    ]
    plan = _parse_sources(
        (index, block.text if block.rows is None else block.rows, block.level, block.number)
        for index, block in enumerate(blocks, start=1)
    )
    plan.warnings[:0] = [
        _(
            "The paragraph “%(text)s” is numbered by Word's automatic numbering, which is "
            "not read: type its number into the text or check where it was placed."
        )
        % {"text": snippet(text)}
        for text in unread
    ]
    return plan


# --- numbers for the outline editor ----------------------------------------------------


def _cn_numeral(n: int) -> str:
    digits = " " + _CN_DIGITS
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def number_style(number: str) -> tuple[str, int] | None:
    """The style of a number as the importer writes it ("（一）", "1．", "第二章") with
    its value; None when it is not a number on its own."""
    heading = _heading(number.strip() + "x")
    if heading is None or heading.rest != "x" or heading.style.startswith("h"):
        return None
    style = heading.style
    if style == "arabic":
        style = f"arabic:{number.strip()[-1]}"
    elif style in ("chapter", "jie"):
        m = _CHAPTER_RE.match(number.strip())
        style = f"{style}:{m['u']}:{'d' if m['n'].isdigit() else 'c'}"
    return style, heading.ordinal


def format_number(style: str, n: int) -> str:
    """The n-th number in ``style`` (as returned by `number_style`)."""
    kind, _sep, rest = style.partition(":")
    if kind == "cn" and n < 100:
        return f"{_cn_numeral(n)}、"
    if kind == "paren_cn" and n < 100:
        return f"（{_cn_numeral(n)}）"
    if kind == "num_paren":
        return f"{n}）"
    if kind == "circled" and n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if kind == "arabic":
        return f"{n}{rest}"
    if kind in ("chapter", "jie"):
        unit, _sep, digits = rest.partition(":")
        return f"第{n if digits == 'd' or n >= 100 else _cn_numeral(n)}{unit}"
    return f"（{n}）"
