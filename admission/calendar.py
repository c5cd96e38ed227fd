"""Working days in Vietnam: weekends and statutory holidays off, plus the days staff record.

The statutory holidays (New Year, the five days of lunar Tết, Hùng Kings, 30/4, 1/5, National
Day, …) come from the `holidays` package's calendar of Vietnam; each year's announced days off
and make-up working days are `CalendarDay` rows. Deadlines "within N working days" of a date
count from the next day: the Nth working day after it is the last day allowed.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from functools import cached_property

import holidays

from .models import CalendarDay

_DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _statutory_days(year: int) -> frozenset[datetime.date]:
    """Vietnam's statutory days off of one year (from the `holidays` package: the same in every
    request, so computed once per process; the days staff record are read per calendar)."""
    return frozenset(holidays.country_holidays("VN", years=year, language="vi"))


class WorkingCalendar:
    """Answers for the years asked; one query for the recorded days, built once per calendar."""

    def __init__(self, recorded: list[CalendarDay] | None = None) -> None:
        self._recorded = recorded
        # Working days counted from 1 January of the first year covered: `_counts[i]` is the
        # number among the first i days. Built for whole years on first use, so counting
        # between two dates is two look-ups rather than a walk over every day between them
        # (the dashboard's reminders count up to a year ahead for each admitted member).
        self._first: datetime.date | None = None
        self._last: datetime.date | None = None  # the last day covered
        self._counts: list[int] = [0]

    @cached_property
    def _days(self) -> dict[datetime.date, str]:
        rows = self._recorded if self._recorded is not None else list(CalendarDay.objects.all())
        return {row.date: row.kind for row in rows}

    @cached_property
    def _statutory(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN", language="vi")

    def is_working_day(self, day: datetime.date) -> bool:
        recorded = self._days.get(day)
        if recorded == CalendarDay.Kind.WORKING_DAY:
            return True
        if recorded == CalendarDay.Kind.DAY_OFF:
            return False
        return day.weekday() < 5 and day not in self._statutory

    def holiday_name(self, day: datetime.date) -> str | None:
        return self._statutory.get(day)

    def _cover(self, start: datetime.date, end: datetime.date) -> None:
        """Count the working days of whole years from `start`'s to `end`'s (`start` <= `end`).

        Called for every count, so the span already covered is checked first. A list of
        reminders asks for dates spread over decades (each person's age-60 window), so the
        span grows by the years missing only: days after it are appended to the running
        total, days before it are counted and the total shifted, never all rebuilt."""
        if self._first is not None and self._first <= start and end <= self._last:
            return
        first, last = datetime.date(start.year - 1, 1, 1), datetime.date(end.year + 1, 12, 31)
        if self._first is None:
            self._first, self._last, self._counts = first, last, self._running(first, last, 0)
            return
        if last > self._last:
            self._counts += self._running(self._last + _DAY, last, self._counts[-1])[1:]
            self._last = last
        if first < self._first:
            before = self._running(first, self._first - _DAY, 0)
            self._counts = before + [count + before[-1] for count in self._counts[1:]]
            self._first = first

    def _running(self, first: datetime.date, last: datetime.date, total: int) -> list[int]:
        """[total, then the running total of working days on each day from `first` to `last`]."""
        statutory = set().union(*(_statutory_days(year) for year in range(first.year, last.year + 1)))
        recorded = self._days
        counts, day = [total], first
        while day <= last:
            kind = recorded.get(day)
            if kind is None:
                total += day.weekday() < 5 and day not in statutory
            else:
                total += kind == CalendarDay.Kind.WORKING_DAY
            counts.append(total)
            day += _DAY
        return counts

    def _through(self, day: datetime.date) -> int:
        """Working days from the start of the covered span up to and including `day`."""
        return self._counts[(day - self._first).days + 1]

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (the last day of "within `days` working days")."""
        if days <= 0:
            return start
        # A year and a half holds far more than any deadline's working days; cover more if not.
        self._cover(start, start + datetime.timedelta(days=2 * days + 400))
        target = self._through(start) + days
        while target > self._counts[-1]:
            self._cover(start, self._last + datetime.timedelta(days=366))
        index = bisect.bisect_left(self._counts, target)
        return self._first + datetime.timedelta(days=index - 1)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start, end)
        return self._through(end) - self._through(start)
