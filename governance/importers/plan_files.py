"""Reading a plan document's text: ``.txt`` in the encodings Chinese offices write,
``.docx`` through defusedxml, and every way a file can fail as a clear message
(`PlanImportError`). The outline is rebuilt from the text by `importers.plan`."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

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
    """The text of each paragraph (``w:p``) of a .docx, in document order."""
    limit = getattr(settings, "SHUXIANG_PLAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    return read_docx(data, limit)[0]


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
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(data: bytes, limit: int) -> tuple[list[str], list[str]]:
    """Paragraph texts, and those Word numbers with its automatic numbering (the outline
    reader warns about the ones whose text has no number of its own)."""
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
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        raise PlanImportError(_damaged_docx_message()) from None

    paragraphs: list[str] = []
    word_numbered: list[str] = []

    def read_paragraph(paragraph) -> None:
        parts: list[str] = []
        nested: list = []

        def collect(element) -> None:
            for child in element:
                tag = child.tag
                if tag == _W_T:
                    parts.append(child.text or "")
                elif tag == _W_TAB:
                    parts.append("\t")
                elif tag in (_W_BR, _W_CR):
                    parts.append("\n")
                elif tag == _W_NO_BREAK_HYPHEN:
                    parts.append("-")
                elif tag == _W_P:
                    nested.append(child)  # a text box inside the paragraph
                elif tag not in (_W_PPR, _MC_FALLBACK):
                    collect(child)

        collect(paragraph)
        text = "".join(parts)
        paragraphs.append(text)
        num_id = paragraph.find(f"{_W_PPR}/{_W}numPr/{_W}numId")
        if num_id is not None and num_id.get(f"{_W}val") != "0":
            word_numbered.append(text)
        for child in nested:
            read_paragraph(child)

    def walk(element) -> None:
        for child in element:
            if child.tag == _W_P:
                read_paragraph(child)
            elif child.tag != _MC_FALLBACK:
                walk(child)

    try:
        walk(root)
    except RecursionError:  # only a crafted file nests elements thousands deep
        raise PlanImportError(_damaged_docx_message()) from None
    return paragraphs, word_numbered


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
