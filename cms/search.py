"""Chinese search on the public site.

Database full-text search splits words at spaces and punctuation, so a run of Chinese
characters is one long "word" and a search for 年度报告 inside 2025年度报告全文 finds
nothing. Each searchable page therefore also indexes its text as overlapping character
bigrams (年度 度报 报告 …), and a query is turned into bigrams the same way and searched with
AND: every bigram of the query must be in the page. Latin words and numbers stay whole
(lower-cased). Wagtail's search backend (SQLite FTS5 or PostgreSQL) ranks the matches.
"""

from __future__ import annotations

import re

from django.utils.html import format_html
from django.utils.safestring import SafeString

# A run of CJK ideographs, or a run of Latin letters and digits.
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def terms(text: str) -> list[str]:
    """The index terms of ``text``: each CJK run as its bigrams (a single character as
    itself), each Latin or number run whole, in order, repeats kept (they weigh in the
    ranking)."""
    out: list[str] = []
    for run in _RUNS.findall(text or ""):
        if _CJK.match(run):
            out += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            out.append(run.lower())
    return out


def bigrams(text: str) -> str:
    """``text`` as a space-separated string of index terms (what the index stores)."""
    return " ".join(terms(text))


def query_terms(query: str) -> list[str]:
    """The terms a query must all match, without repeats, in order."""
    return list(dict.fromkeys(terms(query)))


def words(query: str) -> list[str]:
    """What to highlight: the query's runs of CJK or Latin characters, longest first."""
    return sorted(set(_RUNS.findall(query or "")), key=len, reverse=True)


def highlight(text: str, query: str, *, width: int = 120) -> SafeString:
    """An excerpt of ``text`` around the first match of the query, escaped, with each
    matching word in <mark>. The excerpt starts at the text's beginning when nothing
    matches as a whole (bigrams can match in parts)."""
    text = " ".join((text or "").split())
    found = [w for w in words(query) if w]
    pattern = re.compile("|".join(re.escape(w) for w in found), re.IGNORECASE) if found else None
    start = 0
    if pattern is not None:
        first = pattern.search(text)
        if first is not None:
            start = max(0, first.start() - width // 3)
    excerpt = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    out, last = format_html("{}", prefix), 0
    for match in pattern.finditer(excerpt) if pattern is not None else ():
        out += format_html("{}<mark>{}</mark>", excerpt[last : match.start()], match.group())
        last = match.end()
    return out + format_html("{}{}", excerpt[last:], suffix)
