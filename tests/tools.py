"""What some tests need from the machine: Chromium, poppler, a Chinese font, the shared seeds.

On a developer's machine a missing tool skips the tests that need it. With CI=true it fails
them instead: there the tools are installed by .ci/run, and a skip would hide that a check
did not run at all.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from config.env import envbool

# The shared folder (design notes, the customer's seed files) sits beside the clone.
SHARED = Path(__file__).resolve().parents[2] / "shared"
POPPLER_CJK_MAPS = Path("/usr/share/poppler/cMap/Adobe-GB1")


def in_ci() -> bool:
    return envbool("CI", False)


def require(available: bool, what: str, how: str) -> None:
    """Skip the test (fail it under CI=true) unless ``available``; ``how`` says how to get it."""
    if available:
        return
    message = f"{what} is missing ({how})"
    if in_ci():
        pytest.fail(f"{message}; CI=true needs it", pytrace=False)
    pytest.skip(message)


def require_tool(name: str, how: str) -> str:
    """The path of the program ``name`` (a command or a path)."""
    path = shutil.which(name)
    require(path is not None, name, how)
    return path


def require_poppler(tool: str) -> str:
    return require_tool(tool, "apt-get install poppler-utils")


def pdf_text(pdf: bytes, *, mode: str = "-layout") -> str:
    """The text of a PDF as pdftotext reads it (``-layout`` keeps columns apart, ``-raw``
    keeps the order text was written in)."""
    require_poppler("pdftotext")
    return subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def require_poppler_cjk() -> None:
    """poppler's CMaps, to read Chinese set in reportlab's CID fallback font (STSong-Light)."""
    require(POPPLER_CJK_MAPS.is_dir(), "poppler's Chinese CMaps", "apt-get install poppler-data")


def require_cjk_font() -> None:
    """A TrueType Chinese font reportlab can embed (fonts-wqy-microhei in CI)."""
    from reporting import fonts

    require(
        fonts.font_is_embedded(), "a TrueType Chinese font", "apt-get install fonts-wqy-microhei"
    )


def require_file(path: Path | str, what: str, how: str) -> Path:
    path = Path(path)
    require(path.is_file(), f"{what} ({path})", how)
    return path


# Words that must not reach a Chinese screen: raw Python values and the English of
# Wagtail's admin that its own catalogue or our pages could leave behind.
NOT_CHINESE = (
    "True",
    "False",
    "None",
    "Wagtail",
    "Password",
    "Username",
    "Sign in",
    "Remember me",
    "Forgotten password",
    "Dashboard",
    "Editor guide",
    "editor guide",
    "What's new",
    "Skip to main content",
    "created in",
    "Search",
    "Filter",
    "Edit",
    "Delete",
    "Inspect",
    "Add",
    "Yes",
    "No",
    "Shortcuts",
    "Application",
    "account",
)


def visible_text(html: str) -> str:
    """The text a person reads on the page: no scripts, styles or templates, no markup."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        skip_tags = {"script", "style", "template"}

        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts, self.skipping = [], 0

        def handle_starttag(self, tag, attrs):
            if tag in self.skip_tags:
                self.skipping += 1

        def handle_endtag(self, tag):
            if tag in self.skip_tags and self.skipping:
                self.skipping -= 1

        def handle_data(self, data):
            if not self.skipping:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_clean_chinese(html: str, *, allowed: tuple[str, ...] = ()) -> None:
    """Fail on a visible True/False/None or a common English admin word (whole words)."""
    import re

    text = visible_text(html)
    found = [
        word
        for word in NOT_CHINESE
        if word not in allowed and re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)
    ]
    assert not found, f"not clean Chinese: {found} in {text[:2000]}"


def updated_columns(queries, model) -> list[set[str]]:
    """The columns each UPDATE of ``model``'s table sets, statement by statement."""
    table = connection.ops.quote_name(model._meta.db_table)
    found = []
    for query in queries.captured_queries:
        if query["sql"].startswith(f"UPDATE {table} "):
            sets = re.split(r" (?:FROM|WHERE) ", query["sql"].split(" SET ", 1)[1])[0]
            found.append(set(re.findall(r'"(\w+)" = ', sets)))
    return found
