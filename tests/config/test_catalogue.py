"""Our Chinese catalogue: complete, and not silently renaming Wagtail's own menus.

LOCALE_PATHS comes first, so a msgid we share with Wagtail takes our translation
everywhere in the admin (once "Dashboard" became 看板 and "Pages" 分页 in the sidebar).
"""

import re
from pathlib import Path

import pytest
import wagtail

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
# Wagtail's strings its own catalogue leaves in English, kept by hand (makemessages would
# mark them obsolete in OURS).
FILLERS = ROOT / "locale_wagtail/zh_Hans/LC_MESSAGES/django.po"
# Shared msgids whose Wagtail translation we replace on purpose.
DELIBERATE = {
    "name",
    "active",
    "group",
    "In progress",
    "Comment",
    "Submitted",
    "Filter",
    "Previous",
    "Next",
    "description",
    "Description",
    "Number",
    "Active",
    "Inactive",
    "Administrator",
    "Enter your %(username_field_name)s",  # the sign-in placeholder, without a stray space
}


def entries(path: Path) -> dict[str, str]:
    found = {}
    for entry in path.read_text(encoding="utf-8").split("\n\n"):
        if "#~" in entry or "msgctxt" in entry:
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', entry, re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key:
                found[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
    return found


@pytest.mark.parametrize("catalogue", [OURS, FILLERS], ids=["ours", "wagtail_fillers"])
def test_every_string_is_translated_and_nothing_is_fuzzy(catalogue):
    text = catalogue.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    assert "#~ msgid" not in text, "obsolete entries are not compiled: drop them or restore"
    missing = [k for k, v in entries(catalogue).items() if not v]
    assert missing == []


def test_wagtail_fillers_are_not_our_strings():
    # An entry for a string of our own belongs in OURS, where makemessages keeps it.
    assert not set(entries(OURS)) & set(entries(FILLERS))


def test_we_do_not_rename_wagtails_own_words():
    ours = entries(OURS)
    wagtail_dir = Path(wagtail.__file__).parent
    clashes = set()
    for po in wagtail_dir.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for key, value in entries(po).items():
            if key in ours and value and ours[key] != value and key not in DELIBERATE:
                clashes.add(f"{key!r}: Wagtail {value} / ours {ours[key]}")
    assert not clashes, "use another msgid (or pgettext) for: " + "; ".join(sorted(clashes))
