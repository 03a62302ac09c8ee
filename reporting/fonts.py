"""The CJK font for reportlab: an embedded TrueType font when one is installed, else STSong-Light.

Order of search: ``settings.SHUXIANG_PDF_FONT`` (with ``SHUXIANG_PDF_FONT_INDEX`` for .ttc
collections), then the Debian font paths in ``FONT_CANDIDATES``. A TrueType font is embedded
and subset by reportlab, so the PDF prints the same everywhere. The last resort,
``STSong-Light``, is a CID font that reportlab only names: the reader's PDF viewer must supply
the glyphs, which fails on many phones and printers — hence the ``reporting.W001`` check.
"""

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

CID_FALLBACK = "STSong-Light"

# (path, subfont index). Noto CJK ships CFF outlines (.ttc/.otf), which reportlab refuses, so
# it is deliberately absent; a file that fails to register is skipped anyway.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)


@dataclass(frozen=True)
class ResolvedFont:
    """The font chosen for this process, and what was tried on the way."""

    name: str
    source: str
    embedded: bool
    rejected: tuple[tuple[str, str], ...] = field(default=())  # (path, reason)
    configured: str | None = None  # settings.SHUXIANG_PDF_FONT, if set


def _configured_font() -> tuple[str, int] | None:
    if not settings.configured:
        return None
    path = getattr(settings, "SHUXIANG_PDF_FONT", None)
    if not path:
        return None
    index = getattr(settings, "SHUXIANG_PDF_FONT_INDEX", None) or 0
    return str(path), int(index)


def _register_family(name: str) -> None:
    # CJK fonts have no bold/italic faces; mapping them to the regular face lets <b>/<i>
    # markup in Paragraphs render instead of raising "Can't map determine family/bold/italic".
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)


def _try_truetype(path: str, index: int) -> str:
    """Register ``path`` and return its reportlab font name; raise if reportlab refuses it."""
    if not Path(path).is_file():
        raise FileNotFoundError(path)
    name = f"ShuxiangCJK-{Path(path).stem}-{index}"
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    _register_family(name)
    return name


@functools.cache
def resolve_font() -> ResolvedFont:
    """Find, register and remember the CJK font (see the module docstring for the order)."""
    configured = _configured_font()
    candidates = ([configured] if configured else []) + list(FONT_CANDIDATES)
    rejected: list[tuple[str, str]] = []
    for path, index in candidates:
        try:
            name = _try_truetype(path, index)
        except Exception as exc:  # TTFError, OSError, bad subfont index: try the next file
            if configured == (path, index):
                logger.warning("SHUXIANG_PDF_FONT %s (index %s) not usable: %s", path, index, exc)
            elif Path(path).exists():
                logger.info("CJK font %s (index %s) not usable: %s", path, index, exc)
            rejected.append((path, f"{type(exc).__name__}: {exc}"))
            continue
        return ResolvedFont(
            name=name,
            source=path,
            embedded=True,
            rejected=tuple(rejected),
            configured=configured[0] if configured else None,
        )
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    _register_family(CID_FALLBACK)
    return ResolvedFont(
        name=CID_FALLBACK,
        source=CID_FALLBACK,
        embedded=False,
        rejected=tuple(rejected),
        configured=configured[0] if configured else None,
    )


def clear_cache() -> None:
    """Forget the chosen font (tests, or after changing the setting at runtime)."""
    resolve_font.cache_clear()


def cjk_font() -> str:
    """The reportlab font name to use for Chinese text (registered on first call)."""
    return resolve_font().name


def font_is_embedded() -> bool:
    """True when the font is a TrueType file embedded in the PDF, False for the CID fallback."""
    return resolve_font().embedded


def font_source() -> str:
    """The font file's path, or ``"STSong-Light"`` for the CID fallback."""
    return resolve_font().source


def fit_text(text: str, width: float, *, size: float, font: str | None = None) -> str:
    """``text`` cut short with "…" so that it fits in ``width`` points (page headers,
    labels, the cells of long tables: a binary search, as there may be thousands)."""
    font = font or cjk_font()
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"
