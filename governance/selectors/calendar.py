"""Working days in mainland China: weekends, the State Council's public holidays and its
make-up working days (调休), from the maintained ``chinesecalendar`` package, corrected
by the planning office's ``WorkdayOverride`` rows (a year the package does not know yet,
a late announcement). Publicity periods and disclosure deadlines count these days."""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

from governance.models import WorkdayOverride

logger = logging.getLogger(__name__)

# Looking ahead for the nth working day never needs more than this many calendar days
# (the longest run of days off is the Spring Festival's nine).
_HORIZON_PER_DAY = 3
_HORIZON_SLACK = 30


class WorkingDays:
    """The calendar over a span of dates: the overrides in it read once (one query)."""

    def __init__(self, first: dt.date, last: dt.date):
        self.first, self.last = first, last
        self.overrides = dict(
            WorkdayOverride.objects.filter(date__range=(first, last)).values_list(
                "date", "is_workday"
            )
        )
        self._unknown_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # A year the package does not cover yet: weekdays, until corrected by overrides.
            if day.year not in self._unknown_years:
                self._unknown_years.add(day.year)
                logger.warning("No holiday data for %s: counting weekdays only", day.year)
            return day.weekday() < 5

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days from ``start`` to ``end``, both included."""
        days = (end - start).days + 1
        return sum(1 for i in range(max(days, 0)) if self.is_workday(start + dt.timedelta(i)))

    def nth(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day counting from ``start`` (``start`` itself is the first
        when it is a working day); days past this span are read as they are reached."""
        if n < 1:
            raise ValueError("n must be at least 1")
        calendar, day, counted = self, start, 0
        while True:
            if day > calendar.last:  # a run of corrections made days off past the horizon
                calendar = WorkingDays(day, day + dt.timedelta(days=_HORIZON_SLACK))
            if calendar.is_workday(day):
                counted += 1
                if counted == n:
                    return day
            day += dt.timedelta(days=1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included (one query)."""
    return WorkingDays(start, end).between(start, end)


def nth_working_day(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day counting from ``start`` (``start`` itself is the first
    when it is a working day): a five-working-day notice posted on ``start`` runs until
    ``nth_working_day(start, 5)``, that day included. One query."""
    last = start + dt.timedelta(days=max(n, 1) * _HORIZON_PER_DAY + _HORIZON_SLACK)
    return WorkingDays(start, last).nth(start, n)
