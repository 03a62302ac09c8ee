"""Download responses for the documents we make, with file names people can read.

Browsers take a Chinese file name from ``filename*`` (RFC 6266); Django's
``content_disposition_header`` writes it (and a plain ``filename`` when the name is
ASCII).
"""

from __future__ import annotations

from django.http import HttpResponse
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


def _with_suffix(name: str, suffix: str) -> str:
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


def _safe(name: str) -> str:
    """No path separators or control characters in a name that came from data."""
    cleaned = "".join("_" if ch in "/\\" or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip() or "download"
