"""Service hours on the pure calculator (sla.calendar), worked by hand on real dates. No database.

The desk of these examples is open Monday to Friday 08:30-12:00 and 13:30-18:00 (eight service hours
a day) on mainland China's real calendar: National Day 2025 is Wed 10-01 to Wed 10-08 off, Sun 09-28
and Sat 10-11 are make-up working days (调休).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from sla.calendar import (
    CalendarError,
    ServiceHours,
    WorkingCalendar,
    format_periods,
    parse_periods,
)
from tests.sla.china import SHANGHAI, china_calendar

OFFICE = ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 18 * 60))
WEEKDAYS_ONLY = ServiceHours(weekly=(OFFICE,) * 5 + ((), ()))
CHINA = dataclasses.replace(china_calendar(2025, 2026, 2027), service_hours=WEEKDAYS_ONLY)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def due(start: datetime, hours: float, calendar: WorkingCalendar = CHINA) -> str:
    return calendar.add_service_hours(start, hours).isoformat()


# --- the cases ----------------------------------------------------------------------------


def test_friday_half_past_five_with_a_four_service_hour_target():
    # Fri 12-05 17:30-18:00 is half an hour; Mon 12-08 08:30-12:00 the other three and a half:
    # due at the end of the morning period, not at 13:30 after lunch
    assert due(at(2025, 12, 5, 17, 30), 4) == "2025-12-08T12:00:00+08:00"


def test_across_a_lunch_break():
    # Tue 11:00: one hour to 12:00, lunch does not count, the next hour from 13:30
    assert due(at(2025, 11, 11, 11), 2) == "2025-11-11T14:30:00+08:00"
    # received during lunch: the clock starts with the afternoon period
    assert due(at(2025, 11, 11, 12, 45), 1) == "2025-11-11T14:30:00+08:00"


def test_across_national_day_to_the_make_up_saturday():
    # Tue 09-30 17:00: one hour that day; 10-01 to 10-08 off; Thu 10-09 and Fri 10-10 eight each;
    # Sat 10-11 is a make-up working day with an ordinary day's hours: 08:30 + 1 hour
    assert due(at(2025, 9, 30, 17), 18) == "2025-10-11T09:30:00+08:00"
    # the make-up Sunday before the holiday counts too: from Fri 09-26 17:00, one hour, then
    # Sun 09-28 08:30-12:00 and 13:30-17:00
    assert due(at(2025, 9, 26, 17), 8) == "2025-09-28T17:00:00+08:00"


def test_a_holiday_on_a_weekday_has_no_service_hours():
    assert CHINA.service_periods(date(2025, 10, 1)) == ()
    assert CHINA.service_periods(date(2025, 10, 11)) == OFFICE  # the make-up Saturday
    assert CHINA.service_periods(date(2025, 10, 12)) == ()  # an ordinary Sunday


def test_received_at_night_starts_at_the_next_opening():
    assert due(at(2025, 11, 11, 23, 10), 1) == "2025-11-12T09:30:00+08:00"
    assert due(at(2025, 11, 15, 10), 1) == "2025-11-17T09:30:00+08:00"  # a Saturday


def test_a_pause_over_a_weekend():
    # 4 service hours from Fri 12-05 10:00 -> due Fri 15:30 (10:00-12:00, 13:30-15:30).
    started = at(2025, 12, 5, 10)
    planned = CHINA.add_service_hours(started, 4)
    assert planned.isoformat() == "2025-12-05T15:30:00+08:00"
    # stopped Fri 14:30 with one service hour left; the customer answers on Sunday: the hour
    # is given back from Monday's opening
    after = CHINA.service_deadline_after_wait(planned, at(2025, 12, 5, 14, 30), at(2025, 12, 7, 11))
    assert after.isoformat() == "2025-12-08T09:30:00+08:00"
    # stopped Fri 14:30, back Fri 20:00 (outside service hours): the same
    after = CHINA.service_deadline_after_wait(planned, at(2025, 12, 5, 14, 30), at(2025, 12, 5, 20))
    assert after.isoformat() == "2025-12-08T09:30:00+08:00"


def test_a_wait_outside_service_hours_moves_nothing():
    planned = CHINA.add_service_hours(at(2025, 12, 5, 17), 4)  # Mon 12-08 11:30
    after = CHINA.service_deadline_after_wait(planned, at(2025, 12, 5, 19), at(2025, 12, 7, 9))
    assert after == planned


def test_a_clock_paused_after_its_deadline_stays_overdue():
    planned = CHINA.add_service_hours(at(2025, 12, 5, 10), 1)
    after = CHINA.service_deadline_after_wait(planned, at(2025, 12, 5, 16), at(2025, 12, 8, 16))
    assert after == planned


def test_service_time_between_counts_only_periods_of_working_days():
    assert CHINA.service_time_between(at(2025, 12, 5, 17, 30), at(2025, 12, 8, 12)) == timedelta(
        hours=4
    )
    assert CHINA.service_time_between(at(2025, 9, 30, 0), at(2025, 10, 9, 0)) == timedelta(hours=8)
    assert CHINA.service_time_between(at(2025, 12, 8), at(2025, 12, 5)) == timedelta(0)


# --- exceptions per date, night shifts, other weekdays ----------------------------------------------


def test_a_date_exception_gives_other_hours_or_none():
    calendar = dataclasses.replace(
        CHINA,
        service_hours=ServiceHours(
            weekly=WEEKDAYS_ONLY.weekly,
            dates={date(2025, 12, 8): ((9 * 60, 11 * 60),), date(2025, 12, 9): ()},
        ),
    )
    # Fri 17:30: half an hour; Mon 12-08 09:00-11:00 two; Tue closed; Wed 08:30 + 1.5
    assert due(at(2025, 12, 5, 17, 30), 4, calendar) == "2025-12-10T10:00:00+08:00"


def test_an_exception_does_not_open_a_holiday():
    calendar = dataclasses.replace(
        CHINA,
        service_hours=ServiceHours(
            weekly=WEEKDAYS_ONLY.weekly, dates={date(2025, 10, 1): ((9 * 60, 17 * 60),)}
        ),
    )
    assert calendar.service_periods(date(2025, 10, 1)) == ()


def test_a_night_shift_runs_over_midnight():
    night = ((0, 6 * 60), (22 * 60, 24 * 60))
    calendar = WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset(),
        days_off=frozenset(),
        working_days=frozenset(),
        service_hours=ServiceHours(weekly=(night,) * 7),
    )
    assert due(at(2025, 12, 5, 23), 3, calendar) == "2025-12-06T02:00:00+08:00"


def test_a_store_open_at_weekends():
    weekend = ((10 * 60, 20 * 60),)
    calendar = WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset({1, 2}),  # closed Monday and Tuesday
        days_off=frozenset(),
        working_days=frozenset(),
        service_hours=ServiceHours(weekly=((), (), *(weekend,) * 5)),
    )
    # Sun 19:00: one hour, then Wednesday 10:00 + 1
    assert due(at(2025, 12, 7, 19), 2, calendar) == "2025-12-10T11:00:00+08:00"


def test_a_calendar_without_service_hours_cannot_count_them():
    with pytest.raises(CalendarError):
        china_calendar(2025).add_service_hours(at(2025, 12, 5, 10), 4)
    empty = dataclasses.replace(CHINA, service_hours=ServiceHours(weekly=((),) * 7))
    with pytest.raises(CalendarError):
        empty.add_service_hours(at(2025, 12, 5, 10), 4)


@pytest.mark.parametrize("hours", [0, -1])
def test_a_target_is_positive(hours):
    with pytest.raises(ValueError):
        CHINA.add_service_hours(at(2025, 12, 5, 10), hours)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        CHINA.add_service_hours(datetime(2025, 12, 5, 10), 1)


# --- periods: validation and the text form the admin uses ---------------------------------------------


@pytest.mark.parametrize(
    "monday",
    [
        ((600, 540),),  # ends before it starts
        ((540, 540),),  # empty
        ((540, 720), (700, 800)),  # overlapping
        ((700, 800), (540, 600)),  # out of order
        ((0, 1441),),  # beyond the day
    ],
)
def test_bad_periods_are_refused(monday):
    with pytest.raises(ValueError):
        ServiceHours(weekly=(monday, *((),) * 6))
    with pytest.raises(ValueError):
        ServiceHours(weekly=WEEKDAYS_ONLY.weekly, dates={date(2025, 12, 8): monday})


def test_seven_weekdays_are_required():
    with pytest.raises(ValueError):
        ServiceHours(weekly=(OFFICE,) * 5)


def test_periods_as_text():
    assert parse_periods("13:30-18:00, 08:30-12:00") == OFFICE
    assert parse_periods("08:30–12:00，13:30-18:00") == OFFICE
    assert parse_periods("") == ()
    assert parse_periods("22:00-24:00") == ((1320, 1440),)
    assert format_periods(OFFICE) == "08:30-12:00, 13:30-18:00"
    for bad in ("8-12", "09:00-08:00", "09:00-12:00, 11:00-13:00", "25:00-26:00", "09:60-10:00"):
        with pytest.raises(ValueError):
            parse_periods(bad)
