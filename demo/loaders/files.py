"""Where the demo's files are and how its own CSV registers are read."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data"


def path(name: str) -> Path:
    return DATA / name


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of one of the demo's CSV files (UTF-8, a header row), as dicts."""
    with path(name).open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def local_time(text: str) -> dt.datetime | None:
    """A "2021-04-08 17:00" written in the library's time zone (Asia/Shanghai)."""
    if not text:
        return None
    return timezone.make_aware(dt.datetime.fromisoformat(text))
