"""Rebuild a five-year plan's outline from the text of a Chinese official document.

Pure functions, no database: the import service turns a ``ParsedPlan`` into rows.

The algorithm, in the order it runs:

1. **Read** (`plan_files`). ``.txt`` is decoded as UTF-8 (with or without BOM), then GB18030 (a
   superset of GBK, which is what Notepad and WPS on Chinese Windows write), or UTF-16
   when it starts with a BOM. ``.docx`` is read from ``word/document.xml`` with
   defusedxml: one line per ``w:p`` (tables and text boxes included), ``w:t`` text,
   ``w:tab`` as a tab, ``w:br``/``w:cr`` as a line break. Word's automatic numbering
   (``w:numPr``) lives outside the text and is not read; a paragraph that relies on it
   gets a warning. Anything that is not a readable text gets a ``PlanImportError``
   whose message names the problem.
2. **Clean.** NFC; full-width spaces, tabs and other blanks become one space; full-width
   digits and Latin letters become ASCII (NFKC only for those: NFKC on the whole text
   would turn ``①`` into ``1`` and ``（`` into ``(``). Blank lines, page filler
   ("（此页无正文）") and printed page numbers ("— 3 —", "第3页") are dropped.
3. **Find the parts** (before re-joining, so the letter's long subject line stays
   whole). The plan title is the standalone line ending in 规划 (possibly in 《》 and
   followed by a year range) that precedes the plan's first numbered heading; lines
   above it are the approval letter (skipped, numbered points included, but its own
   reference such as ``抚文广新旅字〔2020〕71号`` is kept) and lines between it and the
   first heading are the preamble. A trailing date ("二〇二〇年十二月") and the
   signature above it are not part of the last item. Years come from "2021—2025" or
   from "十四五" (the n-th plan starts in 1966 + 5·(n − 3), the first two in 1953 and
   1958).
4. **Re-join page breaks.** A line continues on the next one when it does not end with
   closing punctuation, the next line is not numbered and does not start with "——",
   and its own text (without the number) has at least ``JOIN_MIN_CHARS`` characters.
   Real breaks sit at the end of a full printed line, so the broken part is at least
   one line long, while bare headings ("一、指导思想", "（一）愿景") are short.
5. **Nest.** Numbered lines are matched against five styles (``cn`` 一、, ``paren_cn``
   （一）, ``paren_num`` （1）, ``circled`` ①, ``arabic`` 1、) and placed with a stack of
   open levels, each with its style and last number. For a heading of style S and
   number n, at the innermost open level of style S:
   n = last + 1 is the next sibling and n = last a repeated number (both kept, with a
   warning); n = 1 restarts a new run nested under the innermost item (the task areas
   一、…七、 under 四、主要任务); otherwise an outer level of style S whose last + 1 = n
   takes it (五、保障措施 after the inner 七、); failing that it is a sibling at the
   innermost level with a warning about the gap. One refinement: when n = last but an
   outer level continues with n (inner areas 一、…五、, then 五、保障措施), the outer
   level wins, since a list going on is likelier than a typo. A style with no open
   level opens one under the innermost item, so skipped levels (（1） straight under
   一、) just work. Unnumbered lines are appended to the innermost item's text.
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

# A printed 公文 line holds 28 characters (GB/T 9704); a paragraph broken by a page end
# fills at least one line less its 2-character indent and a number such as "（2）".
# In the customer's plan the shortest broken text is 23 characters and the longest
# bare heading followed by body text is 4 ("指导思想"), so 20 leaves room either way.
JOIN_MIN_CHARS = 20
TITLE_MAX_CHARS = 60

STYLES = ("cn", "paren_cn", "paren_num", "circled", "arabic")


@dataclass
class ParsedItem:
    number: str
    title: str
    text: str
    style: str
    ordinal: int
    children: list[ParsedItem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class ParsedPlan:
    title: str
    approval_reference: str
    start_year: int | None
    end_year: int | None
    preamble: str
    items: list[ParsedItem]
    warnings: list[str]

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "approval_reference": self.approval_reference,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "preamble": self.preamble,
            "warnings": list(self.warnings),
            "items": [item.to_dict() for item in self.items],
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
    if not line:
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
    if m := _CN_RE.match(line):
        numeral = m["n"]
        return _Heading("cn", f"{numeral}、", _cn_value(numeral), line[m.end() :])
    if m := _PAREN_CN_RE.match(line):
        numeral = m["n"]
        return _Heading("paren_cn", f"（{numeral}）", _cn_value(numeral), line[m.end() :])
    if (m := _PAREN_NUM_RE.match(line)) and int(m["n"]):
        n = int(m["n"])
        return _Heading("paren_num", f"（{n}）", n, line[m.end() :])
    if (m := _ARABIC_RE.match(line)) and int(m["n"]):
        n = int(m["n"])
        return _Heading("arabic", f"{n}{m['d']}", n, line[m.end() :])
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

_FILLER_RE = re.compile(
    r"[（(]?\s*[此本]\s*页\s*无\s*正\s*文\s*[）)]?"
    r"|[-—–－]\s*\d{1,4}\s*[-—–－]"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
)


def _clean_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).translate(_CLEAN_TABLE)
    lines = []
    for raw in _LINE_BREAKS.split(text):
        line = _SPACES.sub(" ", raw).strip()
        if line and not _FILLER_RE.fullmatch(line):
            lines.append(line)
    return lines


# --- page breaks -----------------------------------------------------------------------

_CLOSERS = frozenset("。！？；：…”’）」』】〕》!?;:)")


def _own_length(line: str) -> int:
    heading = _heading(line)
    return len(heading.rest) if heading else len(line)


def _continues(end: str, own_length: int, following: str) -> bool:
    """Whether a paragraph ending in ``end``, with ``own_length`` characters of text
    besides its number, was cut by a page or line break and goes on in ``following``."""
    if _heading(following) or following.startswith("——"):
        return False
    if own_length == 0:
        return True  # the number alone on its line (PDF copies): its text comes next
    if end[-1] in _CLOSERS:
        return False
    return own_length >= JOIN_MIN_CHARS


def _join_broken(lines: list[str]) -> list[str]:
    # Pieces are joined once at the end: a long run of unpunctuated lines (a hard-wrapped
    # text file) would otherwise be copied again at every line.
    paragraphs: list[list[str]] = []
    own_length = 0
    for line in lines:
        if paragraphs and _continues(paragraphs[-1][-1], own_length, line):
            end = paragraphs[-1][-1][-1]
            # Chinese runs on without a space; two halves of a Latin phrase get one.
            latin = all(c.isascii() and c.isalnum() for c in (end, line[0]))
            paragraphs[-1].append(" " + line if latin else line)
            own_length += len(line)
        else:
            paragraphs.append([line])
            own_length = _own_length(line)
    return ["".join(pieces) for pieces in paragraphs]


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


def _is_title_like(line: str) -> bool:
    return (
        _heading(line) is None
        and len(line) <= TITLE_MAX_CHARS
        and not line.startswith("——")
        and not _TITLE_BREAKERS.search(line)
    )


def _is_plan_title(line: str) -> bool:
    line = _strip_book_marks(line)
    return _is_title_like(line) and _TRAILING_YEARS_RE.sub("", line).endswith("规划")


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
        if (m := _REFERENCE_RE.match(line)) and _SIGNER_RE.fullmatch(line[m.end() :]):
            return f"{m['org']}〔{m['year']}〕{m['serial']}号"
    return ""


def _strip_closing_date(lines: list[str]) -> list[str]:
    """Drop the signing date at the end of the document, and the signature above it."""
    if not lines or not _DATE_RE.fullmatch(lines[-1]):
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


class _OutlineBuilder:
    def __init__(self, warnings: list[str]) -> None:
        self.items: list[ParsedItem] = []
        self.stack: list[_Level] = []
        self.warnings = warnings

    def add_heading(self, heading: _Heading) -> None:
        item = ParsedItem(
            number=heading.number,
            title=_item_title(heading.rest),
            text=heading.rest,
            style=heading.style,
            ordinal=heading.ordinal,
        )
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

    def _continued_outer(self, indexes: list[int], item: ParsedItem) -> int | None:
        """The innermost of the given levels whose next number is the item's."""
        for index in reversed(indexes):
            if self.stack[index].last + 1 == item.ordinal:
                return index
        return None

    def add_body(self, line: str) -> None:
        item = self.stack[-1].items[-1]
        item.text = f"{item.text}\n{line}" if item.text else line
        if not item.title:
            item.title = _item_title(line)

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
        return f"{path} {item.title}".strip()

    def _warn_repeat(self, item: ParsedItem) -> None:
        self.warnings.append(
            _("%(where)s: the number %(number)s is used twice in a row; both items were kept.")
            % {"where": self._where(), "number": item.number}
        )

    def _warn_gap(self, item: ParsedItem, previous: str) -> None:
        self.warnings.append(
            _(
                "%(where)s: the numbering jumps from %(previous)s to %(number)s; "
                "the item was kept after %(previous)s."
            )
            % {"where": self._where(), "previous": previous, "number": item.number}
        )

    def _warn_start(self, item: ParsedItem) -> None:
        self.warnings.append(
            _("%(where)s: the numbering starts at %(number)s instead of 1.")
            % {"where": self._where(), "number": item.number}
        )


