"""Guards for uploaded files, before any parser sees them: ``check_zip`` against zip bombs.

Office files (.xlsx, .docx) are zip packages, and deflate packs highly repetitive XML a
thousandfold: a 300 KB upload can unpack to gigabytes. The sizes a zip declares for its
members bound what Python's ``zipfile`` will ever unpack (it stops at the declared size and
calls a longer member damaged), so refusing on the declared sizes is enough, and costs
nothing but reading the zip's directory.
"""

import zipfile
from io import BytesIO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


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
