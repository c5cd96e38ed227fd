"""Working days counted from the weekdays and the days that differ agree with counting day by day."""

from __future__ import annotations

import datetime
import random

import pytest

from admission.calendar import WorkingCalendar
from admission.models import CalendarDay

pytestmark = pytest.mark.django_db


def walked_between(calendar: WorkingCalendar, start: datetime.date, end: datetime.date) -> int:
    if end < start:
        return -walked_between(calendar, end, start)
    return sum(calendar.is_working_day(start + datetime.timedelta(n)) for n in range(1, (end - start).days + 1))


def walked_add(calendar: WorkingCalendar, start: datetime.date, days: int) -> datetime.date:
    current, counted = start, 0
    while counted < days:
        current += datetime.timedelta(days=1)
        counted += calendar.is_working_day(current)
    return current


def test_counts_and_deadlines_match_a_day_by_day_walk():
    recorded = [
        CalendarDay(date=datetime.date(2025, 4, 26), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù"),
        CalendarDay(date=datetime.date(2025, 5, 2), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù"),
    ]
    calendar = WorkingCalendar(recorded)
    rng = random.Random(7)
    for _ in range(400):
        start = datetime.date(2019, 1, 1) + datetime.timedelta(rng.randint(0, 3000))
        end = start + datetime.timedelta(rng.randint(-700, 700))
        days = rng.randint(0, 80)
        assert calendar.working_days_between(start, end) == walked_between(calendar, start, end), (start, end)
        assert calendar.add_working_days(start, days) == walked_add(calendar, start, days), (start, days)


def test_recorded_days_count():
    friday_off = CalendarDay(date=datetime.date(2025, 5, 2), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    saturday_on = CalendarDay(date=datetime.date(2025, 4, 26), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")
    calendar = WorkingCalendar([friday_off, saturday_on])
    # Thu 24/4 → Mon 5/5/2025: Fri 25, Sat 26 (make-up day); 30/4 and 1/5 are holidays, 2/5 off.
    assert calendar.working_days_between(datetime.date(2025, 4, 24), datetime.date(2025, 5, 5)) == 5
    assert calendar.add_working_days(datetime.date(2025, 4, 29), 1) == datetime.date(2025, 5, 5)


def test_counts_over_decades_match_a_day_by_day_walk():
    """An admission window closes at 60, decades ahead: the count is the walk's, the days staff
    record included (a statutory holiday recorded as a working day, a Sunday off as a working day)."""
    recorded = [
        CalendarDay(date=datetime.date(2031, 9, 2), kind=CalendarDay.Kind.WORKING_DAY, name="Làm việc"),
        CalendarDay(date=datetime.date(2040, 6, 3), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù"),
        CalendarDay(date=datetime.date(2044, 3, 7), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù"),
        CalendarDay(date=datetime.date(2050, 1, 1), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ"),
    ]
    calendar = WorkingCalendar(recorded)
    rng = random.Random(11)
    for _ in range(40):
        start = datetime.date(2024, 1, 1) + datetime.timedelta(rng.randint(0, 1500))
        end = start + datetime.timedelta(rng.randint(-400, 13500))
        assert calendar.working_days_between(start, end) == walked_between(calendar, start, end), (start, end)
        days = rng.randint(1, 400)
        assert calendar.add_working_days(end, days) == walked_add(calendar, end, days), (end, days)
