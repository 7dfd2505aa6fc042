"""Working days for planning the demo, and the simulated clock the services read while seeding."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import holidays
from django.utils import timezone


class WorkCalendar:
    """Mainland-China working days (weekends and holidays off, make-up days on)."""

    def __init__(self, today: date) -> None:
        self.days = holidays.China(years=range(today.year - 2, today.year + 2))

    def is_working_day(self, day: date) -> bool:
        return self.days.is_working_day(day)

    def working_days_before(self, day: date, count: int) -> date:
        while count > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


class SimulatedClock:
    """Stands in for django.utils.timezone.now while the cases are built."""

    def __init__(self, current: datetime) -> None:
        self.current = current

    def __call__(self) -> datetime:
        return self.current


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())
