"""Build minimal but valid .docx files in memory, for the plan-import tests."""

import io
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


def build_docx(paragraphs: Iterable[str], *, auto_numbered: Iterable[int] = ()) -> bytes:
    """A .docx with one ``w:p`` per string.

    Like Word, each paragraph is split into several runs; "\\n" becomes ``w:br`` and
    "\\t" ``w:tab``. Paragraphs whose index is in ``auto_numbered`` get Word automatic
    numbering (``w:numPr``), backed by a one-list ``numbering.xml``.
    """
    auto_numbered = set(auto_numbered)
    body = "".join(
        _paragraph(text, numbered=index in auto_numbered) for index, text in enumerate(paragraphs)
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
    numbering = (
        f'{XML_DECL}<w:numbering xmlns:w="{W_NS}">'
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        "</w:numbering>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", package_rels)
        package.writestr("word/document.xml", document)
        package.writestr("word/_rels/document.xml.rels", document_rels)
        package.writestr("word/numbering.xml", numbering)
    return buffer.getvalue()


def _paragraph(text: str, *, numbered: bool) -> str:
    properties = (
        '<w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>'
        + ('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' if numbered else "")
        + "</w:pPr>"
    )
    return f"<w:p>{properties}{''.join(_runs(text))}</w:p>"


def _runs(text: str, size: int = 7):
    for start in range(0, len(text), size):
        chunk = text[start : start + size]
        pieces = []
        for i, line in enumerate(chunk.split("\n")):
            if i:
                pieces.append("<w:br/>")
            for j, cell in enumerate(line.split("\t")):
                if j:
                    pieces.append("<w:tab/>")
                if cell:
                    pieces.append(f'<w:t xml:space="preserve">{escape(cell)}</w:t>')
        yield f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>{"".join(pieces)}</w:r>'
