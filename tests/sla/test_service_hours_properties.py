"""Service hours against a minute-by-minute brute-force counter, on any periods, dates and waits.

The counter walks every minute of UTC time and asks, for each, whether its local date is a working
day and its local time of day lies inside one of that date's service periods. The calculator must
agree with it to the minute: the service time between two moments, the deadline of a target, and the
deadline after a wait (the service time left when the clock stopped, counted again from the resume).
No database.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import Period, ServiceHours, WorkingCalendar
from tests.sla.china import china_calendar

CHINA = china_calendar(2025, 2026)
BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
PROPERTIES = settings(max_examples=150, deadline=None)


@st.composite
def day_periods(draw: st.DrawFn, *, earliest: int = 0) -> tuple[Period, ...]:
    """Up to three ordered, non-overlapping periods on whole minutes (a 15-minute grid keeps the
    examples readable; the moments tested are on any minute)."""
    marks = sorted(set(draw(st.lists(st.integers(earliest // 15, 96), min_size=0, max_size=6))))
    if len(marks) % 2:
        marks = marks[:-1]
    return tuple((marks[i] * 15, marks[i + 1] * 15) for i in range(0, len(marks), 2))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """China's real 2025-2026 days with random weekly periods and date exceptions; or, in a zone
    with daylight saving, periods clear of the night hours its clocks change in."""
    if draw(st.booleans()):
        base, earliest = CHINA, 0
    else:
        base = dataclasses.replace(CHINA, time_zone=BERLIN)
        earliest = 4 * 60
    weekly = tuple(draw(day_periods(earliest=earliest)) for _ in range(7))
    assume(any(weekly))
    exception_days = draw(
        st.lists(st.dates(date(2025, 9, 20), date(2025, 11, 10)), max_size=4, unique=True)
    )
    dates = {day: draw(day_periods(earliest=earliest)) for day in exception_days}
    return dataclasses.replace(base, service_hours=ServiceHours(weekly=weekly, dates=dates))


moments = st.datetimes(
    min_value=datetime(2025, 9, 20), max_value=datetime(2025, 11, 10), timezones=st.just(UTC)
).map(lambda moment: moment.replace(second=0, microsecond=0))


def enough(calendar: WorkingCalendar, minutes: int) -> int:
    """At most a week's service time, so the brute-force walk stays within a few weeks."""
    assert calendar.service_hours is not None
    week = sum(end - start for periods in calendar.service_hours.weekly for start, end in periods)
    return max(1, min(minutes, week))


def in_service(calendar: WorkingCalendar, minute: datetime) -> bool:
    local = minute.astimezone(calendar.time_zone)
    of_day = local.hour * 60 + local.minute
    return any(start <= of_day < end for start, end in calendar.service_periods(local.date()))


def brute_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    total, minute = timedelta(0), start
    while minute < end:
        total += MINUTE if in_service(calendar, minute) else timedelta(0)
        minute += MINUTE
    return total


def brute_deadline(calendar: WorkingCalendar, start: datetime, minutes: int) -> datetime:
    """The end of the `minutes`-th service minute from `start`."""
    minute, left = start, minutes
    while True:
        if in_service(calendar, minute):
            left -= 1
            if left == 0:
                return minute + MINUTE
        minute += MINUTE


@PROPERTIES
@given(calendar=calendars(), start=moments, length=st.integers(0, 6 * 24 * 60))
def test_service_time_between_matches_the_brute_force_count(calendar, start, length):
    end = start + timedelta(minutes=length)
    assert calendar.service_time_between(start, end) == brute_between(calendar, start, end)


@PROPERTIES
@given(calendar=calendars(), start=moments, minutes=st.integers(1, 30 * 60))
def test_the_deadline_matches_the_brute_force_walk(calendar, start, minutes):
    minutes = enough(calendar, minutes)
    deadline = calendar.add_service_time(start, timedelta(minutes=minutes))

    assert deadline.astimezone(UTC) == brute_deadline(calendar, start, minutes)
    assert deadline.tzinfo == calendar.time_zone
    # exactly that much service time lies between, and the deadline is inside or at the end
    # of a period of a working day
    assert calendar.service_time_between(start, deadline) == timedelta(minutes=minutes)
    assert in_service(calendar, deadline.astimezone(UTC) - MINUTE)


@PROPERTIES
@given(
    calendar=calendars(),
    start=moments,
    minutes=st.integers(1, 20 * 60),
    pause_after=st.integers(0, 3 * 24 * 60),
    wait=st.integers(0, 5 * 24 * 60),
)
def test_a_wait_gives_back_exactly_the_service_time_left(
    calendar, start, minutes, pause_after, wait
):
    minutes = enough(calendar, minutes)
    due = calendar.add_service_time(start, timedelta(minutes=minutes)).astimezone(UTC)
    paused = start + timedelta(minutes=pause_after)
    resumed = paused + timedelta(minutes=wait)

    after = calendar.service_deadline_after_wait(due, paused, resumed).astimezone(UTC)

    if paused >= due:
        assert after == due  # stopped after its deadline: stays overdue
        return
    left = brute_between(calendar, paused, due)
    assert after >= due
    if left:
        assert after == brute_deadline(calendar, resumed, left // MINUTE)
        # the service time run before the wait and after it add up to the target
        run = brute_between(calendar, start, paused) + brute_between(calendar, resumed, after)
        assert run == timedelta(minutes=minutes)
    else:
        assert after == due


@PROPERTIES
@given(calendar=calendars(), start=moments, minutes=st.integers(1, 20 * 60))
def test_more_service_time_never_gives_an_earlier_deadline(calendar, start, minutes):
    minutes = enough(calendar, minutes)
    shorter = calendar.add_service_time(start, timedelta(minutes=minutes))
    longer = calendar.add_service_time(start, timedelta(minutes=minutes + 1))
    assert longer > shorter
