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


@functools.lru_cache(maxsize=256)
def _statutory_days(year: int) -> frozenset[datetime.date]:
    """Vietnam's statutory days off of one year (from the `holidays` package: the same in every
    request, so computed once per process; the days staff record are read per calendar)."""
    return frozenset(holidays.country_holidays("VN", years=year, language="vi"))


class WorkingCalendar:
    """Answers for the years asked; one query for the recorded days, built once per calendar."""

    def __init__(self, recorded: list[CalendarDay] | None = None) -> None:
        self._recorded = recorded
        # A count of working days is the count of weekdays (arithmetic on the days' ordinals)
        # corrected on the days that are not as their weekday says: a statutory holiday on a
        # weekday (-1), a recorded day off on a weekday or working Saturday (±1). Those days of
        # the years covered are kept in order with their running correction, so a count between
        # two dates is two look-ups whatever the span (an admission window closes at 60, decades
        # ahead) and covering a year costs its few exceptions, not its 365 days.
        self._years: range = range(0)
        self._ordinals: list[int] = []
        self._corrections: list[int] = [0]

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
        """Know the exceptions of every year from `start`'s to `end`'s (`start` <= `end`)."""
        if start.year in self._years and end.year in self._years:
            return
        first = min(start.year, self._years.start) if self._years else start.year
        last = max(end.year, self._years.stop - 1) if self._years else end.year
        self._years = range(first, last + 1)
        # Each year's exceptions: its statutory days off, and the recorded days of the span.
        exceptions: dict[datetime.date, int] = {}
        for year in self._years:
            for day in _statutory_days(year):
                if day.weekday() < 5:
                    exceptions[day] = -1
        for day, kind in self._days.items():
            if day.year in self._years:
                exceptions[day] = (kind == CalendarDay.Kind.WORKING_DAY) - (day.weekday() < 5)
        self._ordinals, self._corrections, total = [], [0], 0
        for day in sorted(day for day, change in exceptions.items() if change):
            total += exceptions[day]
            self._ordinals.append(day.toordinal())
            self._corrections.append(total)

    def _through(self, ordinal: int) -> int:
        """Working days up to and including the day of `ordinal`, counted from 1 January of year 1
        (a Monday) as weekdays, then corrected by the exceptions of the covered years before it:
        only the difference of two such counts in the covered years means anything."""
        weeks, rest = divmod(ordinal, 7)
        return 5 * weeks + min(rest, 5) + self._corrections[bisect.bisect_right(self._ordinals, ordinal)]

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (the last day of "within `days` working days")."""
        if days <= 0:
            return start
        origin = start.toordinal()
        target = self._through_covered(start, start) + days
        # The day is at most a week per five working days plus the days off away; search the
        # first day whose count reaches the target between the start and a bound that does.
        low, high = origin + 1, origin + 2 * days + 30
        while self._through_covered(start, datetime.date.fromordinal(high)) < target:
            low, high = high + 1, high + 2 * days + 30
        while low < high:
            middle = (low + high) // 2
            if self._through(middle) < target:
                low = middle + 1
            else:
                high = middle
        return datetime.date.fromordinal(low)

    def _through_covered(self, start: datetime.date, day: datetime.date) -> int:
        self._cover(start, day)
        return self._through(day.toordinal())

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start, end)
        return self._through(end.toordinal()) - self._through(start.toordinal())
