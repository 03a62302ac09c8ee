"""Download responses for the documents we make and the private files we keep, with
file names people can read.

Browsers take a Chinese file name from ``filename*`` (RFC 6266); Django's
``content_disposition_header`` writes it (and a plain ``filename`` when the name is
ASCII).
"""

from __future__ import annotations

import mimetypes

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """``data`` as an attachment called ``filename`` (any language)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _safe(filename))
    return response


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return download(data, _with_suffix(filename, ".xlsx"), XLSX)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    return download(data, _with_suffix(filename, ".pdf"), PDF)


def private_file_response(file: FieldFile, filename: str, content_type: str = "") -> FileResponse:
    """A file from private storage, streamed as an attachment called ``filename``. Call
    it only after the access policy has let the user see the row the file belongs to;
    shared caches must not keep it."""
    if not file:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = _safe(filename)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type
        or mimetypes.guess_type(filename)[0]
        or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _with_suffix(name: str, suffix: str) -> str:
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


def _safe(name: str) -> str:
    """No path separators or control characters in a name that came from data."""
    cleaned = "".join("_" if ch in "/\\" or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip() or "download"
