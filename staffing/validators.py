"""Checks of Chinese resident ID numbers (GB 11643-1999) and of certificate scans."""

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def id_birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_number_from_15(number: str) -> str:
    """A first-generation (15-digit, before 1999) ID number in today's 18-character form:
    the century 19 goes before the two-digit birth year and the check character is added.
    ``number`` is returned unchanged when it is not 15 digits."""
    if len(number) != 15 or not number.isdigit():
        return number
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_char(first17)


def validate_id_number(value: str) -> None:
    """18 characters, 17 digits and a check character that matches, a real birth date."""
    number = value.strip().upper()
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(_("An ID number has 17 digits and a final digit or X."))
    if id_birth_date(number) is None:
        raise ValidationError(_("The ID number does not contain a valid birth date."))
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check digit is wrong: check for a typing error."))


CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
# What a certificate scan's first bytes are, by suffix: a renamed file is refused.
CERTIFICATE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def validate_certificate_file(value) -> None:
    """A new upload is a PDF, JPG or PNG (by name and by content) of at most 10 MB; a
    file already stored is not read again."""
    if not value or getattr(value, "_committed", False):
        return
    suffix = PurePath(value.name).suffix.lower().lstrip(".")
    if suffix not in CERTIFICATE_SIGNATURES:
        raise ValidationError(_("A certificate must be a PDF, JPG or PNG file."))
    if value.size > CERTIFICATE_MAX_BYTES:
        raise ValidationError(_("The certificate file is larger than 10 MB."))
    upload = getattr(value, "file", value)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(CERTIFICATE_SIGNATURES[suffix]):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file.")
            % {"name": PurePath(value.name).name, "type": suffix.upper()}
        )
