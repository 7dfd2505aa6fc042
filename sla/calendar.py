"""Working-day arithmetic on a preloaded calendar. Pure: no ORM, no settings, no clock.

The rule (期间开始的当日不计算在内): the day a clock starts is not counted; a target of N working
days ends at 23:59:59 local time on the Nth working day after the local start date. A working day is
a make-up working day (调休), or a day that is neither a day off nor a weekly rest day; make-up days
win over days off, days off win over the weekly rule. Hour targets are elapsed (wall-clock) hours:
nights, weekends and holidays all count.

A wait (a paused clock) is given back in the clock's own unit: an hour clock moves by the elapsed
time it stood still; a working-day clock has the working days it had left counted again after the
day it resumes, so its deadline is still the end of a working day (`deadline_after_wait`).

Build one with `sla.selectors.working_calendar` from the database, or directly in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59, 59)
# A calendar with this many consecutive non-working days is broken (every weekday a rest day, a
# year of days off); the longest real run in mainland China is about ten days.
MAX_NON_WORKING_RUN = 366


class CalendarError(ValueError):
    """The calendar cannot answer: it has no working day within MAX_NON_WORKING_RUN days."""


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    time_zone: ZoneInfo
    rest_weekdays: frozenset[int]  # ISO weekday numbers: 1 Monday ... 7 Sunday
    days_off: frozenset[date]
    working_days: frozenset[date]  # make-up working days and admin overrides
    provisional_years: frozenset[int] = frozenset()
    # Years whose holidays were loaded at all; None means "do not check". A year after all of them
    # is only known by its weekly rest days and not published yet, so a deadline there is provisional.
    loaded_years: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if not self.rest_weekdays <= frozenset(range(1, 8)):
            raise ValueError("rest_weekdays holds ISO weekday numbers 1 (Monday) to 7 (Sunday).")
        if both := self.days_off & self.working_days:
            raise ValueError(f"Days both off and working: {sorted(both)[:5]}")

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            # A datetime is a date subclass; its local date depends on the time zone, so refuse it.
            raise TypeError("Pass a date; use local_date() to turn a moment into one.")
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return day.isoweekday() not in self.rest_weekdays

    def local_date(self, moment: datetime) -> date:
        _require_aware(moment)
        return moment.astimezone(self.time_zone).date()

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The end (23:59:59 local) of the Nth working day after the local date of `start`."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a whole number of working days, at least 1 (got {n!r}).")
        day = self.local_date(start)
        for _ in range(n):
            day = self._next_working_day(day)
        return datetime.combine(day, END_OF_DAY, tzinfo=self.time_zone)

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """`start` plus elapsed hours, in the calendar's time zone.

        Computed in UTC so a daylight-saving change cannot stretch or shrink the target.
        """
        _require_aware(start)
        if hours <= 0:
            raise ValueError(f"hours must be positive (got {hours!r}).")
        return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(self.time_zone)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (the start day is not counted); 0 if end <= start."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) lies on working days (local time); zero if end <= start.

        Reminders are placed with it (a share of a clock's working time).
        """
        _require_aware(start)
        _require_aware(end)
        total = timedelta(0)
        cursor = start.astimezone(self.time_zone)
        stop = end.astimezone(self.time_zone)
        while cursor < stop:
            segment_end = min(self._next_midnight(cursor), stop)
            if self.is_working_day(cursor.date()):
                total += segment_end.astimezone(UTC) - cursor.astimezone(UTC)
            cursor = segment_end
        return total

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment at which `amount` of working-day time has passed after `start`."""
        _require_aware(start)
        if amount <= timedelta(0):
            return start.astimezone(self.time_zone)
        cursor = start.astimezone(self.time_zone)
        remaining = amount
        for _ in range(MAX_NON_WORKING_RUN * 32):
            midnight = self._next_midnight(cursor)
            if self.is_working_day(cursor.date()):
                available = midnight.astimezone(UTC) - cursor.astimezone(UTC)
                if remaining <= available:
                    return (cursor.astimezone(UTC) + remaining).astimezone(self.time_zone)
                remaining -= available
            cursor = midnight
        raise CalendarError("The calendar has too few working days to place this much time.")

    def deadline_after_wait(
        self, due_at: datetime, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """A working-day deadline after the clock stood still from `paused_at` to `resumed_at`.

        Counted the way the rule counts, in whole working days on this calendar: the working days
        still ahead when the clock stopped (after the day it stopped, up to the deadline's day) are
        counted again after the day it resumes, and that day is not counted, like the day a clock
        starts (期间开始的当日不计算在内). So the deadline is again the end (23:59:59 local) of a
        working day; a wait begun and ended on one day moves nothing; a clock stopped on its last
        working day gets the end of the first working day on or after the resume. A clock that
        stopped at or after its deadline stays overdue, and a deadline never moves earlier (a day
        declared off after the clock was planned can leave fewer working days ahead of it).
        """
        for moment in (due_at, paused_at, resumed_at):
            _require_aware(moment)
        due_local = due_at.astimezone(self.time_zone)
        if paused_at >= due_at:
            return due_local
        paused_day = self.local_date(paused_at)
        resumed_day = self.local_date(max(resumed_at, paused_at))
        left = self.working_days_between(paused_day, due_local.date())
        if left:
            day = resumed_day
            for _ in range(left):
                day = self._next_working_day(day)
        elif self.is_working_day(paused_day):
            # Stopped on its last working day, with the rest of that day still to run.
            day = (
                resumed_day
                if self.is_working_day(resumed_day)
                else self._next_working_day(resumed_day)
            )
        else:
            # Stopped on a day off after its last working day: no working time was left.
            return due_local
        return max(due_local, datetime.combine(day, END_OF_DAY, tzinfo=self.time_zone))

    def shift_by_wait(
        self, due_at: datetime, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """An hour deadline after a wait: moved by the elapsed time it stood still.

        In UTC, so a daylight-saving change cannot bend it. A clock that stopped at or after its
        deadline stays overdue.
        """
        for moment in (due_at, paused_at, resumed_at):
            _require_aware(moment)
        if paused_at >= due_at:
            return due_at.astimezone(self.time_zone)
        stood_still = max(resumed_at, paused_at).astimezone(UTC) - paused_at.astimezone(UTC)
        return (due_at.astimezone(UTC) + stood_still).astimezone(self.time_zone)

    def _next_midnight(self, moment: datetime) -> datetime:
        return datetime.combine(moment.date() + timedelta(days=1), time(0), tzinfo=self.time_zone)

    def is_provisional(self, moment: datetime) -> bool:
        """Whether the local date of `moment` (a deadline) lies in a year whose official calendar
        is not published yet: a year loaded as provisional, or one later than every loaded year.

        A year missing before or between loaded ones (last year's history, say) was published long
        ago, and a calendar with no year loaded at all knows nothing to flag: neither is marked
        (`manage.py check` and the daily job deal with missing years). Marking them made every
        deadline of a calendar whose years were not loaded "provisional".
        """
        year = self.local_date(moment).year
        if year in self.provisional_years:
            return True
        if not self.loaded_years or year in self.loaded_years:
            return False
        return year > max(self.loaded_years)

    def _next_working_day(self, after: date) -> date:
        day = after
        for _ in range(MAX_NON_WORKING_RUN):
            try:
                day += timedelta(days=1)
            except OverflowError:
                raise CalendarError(
                    "No working day before the end of the supported dates."
                ) from None
            if self.is_working_day(day):
                return day
        raise CalendarError(
            f"No working day within {MAX_NON_WORKING_RUN} days after {after.isoformat()}: check the "
            "calendar's weekly rest days and days off."
        )


def _require_aware(moment: datetime) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"Expected a datetime, got {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A naive datetime has no place in time; pass an aware one.")
