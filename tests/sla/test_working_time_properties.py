"""Properties of working-time arithmetic and of the pause rule, on the real China calendar. No database.

`working_time_between(a, b)` is how much of [a, b) lies on working days; `add_working_time(a, t)` is
the earliest moment at which t of it has passed after a (reminders are placed with them). The pause
rule here is the service's dispatch by unit; the working-day rule itself is in test_waits.py.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.models import Unit
from sla.services.clocks import due_after_pause
from tests.sla.china import SHANGHAI, china_calendar

CHINA = china_calendar(2024, 2025, 2026, 2027)
UTC = ZoneInfo("UTC")
ZERO = timedelta(0)
# Each example walks at most a few months day by day: cheap, but keep the suite quick.
PROPERTIES = settings(max_examples=150, deadline=None)

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2026, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([SHANGHAI, UTC, ZoneInfo("America/New_York")]),
    allow_imaginary=False,
)
amounts = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=40))
spans = st.timedeltas(min_value=ZERO, max_value=timedelta(days=60))
targets = st.integers(min_value=1, max_value=15)


def later(moment: datetime, by: timedelta) -> datetime:
    """`by` of elapsed time after `moment` (aware arithmetic in one zone would be wall-clock time)."""
    return moment.astimezone(UTC) + by


def on_a_working_day(moment: datetime) -> bool:
    """Whether the moment lies inside a working day (its midnight start excluded)."""
    local = moment.astimezone(SHANGHAI)
    return CHINA.is_working_day(local.date()) and local.timetz().replace(tzinfo=None) != time(0)


@PROPERTIES
@given(start=moments, amount=amounts)
def test_adding_working_time_adds_exactly_that_much(start, amount):
    end = CHINA.add_working_time(start, amount)

    assert end > start
    assert CHINA.working_time_between(start, end) == amount
    # it ends on a working day, or at the very midnight that closes one
    assert CHINA.is_working_day(CHINA.local_date(end - timedelta(microseconds=1)))
    assert end.tzinfo == SHANGHAI


@PROPERTIES
@given(start=moments, amount=amounts, more=amounts)
def test_more_working_time_never_ends_earlier(start, amount, more):
    assert CHINA.add_working_time(start, amount + more) > CHINA.add_working_time(start, amount)


@PROPERTIES
@given(start=moments, span=spans)
def test_the_working_time_between_never_exceeds_the_elapsed_time(start, span):
    end = later(start, span)

    between = CHINA.working_time_between(start, end)

    assert ZERO <= between <= end.astimezone(UTC) - start.astimezone(UTC)
    assert CHINA.working_time_between(end, start) == ZERO


@PROPERTIES
@given(start=moments, span=spans)
def test_working_time_taken_back_from_a_working_day_lands_where_it_was(start, span):
    end = later(start, span)
    assume(on_a_working_day(end))

    back = CHINA.add_working_time(start, CHINA.working_time_between(start, end))

    assert back == end


@PROPERTIES
@given(start=moments, span=spans)
def test_working_time_taken_back_from_any_moment_lands_no_later(start, span):
    end = later(start, span)

    back = CHINA.add_working_time(start, CHINA.working_time_between(start, end))

    # from a day off it lands at the end of the last working day before (or at the start)
    assert back <= end
    assert CHINA.working_time_between(back, end) == ZERO


@PROPERTIES
@given(a=moments, first=spans, second=spans)
def test_working_time_adds_up_over_any_split_point(a, first, second):
    b = later(a, first)
    c = later(b, second)

    assert CHINA.working_time_between(a, c) == (
        CHINA.working_time_between(a, b) + CHINA.working_time_between(b, c)
    )


@PROPERTIES
@given(start=moments, amount=amounts, split=st.floats(min_value=0, max_value=1))
def test_adding_working_time_in_two_goes_is_adding_it_at_once(start, amount, split):
    first = amount * split
    halfway = CHINA.add_working_time(start, first)

    assert CHINA.add_working_time(halfway, amount - first) == CHINA.add_working_time(start, amount)


# --- the pause rule -------------------------------------------------------------------------


@st.composite
def waits(draw) -> tuple[datetime, datetime, datetime, datetime]:
    """A working-day deadline D set at `start`, and a wait from P (mostly before D) to R >= P."""
    start = draw(moments)
    due = CHINA.add_working_days(start, draw(targets))
    elapsed = due.astimezone(UTC) - start.astimezone(UTC)
    paused = later(
        start, draw(st.timedeltas(min_value=ZERO, max_value=elapsed + timedelta(days=2)))
    )
    resumed = later(paused, draw(spans))
    return start, due, paused, resumed


@PROPERTIES
@given(wait=waits(), unit=st.sampled_from([Unit.HOURS, Unit.WORKING_DAYS]))
def test_the_service_rule_never_shortens_a_clock(wait, unit):
    _start, due, paused, resumed = wait

    new_due = due_after_pause(
        due_at=due, unit=unit, paused_at=paused, resumed_at=resumed, calendar=CHINA
    )

    assert new_due >= due
    if paused >= due:
        assert new_due == due  # overdue when it stopped: stays overdue
    elif unit == Unit.HOURS:
        assert new_due - resumed == due - paused  # exactly the elapsed time that was left
    else:
        assert new_due == CHINA.deadline_after_wait(due, paused, resumed)


@PROPERTIES
@given(start=moments, hours=st.integers(min_value=1, max_value=72), wait=spans)
def test_an_hour_clock_paused_before_its_deadline_moves_by_exactly_the_wait(start, hours, wait):
    due = CHINA.add_hours(start, hours)
    paused = later(start, (due - start) / 2)
    resumed = later(paused, wait)

    new_due = due_after_pause(
        due_at=due, unit=Unit.HOURS, paused_at=paused, resumed_at=resumed, calendar=CHINA
    )

    assert new_due.astimezone(UTC) - due.astimezone(UTC) == wait


def test_an_hour_clock_counts_elapsed_time_across_a_daylight_saving_change():
    # given times written in a zone with summer time: Sun 2025-03-09 02:00 EST jumps to 03:00 EDT
    new_york = ZoneInfo("America/New_York")
    paused = datetime(2025, 3, 9, 1, tzinfo=new_york)  # 06:00 UTC
    due = datetime(2025, 3, 9, 4, tzinfo=new_york)  # 08:00 UTC: two hours left, not three

    new_due = due_after_pause(
        due_at=due,
        unit=Unit.HOURS,
        paused_at=paused,
        resumed_at=datetime(2025, 3, 10, 10, tzinfo=new_york),
        calendar=CHINA,
    )

    assert new_due == datetime(2025, 3, 10, 12, tzinfo=new_york)