# --- entry points ----------------------------------------------------------------------


class _FrontMatter(NamedTuple):
    title: str
    title_index: int  # the preamble starts after it; -1 when there is no title line
    letter_end: int  # lines before it are the approval letter
    first_heading: int


def _front_matter(lines: list[str], numbered: list[int], warnings: list[str]) -> _FrontMatter:
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
    if has_control_characters(text):
        raise PlanImportError(binary_message())
    lines = _clean_lines(text)
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

    warnings: list[str] = []
    front = _front_matter(lines, numbered, warnings)
    preamble_lines = lines[front.title_index + 1 : front.first_heading]
    subtitle = ""
    if preamble_lines and _BRACKETED_YEARS_RE.fullmatch(preamble_lines[0]):
        subtitle = preamble_lines.pop(0)
    preamble = "\n".join(_join_broken(preamble_lines))
    title, letter = front.title, lines[: front.letter_end]

    span = None
    for source in (title, subtitle, preamble, *letter):
        if span := _five_year_span(source):
            break

    builder = _OutlineBuilder(warnings)
    for line in _join_broken(_strip_closing_date(lines[front.first_heading :])):
        if heading := _heading(line):
            builder.add_heading(heading)
        else:
            builder.add_body(line)

    return ParsedPlan(
        title=title,
        approval_reference=_approval_reference(letter),
        start_year=span[0] if span else None,
        end_year=span[1] if span else None,
        preamble=preamble,
        items=builder.items,
        warnings=warnings,
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

    paragraphs, word_numbered = read_docx(data, limit)
    # Paragraphs numbered by Word itself whose text carries no number of its own.
    auto_numbered = [
        text
        for text in word_numbered
        if (lines := _clean_lines(text)) and _heading(lines[0]) is None
    ]
    plan = parse_plan_text("\n".join(paragraphs))
    plan.warnings[:0] = [
        _(
            "The paragraph “%(text)s” is numbered by Word's automatic numbering, which is "
            "not read: type its number into the text or check where it was placed."
        )
        % {"text": snippet(text)}
        for text in auto_numbered
    ]
    return plan
