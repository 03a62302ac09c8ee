"""Build minimal but valid .docx files in memory, for the plan-import tests."""

import io
import re
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
NUMBERING_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
NUMBERING_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Table(list):
    """A real Word table (``w:tbl``): a list of rows, each a list of cell texts."""


class Heading(str):
    """A paragraph in Word's built-in "heading N" style (styleId ``1``, ``2`` … as the
    Chinese Word writes it), with no number typed; ``numbered``: a heading style linked
    to a multilevel list (一、 then （一）), as offices set up their templates."""

    def __new__(cls, text: str, level: int = 1, *, numbered: bool = False):
        obj = super().__new__(cls, text)
        obj.level = level
        obj.style = f"{level}N" if numbered else str(level)
        return obj


PAGE_BREAK = '<w:br w:type="page"/>'


def build_docx(
    paragraphs: Iterable,
    *,
    auto_numbered: Iterable[int] = (),
    numbering: bool = True,
) -> bytes:
    """A .docx with one ``w:p`` per string (a ``Table`` becomes a ``w:tbl``).

    Like Word, each paragraph is split into several runs; "\\n" becomes ``w:br``,
    "\\f" a page break and "\\t" ``w:tab``. Paragraphs whose index is in
    ``auto_numbered`` get Word automatic numbering (``w:numPr``), backed by a one-list
    ``numbering.xml`` (一、 二、 …) unless ``numbering`` is false.
    """
    auto_numbered = set(auto_numbered)
    body = "".join(
        _table(block)
        if isinstance(block, Table)
        else _paragraph(block, numbered=index in auto_numbered, style=getattr(block, "style", ""))
        for index, block in enumerate(paragraphs)
    )
    document = (
        f'{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    content_types = (
        f"{XML_DECL}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{MAIN_CT}"/>'
        f'<Override PartName="/word/numbering.xml" ContentType="{NUMBERING_CT}"/>'
        "</Types>"
    )
    package_rels = (
        f'{XML_DECL}<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{DOC_TYPE}" Target="word/document.xml"/>'
        "</Relationships>"
    )
    document_rels = (
        f'{XML_DECL}<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{NUMBERING_TYPE}" Target="numbering.xml"/>'
        "</Relationships>"
    )
    numbering_xml = (
        f'{XML_DECL}<w:numbering xmlns:w="{W_NS}">'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", package_rels)
        package.writestr("word/document.xml", document)
        package.writestr("word/_rels/document.xml.rels", document_rels)
        if numbering:
            package.writestr("word/numbering.xml", numbering_xml)
        package.writestr("word/styles.xml", STYLES)
    return buffer.getvalue()


STYLES = (
    f'{XML_DECL}<w:styles xmlns:w="{W_NS}">'
    '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/>'
    '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="1N"><w:name w:val="heading 1"/><w:pPr>'
    '<w:numPr><w:numId w:val="2"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="2N"><w:name w:val="heading 2"/><w:pPr>'
    '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr><w:outlineLvl w:val="1"/>'
    "</w:pPr></w:style>"
    "</w:styles>"
)


def _paragraph(text: str, *, numbered: bool, style: str = "") -> str:
    properties = (
        "<w:pPr>"
        + (f'<w:pStyle w:val="{style}"/>' if style else "")
        + '<w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>'
        + ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' if numbered else "")
        + "</w:pPr>"
    )
    return f"<w:p>{properties}{''.join(_runs(text))}</w:p>"


def _table(rows: Table) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_paragraph(c, numbered=False)}</w:tc>" for c in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def _runs(text: str, size: int = 7):
    for start in range(0, len(text), size):
        chunk = text[start : start + size]
        pieces = []
        for line in re.split(r"(?=[\n\f])", chunk):
            if line[:1] in ("\n", "\f"):
                pieces.append(PAGE_BREAK if line[0] == "\f" else "<w:br/>")
                line = line[1:]
            for j, cell in enumerate(line.split("\t")):
                if j:
                    pieces.append("<w:tab/>")
                if cell:
                    pieces.append(f'<w:t xml:space="preserve">{escape(cell)}</w:t>')
        yield f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>{"".join(pieces)}</w:r>'
