"""Guards for uploaded files, before any parser sees them: ``check_zip`` against zip bombs,
``check_content`` that a file is what its name says.

Office files (.xlsx, .docx) are zip packages, and deflate packs highly repetitive XML a
thousandfold: a 300 KB upload can unpack to gigabytes. The sizes a zip declares for its
members bound what Python's ``zipfile`` will ever unpack (it stops at the declared size and
calls a longer member damaged), so refusing on the declared sizes is enough, and costs
nothing but reading the zip's directory.
"""

import zipfile
from io import BytesIO
from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

ZIPPED = (".docx", ".xlsx", ".odt", ".ods")


class ArchiveTooLarge(ValueError):
    """The archive unpacks to more than allowed; ``str(error)`` is a translated message."""


def check_zip(
    data: bytes, *, max_unpacked: int, max_member: int | None = None
) -> list[zipfile.ZipInfo]:
    """The members of the zip ``data``, once their unpacked sizes are known to be safe.

    Raises ``ArchiveTooLarge`` when all members together would unpack to more than
    ``max_unpacked`` bytes, or one of them to more than ``max_member`` bytes (no per-member
    limit when None), and ``zipfile.BadZipFile`` when ``data`` is not a readable zip — the
    caller knows what kind of file was expected and says so.
    """
    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = archive.infolist()
    if max_member is not None:
        for member in members:
            if member.file_size > max_member:
                raise ArchiveTooLarge(
                    _(
                        "The part “%(name)s” of the file unpacks to %(size)s, more than the "
                        "%(limit)s allowed."
                    )
                    % {
                        "name": member.filename,
                        "size": filesizeformat(member.file_size),
                        "limit": filesizeformat(max_member),
                    }
                )
    total = sum(member.file_size for member in members)
    if total > max_unpacked:
        raise ArchiveTooLarge(
            _("The file unpacks to %(size)s, more than the %(limit)s allowed.")
            % {"size": filesizeformat(total), "limit": filesizeformat(max_unpacked)}
        )
    return members


def check_content(upload, *, max_unpacked: int) -> None:
    """The uploaded file is what its name says — an image Pillow opens, a PDF, an Office
    package that does not unpack to more than ``max_unpacked`` bytes, plain text — or a
    ``forms.ValidationError`` says it is not. The upload is left at its start."""
    suffix = Path(upload.name).suffix.lower()
    upload.seek(0)
    wrong = forms.ValidationError(_("The file is damaged or not of the type its name says."))
    if suffix in (".jpg", ".jpeg", ".png"):
        try:
            with Image.open(upload) as image:
                image.verify()
        except Exception as error:  # Pillow raises many kinds for a bad image
            raise wrong from error
    elif suffix == ".pdf":
        if not upload.read(5).startswith(b"%PDF-"):
            raise wrong
    elif suffix in ZIPPED:
        try:
            check_zip(upload.read(), max_unpacked=max_unpacked)
        except ArchiveTooLarge as error:
            raise forms.ValidationError(str(error)) from error
        except zipfile.BadZipFile as error:
            raise wrong from error
    elif suffix == ".txt":
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise wrong from error
    upload.seek(0)
