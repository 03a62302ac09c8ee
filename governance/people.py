"""People by name, never by login: the one way every screen, sheet and PDF names a user.

``person_name(user)``: the name on the user's staff record if a staff record is linked to
the login, else the user's full name, else (last resort) the login name; "—" for nobody.

Staff records belong to a later app (staffing), which tells this module the reverse
accessor from a login to its record through ``register_person_record`` (in its
``AppConfig.ready``); governance imports nothing of it. A listing that shows people
select_related()s ``person_select_related("author")`` so names cost no query a row.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPTY = "—"


@dataclass(frozen=True)
class PersonRecord:
    accessor: str  # the reverse one-to-one from a user to the record, e.g. "staff_record"
    name_field: str = "name"
    number_field: str = "staff_number"
    unit_field: str = "unit_id"


_record: PersonRecord | None = None


def register_person_record(
    accessor: str, *, name_field="name", number_field="staff_number", unit_field="unit_id"
):
    """Name people from the record that ``user.<accessor>`` reaches (staffing's Staff)."""
    global _record
    _record = PersonRecord(accessor, name_field, number_field, unit_field)


def _linked_record(user):
    if _record is None:
        return None
    # No record linked: Django's RelatedObjectDoesNotExist is an AttributeError.
    return getattr(user, _record.accessor, None)


def person_name(user) -> str:
    """The person's name: staff record's, else the user's full name, else the login."""
    if user is None:
        return EMPTY
    record = _linked_record(user)
    if record is not None:
        name = getattr(record, _record.name_field, "")
        if name:
            return name
    return full_name(user) or user.get_username()


def full_name(user) -> str:
    """The login's own name, family name first for a Chinese name ("王小明"), Western
    order otherwise."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if any("\u4e00" <= char <= "\u9fff" for char in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def staff_number(user) -> str:
    """The 工号 of the user's staff record, or ""."""
    record = _linked_record(user) if user is not None else None
    return getattr(record, _record.number_field, "") if record is not None else ""


def person_select_related(*paths: str) -> list[str]:
    """What a queryset select_related()s to name the users at ``paths`` without a query
    a row: ``person_select_related("author")`` → ["author", "author__staff_record"]."""
    related = list(paths)
    if _record is not None:
        related += [f"{path}__{_record.accessor}" for path in paths]
    return related


def person_record_related() -> list[str]:
    """What a queryset of users select_related()s to name them without a query a row."""
    return [_record.accessor] if _record is not None else []


def person_labels(users) -> dict[int, str]:
    """Names for a list of users, with the 工号 (or, lacking one, the login) added where
    two people share a name: for pickers, where the right person must be told apart."""
    users = list(users)
    names = {user.pk: person_name(user) for user in users}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    labels = {}
    for user in users:
        name = names[user.pk]
        if counts[name] > 1:
            name = f"{name}（{staff_number(user) or user.get_username()}）"
        labels[user.pk] = name
    return labels


def names_by_login(usernames) -> dict[str, str]:
    """{login: person's name} for the logins that are users, in one query (a lockout list
    holds typed user names, which need not be anyone's)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()  # noqa: N806
    users = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": set(usernames)})
    return {
        user.get_username(): person_name(user)
        for user in users.select_related(*person_record_related())
    }


@dataclass(frozen=True)
class Person:
    """Who can be given a plan task, as people know them: for the assignment sheet's
    "name（工号）" drop-downs and its reference sheet of people."""

    user_id: int
    username: str
    name: str
    staff_number: str
    unit_id: int | None

    @property
    def label(self) -> str:
        """What the sheet shows and reads back: "张三（S0012）" (or the login name)."""
        return f"{self.name}（{self.staff_number or self.username}）"


def people(users=None) -> list[Person]:
    """Every active user (or ``users``), with name, 工号 and unit from their staff record
    where one is linked (one query), sorted by name."""
    from django.contrib.auth import get_user_model

    if users is None:
        users = get_user_model().objects.filter(is_active=True)
    if hasattr(users, "select_related"):
        users = users.select_related(*person_record_related())
    result = []
    for user in users:
        record = _linked_record(user)
        unit_id = getattr(record, _record.unit_field, None) if record is not None else None
        result.append(
            Person(user.pk, user.get_username(), person_name(user), staff_number(user), unit_id)
        )
    return sorted(result, key=lambda p: (p.name, p.username))
