"""Our Chinese catalogue: complete, and not silently renaming Wagtail's own menus.

LOCALE_PATHS comes first, so a msgid we share with Wagtail takes our translation
everywhere in the admin (once "Dashboard" became 看板 and "Pages" 分页 in the sidebar).
"""

import re
from pathlib import Path

import wagtail

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
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


def test_every_string_is_translated_and_nothing_is_fuzzy():
    text = OURS.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    missing = [k for k, v in entries(OURS).items() if not v]
    assert missing == []


def test_we_do_not_rename_wagtails_own_words():
    ours = entries(OURS)
    wagtail_dir = Path(wagtail.__file__).parent
    clashes = set()
    for po in wagtail_dir.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for key, value in entries(po).items():
            if key in ours and value and ours[key] != value and key not in DELIBERATE:
                clashes.add(f"{key!r}: Wagtail {value} / ours {ours[key]}")
    assert not clashes, "use another msgid (or pgettext) for: " + "; ".join(sorted(clashes))
