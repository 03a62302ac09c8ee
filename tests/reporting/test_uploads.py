"""check_zip: a zip package is refused on its declared sizes, before anything is unpacked."""

import io
import time
import zipfile

import pytest
from django.utils import translation

from reporting.uploads import ArchiveTooLarge, check_zip

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def package(**members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, size in members.items():
            with archive.open(name.replace("__", "/"), "w") as member:
                for _ in range(size // MB):
                    member.write(b"\0" * MB)
    return buffer.getvalue()


def test_members_within_the_limits_are_listed():
    data = package(word__document_xml=2 * MB, word__media__image_png=1 * MB)

    members = check_zip(data, max_unpacked=4 * MB, max_member=3 * MB)

    assert [m.filename for m in members] == ["word/document_xml", "word/media/image_png"]


def test_too_much_in_all_is_refused_unread():
    data = package(a=60 * MB, b=60 * MB)
    assert len(data) < 300 * 1024

    started = time.perf_counter()
    with pytest.raises(ArchiveTooLarge, match="unpacks to 120.0\xa0MB, more than the 100.0\xa0MB"):
        check_zip(data, max_unpacked=100 * MB)
    assert time.perf_counter() - started < 0.5


def test_one_member_too_large_is_named():
    data = package(word__document_xml=6 * MB, b=1 * MB)

    with pytest.raises(ArchiveTooLarge, match="“word/document_xml” of the file unpacks to 6.0"):
        check_zip(data, max_unpacked=100 * MB, max_member=5 * MB)


def test_a_zip_lying_about_its_sizes_unpacks_no_more_than_it_declared():
    # What makes checking the declared sizes enough: zipfile stops at them.
    data = bytearray(package(a=2 * MB))
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (1024).to_bytes(4, "little")  # claims 1 KB
    local = data.index(b"PK\x03\x04")
    data[local + 22 : local + 26] = (1024).to_bytes(4, "little")

    (member,) = check_zip(bytes(data), max_unpacked=2 * 1024)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read(member)


def test_not_a_zip_is_left_to_the_caller():
    with pytest.raises(zipfile.BadZipFile):
        check_zip(b"not a zip", max_unpacked=MB)


def test_messages_are_in_chinese():
    data = package(a=2 * MB)

    with translation.override("zh-hans"), pytest.raises(ArchiveTooLarge, match="解压"):
        check_zip(data, max_unpacked=MB)
