"""A deadline after a wait (sla.calendar: deadline_after_wait, shift_by_wait). Pure: no database.

A working-day clock has the working days it had left when it stopped (after the day it stopped, up to
its deadline's day) counted again after the day it resumes, so its deadline is again the end of a
working day; an hour clock moves by the elapsed time it stood still. Examples on mainland China's
real 2025 calendar (National Day: Wed 10-01 to Wed 10-08 off, Sun 09-28 and Sat 10-11 worked),
then properties over 2025-2026.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import END_OF_DAY
from tests.sla.china import SHANGHAI, china_calendar

CHINA = china_calendar(2025, 2026, 2027)
UTC = ZoneInfo("UTC")
PROPERTIES = settings(max_examples=200, deadline=None)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def after_wait(start: datetime, paused: datetime, resumed: datetime, days: int = 3) -> str:
    """The deadline of a `days`-working-day clock started at `start`, after one wait."""
    due = CHINA.add_working_days(start, days)
    return CHINA.deadline_after_wait(due, paused, resumed).isoformat()


# --- examples: a three-working-day clock --------------------------------------------------------


def test_the_reported_defect_three_seconds_do_not_push_the_deadline_past_midnight():
    # started Mon 11-10 10:00, due Thu 11-13 23:59:59; the old rule gave Fri 00:00:02
    assert (
        after_wait(at(2025, 11, 10, 10), at(2025, 11, 11, 10), at(2025, 11, 11, 10, 0, 3))
        == "2025-11-13T23:59:59+08:00"
    )


@pytest.mark.parametrize(
    ("paused", "resumed"),
    [
        ((2025, 11, 11, 9), (2025, 11, 11, 18)),  # a working day's wait
        ((2025, 11, 10, 10, 0, 1), (2025, 11, 10, 23, 59, 59)),  # the day it started
        ((2025, 11, 13, 8), (2025, 11, 13, 23)),  # its last day
    ],
)
def test_a_wait_begun_and_ended_the_same_day_moves_nothing(paused, resumed):
    assert after_wait(at(2025, 11, 10, 10), at(*paused), at(*resumed)) == (
        "2025-11-13T23:59:59+08:00"
    )


def test_paused_across_a_weekend():
    # started Wed 11-12, due Mon 11-17 (Thu, Fri, Mon); stopped Fri afternoon, back Mon morning:
    # Monday was left, counted again after Monday
    assert (
        after_wait(at(2025, 11, 12, 10), at(2025, 11, 14, 15), at(2025, 11, 17, 10))
        == "2025-11-18T23:59:59+08:00"
    )


def test_a_wait_over_the_weekend_alone_moves_nothing():
    # stopped Fri evening, back Sunday: no working day passed while it stood still
    assert (
        after_wait(at(2025, 11, 12, 10), at(2025, 11, 14, 20), at(2025, 11, 16, 12))
        == "2025-11-17T23:59:59+08:00"
    )


def test_paused_across_a_public_holiday_ending_on_a_make_up_working_day():
    # started Mon 09-29: Tue 09-30, then National Day, then Thu 10-09 and Fri 10-10
    assert CHINA.add_working_days(at(2025, 9, 29, 10), 3).isoformat() == (
        "2025-10-10T23:59:59+08:00"
    )
    # stopped before the holiday, back the first working day after: Thu and Fri were left,
    # counted after Thursday: Fri 10-10 and Sat 10-11, a make-up working day (调休)
    assert (
        after_wait(at(2025, 9, 29, 10), at(2025, 9, 30, 16), at(2025, 10, 9, 9))
        == "2025-10-11T23:59:59+08:00"
    )


def test_paused_across_a_make_up_working_day_counts_it():
    # started Thu 09-25: Fri 09-26, Sun 09-28 (worked), Mon 09-29
    assert CHINA.add_working_days(at(2025, 9, 25, 10), 3).isoformat() == (
        "2025-09-29T23:59:59+08:00"
    )
    # stopped Fri, back Mon: Sun and Mon were left, counted after Monday: Tue, then Thu 10-09
    assert (
        after_wait(at(2025, 9, 25, 10), at(2025, 9, 26, 11), at(2025, 9, 29, 9))
        == "2025-10-09T23:59:59+08:00"
    )


def test_paused_before_the_deadline_and_resumed_after_it():
    start = at(2025, 11, 10, 10)  # due Thu 11-13 23:59:59
    # stopped Wed with Thursday left, back the next Friday: one working day after it, Monday
    assert after_wait(start, at(2025, 11, 12, 10), at(2025, 11, 21, 10)) == (
        "2025-11-24T23:59:59+08:00"
    )
    # stopped on its last day: it gets the rest of the day it comes back on
    assert after_wait(start, at(2025, 11, 13, 15), at(2025, 11, 17, 10)) == (
        "2025-11-17T23:59:59+08:00"
    )
    # ... or of the first working day after, if it comes back on a day off
    assert after_wait(start, at(2025, 11, 13, 15), at(2025, 11, 15, 10)) == (
        "2025-11-17T23:59:59+08:00"
    )


def test_paused_after_the_deadline_stays_overdue():
    start = at(2025, 11, 10, 10)

    assert after_wait(start, at(2025, 11, 14, 0), at(2025, 11, 20, 10)) == (
        "2025-11-13T23:59:59+08:00"
    )


def test_an_hour_clock_moves_by_the_time_it_stood_still():
    due = CHINA.add_hours(at(2025, 11, 10, 10), 72)  # Thu 11-13 10:00

    moved = CHINA.shift_by_wait(due, at(2025, 11, 11, 9, 30), at(2025, 11, 15, 20, 15))

    # 4 days 10 h 45 min later, weekend and all
    assert moved.isoformat() == "2025-11-17T20:45:00+08:00"
    assert CHINA.shift_by_wait(due, due, at(2025, 11, 20)) == due


def test_naive_moments_are_refused():
    due = CHINA.add_working_days(at(2025, 11, 10, 10), 3)

    with pytest.raises(ValueError, match="naive"):
        CHINA.deadline_after_wait(due, datetime(2025, 11, 11), at(2025, 11, 12))


# --- properties ---------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2026, 10, 31),
    timezones=st.sampled_from([SHANGHAI, UTC, ZoneInfo("America/New_York")]),
    allow_imaginary=False,
)
targets = st.integers(min_value=1, max_value=15)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))


def later(moment: datetime, by: timedelta) -> datetime:
    return moment.astimezone(UTC) + by


@st.composite
def waits(draw) -> tuple[datetime, datetime, datetime]:
    """A working-day deadline, and a wait from P (mostly before it) to R >= P."""
    start = draw(moments)
    due = CHINA.add_working_days(start, draw(targets))
    elapsed = due.astimezone(UTC) - start.astimezone(UTC)
    paused = later(
        start, draw(st.timedeltas(min_value=timedelta(0), max_value=elapsed + timedelta(days=2)))
    )
    return due, paused, later(paused, draw(spans))


def local_date(moment: datetime):
    return CHINA.local_date(moment)


@PROPERTIES
@given(wait=waits())
def test_after_any_wait_the_deadline_is_the_end_of_a_working_day(wait):
    due, paused, resumed = wait

    after = CHINA.deadline_after_wait(due, paused, resumed)

    local = after.astimezone(SHANGHAI)
    assert local.timetz().replace(tzinfo=None) == END_OF_DAY
    assert CHINA.is_working_day(local.date())


@PROPERTIES
@given(wait=waits())
def test_a_wait_never_shortens_a_clock_and_an_overdue_one_stays_overdue(wait):
    due, paused, resumed = wait

    after = CHINA.deadline_after_wait(due, paused, resumed)

    assert after >= due
    if paused >= due:
        assert after == due


@PROPERTIES
@given(wait=waits())
def test_the_working_days_left_are_the_working_days_ahead_again(wait):
    due, paused, resumed = wait
    assume(paused < due)
    left = CHINA.working_days_between(local_date(paused), local_date(due))
    assume(left >= 1)

    after = CHINA.deadline_after_wait(due, paused, resumed)

    assert CHINA.working_days_between(local_date(resumed), local_date(after)) == left


@PROPERTIES
@given(wait=waits())
def test_a_wait_within_one_day_moves_nothing(wait):
    due, paused, _resumed = wait
    end_of_that_day = datetime.combine(local_date(paused), time(23, 59, 59), tzinfo=SHANGHAI)
    resumed = min(later(paused, timedelta(hours=1)), end_of_that_day)

    assert CHINA.deadline_after_wait(due, paused, resumed) == due


@PROPERTIES
@given(wait=waits(), more=spans)
def test_coming_back_later_never_gives_an_earlier_deadline(wait, more):
    due, paused, resumed = wait

    assert CHINA.deadline_after_wait(due, paused, later(resumed, more)) >= (
        CHINA.deadline_after_wait(due, paused, resumed)
    )


@PROPERTIES
@given(start=moments, hours=st.integers(min_value=1, max_value=72), wait=spans)
def test_an_hour_clock_stopped_before_its_deadline_moves_by_exactly_the_wait(start, hours, wait):
    due = CHINA.add_hours(start, hours)
    paused = later(start, (due - start) / 2)

    moved = CHINA.shift_by_wait(due, paused, later(paused, wait))

    assert moved.astimezone(UTC) - due.astimezone(UTC) == wait
