"""A pure WorkingCalendar for mainland China built straight from the holidays package (no database).

Independent of sla.holiday_source on purpose, so the calculator tests do not lean on the loader.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import holidays

from sla.calendar import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The first year holidays 0.109 has no State Council notice for; move on when the package learns it.
PROVISIONAL_YEAR = 2027


def china_holidays(*years: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=list(years), categories=("public",))


def china_calendar(*years: int) -> WorkingCalendar:
    package = china_holidays(*years)
    return WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset({6, 7}),
        days_off=frozenset(day for day in package if day.year in years),
        working_days=frozenset(day for day in package.weekend_workdays if day.year in years),
        provisional_years=frozenset(year for year in years if year >= PROVISIONAL_YEAR),
        loaded_years=frozenset(years),
    )
