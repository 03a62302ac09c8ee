"""System checks for the paper layer: warn when PDFs would not embed a Chinese font."""

from django.core.checks import Tags, Warning, register

from . import fonts

TAG = "reporting"


@register(TAG, Tags.compatibility)
def check_cjk_font(app_configs=None, **kwargs) -> list[Warning]:
    """W001: only the CID fallback is available; W002: SHUXIANG_PDF_FONT could not be used."""
    resolved = fonts.resolve_font()
    messages: list[Warning] = []
    if resolved.configured and resolved.source != resolved.configured:
        reason = dict(resolved.rejected).get(resolved.configured, "unknown error")
        messages.append(
            Warning(
                f"SHUXIANG_PDF_FONT = {resolved.configured!r} could not be used ({reason}).",
                hint=(
                    "Point SHUXIANG_PDF_FONT at a TrueType font (.ttf/.ttc with TrueType "
                    "outlines, e.g. /usr/share/fonts/truetype/wqy/wqy-microhei.ttc); "
                    "OpenType/CFF fonts such as Noto Sans CJK are not supported by reportlab. "
                    "For a .ttc collection set SHUXIANG_PDF_FONT_INDEX."
                ),
                id="reporting.W002",
            )
        )
    if not resolved.embedded:
        messages.append(
            Warning(
                "No embeddable Chinese font found: PDFs use the non-embedded "
                f"{fonts.CID_FALLBACK} CID font, which many viewers and printers cannot show.",
                hint=(
                    "Install one, e.g. `apt-get install fonts-wqy-microhei`, or set "
                    "SHUXIANG_PDF_FONT to the path of a TrueType Chinese font "
                    "(SHUXIANG_PDF_FONT_INDEX for a .ttc collection)."
                ),
                id="reporting.W001",
            )
        )
    return messages
