"""Properties of the calculator over any start moment in 2025-2026 and any target. No database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tests.sla.china import SHANGHAI, china_calendar, china_holidays

CHINA = china_calendar(2024, 2025, 2026, 2027)
HOLIDAYS = frozenset(china_holidays(2024, 2025, 2026, 2027))
UTC = ZoneInfo("UTC")

starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([SHANGHAI, UTC, ZoneInfo("America/New_York")]),
    allow_imaginary=False,
)
targets = st.integers(min_value=1, max_value=30)


@given(start=starts, n=targets)
def test_the_deadline_is_the_end_of_a_working_day_in_shanghai(start, n):
    deadline = CHINA.add_working_days(start, n)

    assert deadline.tzinfo == SHANGHAI
    assert deadline.timetz().replace(tzinfo=None) == time(23, 59, 59)
    assert CHINA.is_working_day(deadline.date())


@given(start=starts, n=targets)
def test_the_deadline_never_lands_on_a_holiday(start, n):
    assert CHINA.add_working_days(start, n).date() not in HOLIDAYS


@given(start=starts, n=targets)
def test_the_start_day_is_never_counted(start, n):
    start_day = start.astimezone(SHANGHAI).date()
    deadline = CHINA.add_working_days(start, n)

    assert deadline.date() > start_day
    # Exactly n working days lie after the start day, up to and including the deadline's day.
    assert CHINA.working_days_between(start_day, deadline.date()) == n


@given(start=starts, n=targets)
def test_one_more_working_day_gives_a_later_deadline(start, n):
    assert CHINA.add_working_days(start, n + 1) > CHINA.add_working_days(start, n)


@given(start=starts, hours=st.integers(min_value=1, max_value=24 * 60))
def test_an_hour_target_is_exactly_that_many_hours_later(start, hours):
    deadline = CHINA.add_hours(start, hours)

    assert deadline.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    assert deadline.tzinfo == SHANGHAI


@given(start=starts, n=targets)
def test_a_deadline_is_provisional_exactly_when_its_year_is(start, n):
    deadline = CHINA.add_working_days(start, n)

    assert CHINA.is_provisional(deadline) is (deadline.year >= 2027)
