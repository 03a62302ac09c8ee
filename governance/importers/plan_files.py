"""Reading a plan document's text: ``.txt`` in the encodings Chinese offices write,
``.docx`` through defusedxml, and every way a file can fail as a clear message
(`PlanImportError`). The outline is rebuilt from the text by `importers.plan`."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from reporting.uploads import ArchiveTooLarge, check_zip

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


class PlanImportError(ValueError):
    """The file cannot be read as a plan; the message is meant for the user."""


def has_control_characters(text: str) -> bool:
    return _CONTROL_RE.search(text) is not None


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of each paragraph (``w:p``) of a .docx, in document order; a table's
    rows as lines of cells separated by tabs."""
    limit = getattr(settings, "SHUXIANG_PLAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    return [
        block.text if block.rows is None else "\n".join("\t".join(r) for r in block.rows)
        for block in read_docx(data, limit)
    ]


# --- file formats ----------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, and encrypted .docx
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def binary_message() -> str:
    return _(
        "The file is not plain text: it contains binary data or control characters. "
        "Upload the plan as .docx, or save it from Word or WPS as plain text (.txt)."
    )


def snippet(text: str, length: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"


def decode_text(data: bytes) -> str:
    if data.startswith(_ZIP_MAGIC):
        raise PlanImportError(
            _(
                "This .txt file is really a compressed file (such as a .docx). "
                "Give it its proper extension, or save it as plain text."
            )
        )
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise PlanImportError(binary_message()) from None
    elif b"\x00" in data:
        raise PlanImportError(binary_message())
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise PlanImportError(
                _(
                    "The text file could not be read as UTF-8 or GBK/GB18030 text. "
                    "Save it again as UTF-8 text and upload it."
                )
            )
    if has_control_characters(text):
        raise PlanImportError(binary_message())
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_T, _W_TAB, _W_BR, _W_CR = (f"{_W}{tag}" for tag in ("p", "t", "tab", "br", "cr"))
_W_PPR, _W_NO_BREAK_HYPHEN = f"{_W}pPr", f"{_W}noBreakHyphen"
_W_TBL, _W_TR, _W_TC = f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_W_VAL = f"{_W}val"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_HEADING_NAME_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


@dataclass
class DocxBlock:
    """A paragraph (``text``) or a table (``rows``) of a .docx, in document order.

    ``level`` is the outline level of a Word heading style (1 = Heading 1), 0 for body
    text; ``number`` the number Word's automatic numbering shows before the text ("一、"),
    when it could be worked out; ``auto_numbered`` whether the paragraph has automatic
    numbering at all."""

    text: str = ""
    rows: list[list[str]] | None = None
    level: int = 0
    number: str = ""
    auto_numbered: bool = False


_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED_NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese_counting(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chineseCounting", "ideographTraditional", "japaneseCounting")):
        return _chinese_counting(n)
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= len(_CIRCLED_NUMBERS):
        return _CIRCLED_NUMBERS[n - 1]
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Numbering:
    """Word's automatic numbering (``word/numbering.xml``): the text each numbered
    paragraph shows, counted per list and level the way Word counts it."""

    def __init__(self, xml: bytes | None) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if not xml:
            return
        root = SafeElementTree.fromstring(xml)
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for element in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in element.iter(f"{_W}lvl"):
                start, fmt, text = 1, "decimal", ""
                if (node := lvl.find(f"{_W}start")) is not None:
                    start = int(node.get(_W_VAL, "1") or 1)
                if (node := lvl.find(f"{_W}numFmt")) is not None:
                    fmt = node.get(_W_VAL, "decimal")
                if (node := lvl.find(f"{_W}lvlText")) is not None:
                    text = node.get(_W_VAL, "")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (start, fmt, text)
            abstract[element.get(f"{_W}abstractNumId", "")] = levels
        for element in root.iter(f"{_W}num"):
            ref = element.find(f"{_W}abstractNumId")
            if ref is not None and ref.get(_W_VAL) in abstract:
                self.levels[element.get(f"{_W}numId", "")] = abstract[ref.get(_W_VAL)]

    def next(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][0] - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]

        def value(match) -> str:
            level = int(match[1]) - 1
            start, fmt, _text = levels.get(level, (1, "decimal", ""))
            return _format_number(counters.get(level, start), fmt)

        return re.sub(r"%(\d)", value, levels[ilvl][2])


def _read_styles(xml: bytes | None) -> dict[str, tuple[int, str, int | None]]:
    """styleId → (heading level, numId, ilvl) of the paragraph styles."""
    styles: dict[str, tuple[int, str, int | None]] = {}
    if not xml:
        return styles
    root = SafeElementTree.fromstring(xml)
    for style in root.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId", "")
        name = style.find(f"{_W}name")
        level = 0
        if name is not None and (m := _HEADING_NAME_RE.match(name.get(_W_VAL, "").strip())):
            level = int(m[1])
        if (outline := style.find(f"{_W_PPR}/{_W}outlineLvl")) is not None:
            value = int(outline.get(_W_VAL, "9") or 9)
            level = value + 1 if value < 9 else level
        num_id = style.find(f"{_W_PPR}/{_W}numPr/{_W}numId")
        ilvl = style.find(f"{_W_PPR}/{_W}numPr/{_W}ilvl")
        styles[style_id] = (
            level,
            num_id.get(_W_VAL, "") if num_id is not None else "",
            int(ilvl.get(_W_VAL, "0")) if ilvl is not None else None,
        )
    return styles


def read_docx(data: bytes, limit: int) -> list[DocxBlock]:
    """The document's paragraphs and tables in order, with what Word's heading styles
    and automatic numbering add to them."""
    if not data.startswith(_ZIP_MAGIC) or not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(_OLE_MAGIC):
            raise PlanImportError(
                _(
                    "This is an old Word .doc file or a password-protected document. "
                    "Open it in Word or WPS and save it as .docx without a password."
                )
            )
        raise PlanImportError(
            _(
                "The file is not a valid .docx document (it is not a Word zip package). "
                "Open it in Word or WPS and save it as .docx."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "word/document.xml" not in names:
                raise PlanImportError(_not_word_message(names))
            info = package.getinfo("word/document.xml")
            # The XML of a text-only plan is a few MB at most; refuse zip bombs unread.
            if info.file_size > 5 * limit:
                raise PlanImportError(
                    _("The Word document's text is too large to be a plan (%(size)s).")
                    % {"size": filesizeformat(info.file_size)}
                )
            check_zip(data, max_unpacked=10 * limit, max_member=5 * limit)
            xml = package.read(info)
            styles_xml = package.read("word/styles.xml") if "word/styles.xml" in names else None
            numbering_xml = (
                package.read("word/numbering.xml") if "word/numbering.xml" in names else None
            )
    except PlanImportError:
        raise
    except ArchiveTooLarge as error:
        raise PlanImportError(str(error)) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
    ):
        raise PlanImportError(_damaged_docx_message()) from None

    try:
        root = SafeElementTree.fromstring(xml)
        styles = _read_styles(styles_xml)
        numbering = _Numbering(numbering_xml)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        raise PlanImportError(_damaged_docx_message()) from None

    blocks: list[DocxBlock] = []

    def paragraph_text(paragraph, nested: list) -> str:
        parts: list[str] = []

        def collect(element) -> None:
            for child in element:
                tag = child.tag
                if tag == _W_T:
                    parts.append(child.text or "")
                elif tag == _W_TAB:
                    parts.append("\t")
                elif tag in (_W_BR, _W_CR):
                    parts.append("\f" if child.get(f"{_W}type") == "page" else "\n")
                elif tag == _W_NO_BREAK_HYPHEN:
                    parts.append("-")
                elif tag == _W_P:
                    nested.append(child)  # a text box inside the paragraph
                elif tag not in (_W_PPR, _MC_FALLBACK):
                    collect(child)

        collect(paragraph)
        return "".join(parts)

    def read_paragraph(paragraph) -> None:
        nested: list = []
        block = DocxBlock(text=paragraph_text(paragraph, nested))
        style = paragraph.find(f"{_W_PPR}/{_W}pStyle")
        level, num_id, ilvl = styles.get(
            style.get(_W_VAL, "") if style is not None else "", (0, "", None)
        )
        if (outline := paragraph.find(f"{_W_PPR}/{_W}outlineLvl")) is not None:
            value = int(outline.get(_W_VAL, "9") or 9)
            level = value + 1 if value < 9 else 0
        if (own := paragraph.find(f"{_W_PPR}/{_W}numPr/{_W}numId")) is not None:
            num_id = own.get(_W_VAL, "")
            own_ilvl = paragraph.find(f"{_W_PPR}/{_W}numPr/{_W}ilvl")
            ilvl = int(own_ilvl.get(_W_VAL, "0")) if own_ilvl is not None else (ilvl or 0)
        block.level = level
        if num_id and num_id != "0":
            block.auto_numbered = True
            block.number = numbering.next(num_id, ilvl or 0)
        blocks.append(block)
        for child in nested:
            read_paragraph(child)

    def read_table(table) -> None:
        if all(len(row.findall(_W_TC)) <= 1 for row in table.iter(_W_TR)):
            walk(table)  # a one-column table is a frame (a box, a layout), not a table
            return
        rows = []
        for row in table.iter(_W_TR):
            cells = []
            for cell in row.findall(_W_TC):
                texts = []
                for paragraph in cell.iter(_W_P):
                    texts.append(paragraph_text(paragraph, []))
                cells.append("\n".join(t for t in texts if t.strip()))
            if any(c.strip() for c in cells):
                rows.append(cells)
        if rows:
            blocks.append(DocxBlock(rows=rows))

    def walk(element) -> None:
        for child in element:
            if child.tag == _W_P:
                read_paragraph(child)
            elif child.tag == _W_TBL:
                read_table(child)
            elif child.tag != _MC_FALLBACK:
                walk(child)

    try:
        walk(root)
    except RecursionError:  # only a crafted file nests elements thousands deep
        raise PlanImportError(_damaged_docx_message()) from None
    return blocks


def _not_word_message(names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return _(
            "This looks like a spreadsheet (Excel .xlsx) renamed to .docx, not a Word "
            "document. Upload the plan's Word file."
        )
    if "ppt/presentation.xml" in names:
        return _(
            "This looks like a presentation (PowerPoint .pptx) renamed to .docx, not a "
            "Word document. Upload the plan's Word file."
        )
    if "content.xml" in names:
        return _(
            "This looks like an OpenDocument file renamed to .docx. Open it and save it "
            "as .docx (Word format)."
        )
    return _(
        "The file is a zip archive but not a Word document (it has no word/document.xml). "
        "Upload the plan's .docx file."
    )


def _damaged_docx_message() -> str:
    return _(
        "The Word document is damaged and its text cannot be read. Open it in Word or "
        "WPS, save it again as .docx, and upload it."
    )
