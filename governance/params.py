"""Numbers from URLs and query strings, checked before they reach the database: a value
out of range is a bad request, never a 500 from an integer overflow."""

from __future__ import annotations

from django.http import Http404

PK_MAX = 2**63 - 1  # a BigAutoField (PostgreSQL bigint)
YEAR_MIN, YEAR_MAX = 1900, 2100  # plausible years for a plan, a cycle, a record


def pk_or_none(text: str | None) -> int | None:
    """``text`` as a primary key, or None when it is not a plausible one."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= PK_MAX else None


def pk_or_404(text: str | None) -> int:
    value = pk_or_none(text)
    if value is None:
        raise Http404
    return value


def pks(values) -> list[int]:
    """The plausible primary keys among ``values`` (a filter's repeated parameter)."""
    return [pk for pk in (pk_or_none(v) for v in values) if pk is not None]


def year_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text.isdigit() or len(text) != 4:
        return None
    value = int(text)
    return value if YEAR_MIN <= value <= YEAR_MAX else None
