"""The working-day calculator on real Chinese holidays, worked by hand. No database.

Read each case as: received at <moment> (Asia/Shanghai), target N working days; the start day is
not counted; the listed days are the working days counted, in order; the deadline is 23:59:59 on the
last of them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.calendar import CalendarError, WorkingCalendar
from tests.sla.china import SHANGHAI, china_calendar, china_holidays

UTC = ZoneInfo("UTC")
CHINA = china_calendar(2024, 2025, 2026, 2027)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=SHANGHAI)


# -- the package data the expectations below rely on ------------------------------------------


def test_given_the_2025_notice_spring_festival_and_national_day():
    package = china_holidays(2025)
    days_off = {day for day in package if day.year == 2025}

    # Spring Festival: Tue 1/28 to Tue 2/4 off (Sat 2/1 and Sun 2/2 are weekend anyway).
    assert {date(2025, 1, d) for d in (28, 29, 30, 31)} | {date(2025, 2, 3), date(2025, 2, 4)} <= (
        days_off
    )
    # National Day and Mid-Autumn: Wed 10/1 to Wed 10/8 off (Sat 10/4, Sun 10/5 weekend).
    assert {date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)} <= days_off
    assert {d for d in package.weekend_workdays if d.year == 2025} == {
        date(2025, 1, 26),  # Sunday
        date(2025, 2, 8),  # Saturday
        date(2025, 4, 27),  # Sunday (Labour Day)
        date(2025, 9, 28),  # Sunday
        date(2025, 10, 11),  # Saturday
    }
    assert date(2025, 3, 8) not in days_off  # 妇女节 is a half day: not a day off


def test_given_the_2026_notice_make_up_days():
    package = china_holidays(2026)

    assert {d for d in package.weekend_workdays if d.year == 2026} == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert {date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)} <= set(package)
    assert {date(2026, 10, d) for d in (1, 2, 3, 5, 6, 7)} <= set(package)


# -- is_working_day ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, make-up working day (调休)
        (date(2025, 1, 27), True),  # ordinary Monday
        (date(2025, 1, 29), False),  # Wednesday, 春节
        (date(2025, 2, 1), False),  # Saturday inside the Spring Festival break
        (date(2025, 2, 4), False),  # Tuesday, day off moved from Sat 2/8
        (date(2025, 2, 8), True),  # Saturday, make-up working day
        (date(2025, 3, 8), False),  # Saturday (妇女节 is no day off, but it is a Saturday)
        (date(2025, 3, 10), True),  # ordinary Monday
        (date(2025, 10, 8), False),  # Wednesday, day off moved from Sat 10/11
        (date(2025, 10, 9), True),  # Thursday, back to work
    ],
)
def test_is_working_day(day, working):
    assert CHINA.is_working_day(day) is working


def test_a_womens_day_on_a_weekday_is_a_working_day():
    # 2024-03-08 was a Friday: the half-day holiday (半天假) does not stop the clock.
    assert date(2024, 3, 8).isoweekday() == 5
    assert CHINA.is_working_day(date(2024, 3, 8))


def test_is_working_day_refuses_a_datetime():
    with pytest.raises(TypeError):
        CHINA.is_working_day(local(2025, 1, 27, 9))


# -- add_working_days: Spring Festival 2025 -------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Fri 1/24 + 3: Sat 1/25 rest; Sun 1/26 make-up (1), Mon 1/27 (2); 1/28-2/4 off; Wed 2/5 (3).
        (local(2025, 1, 24, 10), 3, date(2025, 2, 5)),
        # Mon 1/27 + 1: Tue 1/28 to Tue 2/4 are all off; Wed 2/5 (1).
        (local(2025, 1, 27, 9), 1, date(2025, 2, 5)),
        # Wed 2/5 + 3: Thu 2/6 (1), Fri 2/7 (2), Sat 2/8 make-up (3).
        (local(2025, 2, 5, 15, 30), 3, date(2025, 2, 8)),
        # Sat 1/25 (rest day) + 1: Sun 1/26 is a make-up working day (1).
        (local(2025, 1, 25, 11), 1, date(2025, 1, 26)),
    ],
)
def test_spring_festival_2025(start, n, expected):
    assert CHINA.add_working_days(start, n) == end_of(expected)


# -- add_working_days: National Day 2025 ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Fri 9/26 + 3: Sat 9/27 rest; Sun 9/28 make-up (1), Mon 9/29 (2), Tue 9/30 (3).
        (local(2025, 9, 26, 10), 3, date(2025, 9, 30)),
        # Tue 9/30 + 1: 10/1-10/8 off (10/6 中秋, 10/7 and 10/8 moved days off); Thu 10/9 (1).
        (local(2025, 9, 30, 16), 1, date(2025, 10, 9)),
        # Tue 9/30 + 3: Thu 10/9 (1), Fri 10/10 (2), Sat 10/11 make-up (3).
        (local(2025, 9, 30, 16), 3, date(2025, 10, 11)),
        # Sun 9/28, itself a make-up day, is the start day and not counted; + 5:
        # Mon 9/29 (1), Tue 9/30 (2), Thu 10/9 (3), Fri 10/10 (4), Sat 10/11 (5).
        (local(2025, 9, 28, 14), 5, date(2025, 10, 11)),
        # Received during the break, Fri 10/3 + 1: Thu 10/9 (1).
        (local(2025, 10, 3, 12), 1, date(2025, 10, 9)),
    ],
)
def test_national_day_2025(start, n, expected):
    assert CHINA.add_working_days(start, n) == end_of(expected)


# -- add_working_days: 2026 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Across the year end, Wed 2025-12-31 + 1: Thu 1/1 元旦 and Fri 1/2 (moved) off, Sat 1/3
        # rest, Sun 1/4 make-up (1).
        (local(2025, 12, 31, 16), 1, date(2026, 1, 4)),
        # Same start + 3: Sun 1/4 (1), Mon 1/5 (2), Tue 1/6 (3).
        (local(2025, 12, 31, 16), 3, date(2026, 1, 6)),
        # Spring Festival, Fri 2/13 + 1: Sat 2/14 make-up (1).
        (local(2026, 2, 13, 10), 1, date(2026, 2, 14)),
        # Fri 2/13 + 2: Sat 2/14 (1); Sun 2/15 rest, Mon 2/16-Mon 2/23 off; Tue 2/24 (2).
        (local(2026, 2, 13, 10), 2, date(2026, 2, 24)),
        # Fri 2/13 + 6: 2/14 (1), 2/24 (2), 2/25 (3), 2/26 (4), 2/27 (5), Sat 2/28 make-up (6).
        (local(2026, 2, 13, 10), 6, date(2026, 2, 28)),
        # Labour Day, Thu 4/30 + 3: Fri 5/1-Tue 5/5 off; Wed 5/6 (1), Thu 5/7 (2), Fri 5/8 (3).
        (local(2026, 4, 30, 18), 3, date(2026, 5, 8)),
        # Thu 4/30 + 4: ... Fri 5/8 (3), Sat 5/9 make-up (4).
        (local(2026, 4, 30, 18), 4, date(2026, 5, 9)),
        # Mid-Autumn, Thu 9/24 + 1: Fri 9/25 中秋 off, Sat/Sun rest; Mon 9/28 (1).
        (local(2026, 9, 24, 10), 1, date(2026, 9, 28)),
        # Fri 9/18 + 1: Sat 9/19 rest; Sun 9/20 make-up (1).
        (local(2026, 9, 18, 10), 1, date(2026, 9, 20)),
        # National Day, Wed 9/30 + 3: 10/1-10/7 off; Thu 10/8 (1), Fri 10/9 (2), Sat 10/10 (3).
        (local(2026, 9, 30, 17), 3, date(2026, 10, 10)),
    ],
)
def test_working_days_2026(start, n, expected):
    assert CHINA.add_working_days(start, n) == end_of(expected)


def test_the_start_is_read_in_the_calendars_time_zone():
    # 2025-09-28 16:30 UTC is Monday 9/29 00:30 in Shanghai: the start day is Monday, so +1 is
    # Tuesday 9/30 (reading the UTC date, Sunday 9/28, would wrongly give Monday 9/29).
    start = datetime(2025, 9, 28, 16, 30, tzinfo=UTC)

    assert CHINA.add_working_days(start, 1) == end_of(date(2025, 9, 30))


def test_the_deadline_is_the_last_second_of_the_day_in_shanghai():
    deadline = CHINA.add_working_days(local(2025, 9, 26, 10), 3)

    assert deadline.isoformat() == "2025-09-30T23:59:59+08:00"
    assert deadline.astimezone(UTC) == datetime(2025, 9, 30, 15, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("n", [0, -1, True, 1.5, "2"])
def test_n_must_be_a_whole_number_of_at_least_one(n):
    with pytest.raises(ValueError):
        CHINA.add_working_days(local(2025, 1, 2, 9), n)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        CHINA.add_working_days(datetime(2025, 1, 2, 9), 1)
    with pytest.raises(ValueError, match="naive"):
        CHINA.add_hours(datetime(2025, 1, 2, 9), 24)


def test_a_calendar_without_working_days_fails_clearly_instead_of_looping():
    every_day_off = WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset(range(1, 8)),
        days_off=frozenset(),
        working_days=frozenset(),
    )

    with pytest.raises(CalendarError, match="No working day within 366 days"):
        every_day_off.add_working_days(local(2025, 1, 2, 9), 1)


def test_a_long_closure_is_still_crossed():
    # A company closed for all of August 2025 (admin days off): Thu 7/31 + 1 is Mon 9/1.
    august = frozenset(date(2025, 8, 1) + timedelta(days=i) for i in range(31))
    closed = WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset({6, 7}),
        days_off=august,
        working_days=frozenset(),
    )

    assert closed.add_working_days(local(2025, 7, 31, 9), 1) == end_of(date(2025, 9, 1))


def test_a_day_cannot_be_both_off_and_working():
    with pytest.raises(ValueError, match="both off and working"):
        WorkingCalendar(
            time_zone=SHANGHAI,
            rest_weekdays=frozenset({6, 7}),
            days_off=frozenset({date(2025, 1, 26)}),
            working_days=frozenset({date(2025, 1, 26)}),
        )


def test_rest_weekdays_are_iso_numbers():
    with pytest.raises(ValueError, match="ISO weekday"):
        WorkingCalendar(
            time_zone=SHANGHAI,
            rest_weekdays=frozenset({0, 6}),
            days_off=frozenset(),
            working_days=frozenset(),
        )


# -- add_hours ------------------------------------------------------------------------------


def test_hour_targets_run_through_nights_weekends_and_holidays():
    # 24 clock hours from Tue 2025-09-30 10:00 end Wed 10/1 10:00, National Day or not.
    assert CHINA.add_hours(local(2025, 9, 30, 10), 24) == local(2025, 10, 1, 10)
    assert CHINA.add_hours(local(2025, 9, 30, 23), 2) == local(2025, 10, 1, 1)


def test_hour_targets_are_elapsed_hours_across_a_daylight_saving_change():
    london = WorkingCalendar(
        time_zone=ZoneInfo("Europe/London"),
        rest_weekdays=frozenset({6, 7}),
        days_off=frozenset(),
        working_days=frozenset(),
    )
    # Clocks go forward at 01:00 UTC on Sunday 2026-03-29: 24 hours after Saturday noon (GMT)
    # is Sunday 13:00 by the clock on the wall (BST).
    start = datetime(2026, 3, 28, 12, tzinfo=ZoneInfo("Europe/London"))

    deadline = london.add_hours(start, 24)

    # Subtract in UTC: Python subtracts two datetimes sharing one tzinfo by their wall clocks.
    assert deadline.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=24)
    assert (deadline.hour, deadline.utcoffset()) == (13, timedelta(hours=1))


def test_hour_targets_must_be_positive():
    with pytest.raises(ValueError):
        CHINA.add_hours(local(2025, 1, 2, 9), 0)


# -- working_days_between and provisional years ------------------------------------------------


def test_working_days_between_does_not_count_the_start_day():
    # (Fri 9/26, Tue 9/30]: Sun 9/28 make-up, Mon 9/29, Tue 9/30.
    assert CHINA.working_days_between(date(2025, 9, 26), date(2025, 9, 30)) == 3
    # (Tue 9/30, Wed 10/8]: the whole National Day break, no working day.
    assert CHINA.working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert CHINA.working_days_between(date(2025, 9, 30), date(2025, 9, 1)) == 0


def test_a_deadline_in_a_provisional_year_is_marked():
    # Thu 2026-12-31 + 1: Fri 2027-01-01 元旦, weekend; Mon 2027-01-04, in a year with no notice yet.
    deadline = CHINA.add_working_days(local(2026, 12, 31, 10), 1)

    assert deadline == end_of(date(2027, 1, 4))
    assert CHINA.is_provisional(deadline)
    assert not CHINA.is_provisional(CHINA.add_working_days(local(2026, 12, 28, 10), 1))


def test_a_year_never_loaded_is_provisional_too():
    assert CHINA.is_provisional(local(2028, 3, 1, 12))
    assert not CHINA.is_provisional(local(2024, 3, 1, 12))
