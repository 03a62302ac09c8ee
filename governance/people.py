"""Who can be given a plan task, as people know them: name, staff number (工号) and unit.

Governance knows only user accounts; the staff records live in a later app, which feeds
the names, numbers and units here through `register_people_source` (the inverted
dependency of DESIGN.md), so the assignment sheet can offer "name (工号)" drop-downs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

# A source yields (user id, name, staff number, unit id) for the users it knows.
Source = Callable[[], Iterable[tuple[int, str, str, int | None]]]
_sources: list[Source] = []


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    name: str
    staff_number: str
    unit_id: int | None

    @property
    def label(self) -> str:
        """What the sheet shows and reads back: "张三（S0012）" (or the login name)."""
        return f"{self.name}（{self.staff_number or self.username}）"


def register_people_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def people(users: Iterable | None = None) -> list[Person]:
    """Every active user (or ``users``, already loaded), named from the registered
    sources where they know the user (one query per source), sorted by name."""
    known: dict[int, tuple[str, str, int | None]] = {}
    for source in _sources:
        for user_id, name, number, unit_id in source():
            known[user_id] = (name, number or "", unit_id)
    if users is None:
        users = get_user_model().objects.filter(is_active=True)
    result = []
    for user in users:
        username = user.get_username()
        fallback = (f"{user.last_name}{user.first_name}".strip() or username, "", None)
        name, number, unit_id = known.get(user.pk, fallback)
        result.append(Person(user.pk, username, name, number, unit_id))
    return sorted(result, key=lambda p: (p.name, p.username))
