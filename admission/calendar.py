"""Working days in Vietnam: weekends and statutory holidays off, plus the days staff record.

The statutory holidays (New Year, the five days of lunar Tết, Hùng Kings, 30/4, 1/5, National
Day, …) come from the `holidays` package's calendar of Vietnam; each year's announced days off
and make-up working days are `CalendarDay` rows. Deadlines "within N working days" of a date
count from the next day: the Nth working day after it is the last day allowed.
"""

from __future__ import annotations

import datetime
from functools import cached_property

import holidays

from .models import CalendarDay


class WorkingCalendar:
    """Answers for the years asked; one query for the recorded days, built once per calendar."""

    def __init__(self, recorded: list[CalendarDay] | None = None) -> None:
        self._recorded = recorded

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

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (the last day of "within `days` working days")."""
        current, counted = start, 0
        while counted < days:
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + datetime.timedelta(n)))
