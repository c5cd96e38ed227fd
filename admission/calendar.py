"""Working days in Vietnam: weekends and statutory holidays off, plus the days staff record.

The statutory holidays (New Year, the five days of lunar Tết, Hùng Kings, 30/4, 1/5, National
Day, …) come from the `holidays` package's calendar of Vietnam; each year's announced days off
and make-up working days are `CalendarDay` rows. Deadlines "within N working days" of a date
count from the next day: the Nth working day after it is the last day allowed.
"""

from __future__ import annotations

import bisect
import datetime
from functools import cached_property

import holidays

from .models import CalendarDay


class WorkingCalendar:
    """Answers for the years asked; one query for the recorded days, built once per calendar."""

    def __init__(self, recorded: list[CalendarDay] | None = None) -> None:
        self._recorded = recorded
        # Working days counted from 1 January of the first year covered: `_counts[i]` is the
        # number among the first i days. Built for whole years on first use, so counting
        # between two dates is two look-ups rather than a walk over every day between them
        # (the dashboard's reminders count up to a year ahead for each admitted member).
        self._first: datetime.date | None = None
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

    def _cover(self, *days: datetime.date) -> None:
        first = min(days).replace(month=1, day=1)
        last = max(days).replace(month=12, day=31)
        if self._first is not None:
            covered_last = self._first + datetime.timedelta(days=len(self._counts) - 2)
            if self._first <= first and last <= covered_last:
                return
            first, last = min(first, self._first), max(last, covered_last)
        statutory = set(self._statutory.__class__(years=range(first.year, last.year + 1), language="vi"))
        recorded = self._days
        counts, total, day, one = [0], 0, first, datetime.timedelta(days=1)
        while day <= last:
            kind = recorded.get(day)
            if kind is None:
                total += day.weekday() < 5 and day not in statutory
            else:
                total += kind == CalendarDay.Kind.WORKING_DAY
            counts.append(total)
            day += one
        self._first, self._counts = first, counts

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
            self._cover(self._first + datetime.timedelta(days=len(self._counts) + 366))
        index = bisect.bisect_left(self._counts, target)
        return self._first + datetime.timedelta(days=index - 1)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start, end)
        return self._through(end) - self._through(start)
