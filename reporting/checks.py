"""System checks for the paper layer: warn when PDFs would not embed a Chinese font;
refuse private storage that a web server would publish."""

from django.core.checks import Error, Tags, Warning, register

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


@register(TAG, Tags.security)
def check_private_storage(app_configs=None, **kwargs) -> list[Error]:
    """E001: no private storage; E002: private files inside a directory that is published."""
    from django.core.files.storage import InvalidStorageError

    from .storages import private_location, public_roots

    try:
        location = private_location()
    except InvalidStorageError:
        return [
            Error(
                'settings.STORAGES has no "private" storage for evidence and certificates.',
                hint='Add STORAGES["private"] (see config/settings/base.py).',
                id="reporting.E001",
            )
        ]
    if location is None:
        return []
    for root in public_roots():
        if location == root or root in location.parents:
            return [
                Error(
                    f"The private storage ({location}) lies inside {root}, which is published "
                    "to anyone who guesses a file's path.",
                    hint="Set SHUXIANG_PRIVATE_ROOT to a directory outside MEDIA_ROOT and "
                    "STATIC_ROOT.",
                    id="reporting.E002",
                )
            ]
    return []
