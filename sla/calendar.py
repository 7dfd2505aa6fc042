"""Working-day arithmetic on a preloaded calendar. Pure: no ORM, no settings, no clock.

The rule (期间开始的当日不计算在内): the day a clock starts is not counted; a target of N working
days ends at 23:59:59 local time on the Nth working day after the local start date. A working day is
a make-up working day (调休), or a day that is neither a day off nor a weekly rest day; make-up days
win over days off, days off win over the weekly rule. Hour targets are elapsed (wall-clock) hours:
nights, weekends and holidays all count.

A wait (a paused clock) is given back in the clock's own unit: an hour clock moves by the elapsed
time it stood still; a working-day clock has the working days it had left counted again after the
day it resumes, so its deadline is still the end of a working day (`deadline_after_wait`).

Service hours (`ServiceHours`, optional): per weekday one or more periods such as 08:30-12:00 and
13:30-18:00, and exceptions for single dates. A service-hour target is counted only inside those
periods, and only on working days: make-up days (调休) count, days off (holidays) never do. A make-up
day that falls on a weekly rest day without periods of its own keeps the hours of an ordinary
working day (the first working weekday with periods). A wait gives back, after the resume, the
service time that was still ahead when the clock stopped (`service_deadline_after_wait`).

Build one with `sla.selectors.working_calendar` from the database, or directly in tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

END_OF_DAY = time(23, 59, 59)
# A calendar with this many consecutive non-working days is broken (every weekday a rest day, a
# year of days off); the longest real run in mainland China is about ten days.
MAX_NON_WORKING_RUN = 366


MINUTES_PER_DAY = 24 * 60

# A service period: (first minute, end minute) after local midnight, 0 <= start < end <= 1440.
# 1440 is the next midnight, so a night shift is 22:00-24:00 plus 00:00-06:00 the next day.
Period = tuple[int, int]


class CalendarError(ValueError):
    """The calendar cannot answer: it has no working day within MAX_NON_WORKING_RUN days."""


def validate_periods(periods: tuple[Period, ...]) -> None:
    """Raise ValueError unless each period lies in one day, starts before it ends, and the periods
    come in order without overlapping (one may end where the next starts)."""
    previous_end = 0
    for start, end in periods:
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(
                f"A service period must start before it ends within a day: {start, end}"
            )
        if start < previous_end:
            raise ValueError(f"Service periods overlap or are out of order: {periods}")
        previous_end = end


def parse_periods(text: str) -> tuple[Period, ...]:
    """Periods written as "08:30-12:00, 13:30-18:00" (24:00 for midnight at the end); "" is none.

    Raises ValueError on anything else, on a period that does not start before it ends, and on
    overlapping periods. The periods come back in order.
    """
    periods = []
    for part in text.replace("，", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        pieces = part.replace("–", "-").split("-")
        if len(pieces) != 2:
            raise ValueError(f"Not a period: {part!r}")
        periods.append((_minutes(pieces[0]), _minutes(pieces[1])))
    periods.sort()
    result = tuple(periods)
    validate_periods(result)
    return result


def format_periods(periods: tuple[Period, ...]) -> str:
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in periods)


def time_minutes(moment: time, *, end: bool = False) -> int:
    """A time of day as minutes after midnight; as the end of a period, 00:00 is 24:00."""
    minutes = moment.hour * 60 + moment.minute
    return MINUTES_PER_DAY if end and minutes == 0 else minutes


def _minutes(text: str) -> int:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"Not a time of day: {text!r}")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY:
        raise ValueError(f"Not a time of day: {text!r}")
    return value


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class ServiceHours:
    """When the service desk is open: per ISO weekday (index 0 Monday ... 6 Sunday) its periods,
    and dates whose periods differ (an empty tuple: closed that date)."""

    weekly: tuple[tuple[Period, ...], ...]
    dates: Mapping[date, tuple[Period, ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly holds the periods of seven weekdays, Monday first.")
        for periods in (*self.weekly, *self.dates.values()):
            validate_periods(periods)

    @property
    def is_empty(self) -> bool:
        return not any(self.weekly) and not any(self.dates.values())


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
    # None: no service hours set up, so a service-hour target cannot be counted (CalendarError).
    service_hours: ServiceHours | None = None

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

    # -- service hours ---------------------------------------------------------------------------

    @property
    def has_service_hours(self) -> bool:
        return self.service_hours is not None and not self.service_hours.is_empty

    def service_periods(self, day: date) -> tuple[Period, ...]:
        """The service periods of a local date: none on a day that is not a working day."""
        hours = self.service_hours
        if hours is None or not self.is_working_day(day):
            return ()
        if day in hours.dates:
            return hours.dates[day]
        weekday = day.isoweekday()
        own = hours.weekly[weekday - 1]
        if own or weekday not in self.rest_weekdays:
            return own
        # A make-up working day (调休) on a weekly rest day: the hours of an ordinary working day.
        for other in range(1, 8):
            if other not in self.rest_weekdays and hours.weekly[other - 1]:
                return hours.weekly[other - 1]
        return ()

    def add_service_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of service time have passed after `start`.

        A deadline reached exactly at the end of a period is that end (Friday 17:30 + 4 hours with
        08:30-12:00 and 13:30-18:00 is Monday 12:00, not 13:30).
        """
        _require_aware(start)
        if hours <= 0:
            raise ValueError(f"hours must be positive (got {hours!r}).")
        return self.add_service_time(start, timedelta(hours=hours))

    def add_service_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment at which `amount` of service time has passed after `start` (`start` itself
        when `amount` is not positive)."""
        _require_aware(start)
        if amount <= timedelta(0):
            return start.astimezone(self.time_zone)
        remaining = amount
        for opens, closes in self._service_spans(start):
            available = closes - opens
            if remaining <= available:
                return (opens + remaining).astimezone(self.time_zone)
            remaining -= available
        raise CalendarError("The calendar has too little service time to place this much.")

    def service_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) lies in service periods of working days; zero if end <= start."""
        _require_aware(start)
        _require_aware(end)
        total = timedelta(0)
        stop = end.astimezone(UTC)
        if stop <= start.astimezone(UTC):
            return total
        for opens, closes in self._service_spans(start, until=self.local_date(end)):
            if opens >= stop:
                break
            total += min(closes, stop) - opens
        return total

    def service_deadline_after_wait(
        self, due_at: datetime, paused_at: datetime, resumed_at: datetime
    ) -> datetime:
        """A service-hour deadline after the clock stood still from `paused_at` to `resumed_at`.

        The service time still ahead when it stopped (from `paused_at` to `due_at`) is counted again
        from the resume, in service periods only: a wait over a weekend or a night gives back nothing
        but what was left, and a wait that began and ended outside service hours moves nothing. A
        clock that stopped at or after its deadline stays overdue; a deadline never moves earlier.
        """
        for moment in (due_at, paused_at, resumed_at):
            _require_aware(moment)
        due_local = due_at.astimezone(self.time_zone)
        if paused_at >= due_at:
            return due_local
        left = self.service_time_between(paused_at, due_at)
        if left <= timedelta(0):
            return due_local
        moved = self.add_service_time(max(resumed_at, paused_at), left)
        return max(due_local, moved)

    def next_service_start(self, moment: datetime) -> datetime | None:
        """When a message that falls due at `moment` may reach a person on service hours: None when
        `moment` lies in a service period or the calendar has no service hours (nothing waits),
        else the start of the next service period (quiet hours: 22:00 Friday waits until the
        Monday's first period; 12:30 until the afternoon's)."""
        _require_aware(moment)
        if self.service_hours is None or self.service_hours.is_empty:
            return None
        opens, _closes = next(self._service_spans(moment))
        if opens <= moment.astimezone(UTC):
            return None
        return opens.astimezone(self.time_zone)

    def _service_spans(
        self, start: datetime, *, until: date | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """The service periods from `start` on, in UTC, the first one cut at `start`; to the end of
        local date `until` if given, else for as long as asked (CalendarError after a run of
        MAX_NON_WORKING_RUN days without service time)."""
        if self.service_hours is None or self.service_hours.is_empty:
            raise CalendarError("This calendar has no service hours; set them up in the admin.")
        cursor = start.astimezone(UTC)
        day = self.local_date(start)
        empty_run = 0
        while until is None or day <= until:
            periods = self.service_periods(day)
            if periods:
                empty_run = 0
                midnight = datetime.combine(day, time(0), tzinfo=self.time_zone)
                for first, end in periods:
                    # Wall-clock minutes after local midnight, then to UTC: a period keeps its local
                    # times across a daylight-saving change.
                    opens = (midnight + timedelta(minutes=first)).astimezone(UTC)
                    closes = (midnight + timedelta(minutes=end)).astimezone(UTC)
                    if closes > cursor:
                        yield max(opens, cursor), closes
            else:
                empty_run += 1
                if empty_run > MAX_NON_WORKING_RUN:
                    raise CalendarError(
                        f"No service time within {MAX_NON_WORKING_RUN} days after "
                        f"{day.isoformat()}: check the calendar's service hours and days off."
                    )
            try:
                day += timedelta(days=1)
            except OverflowError:
                raise CalendarError(
                    "No service time before the end of the supported dates."
                ) from None

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
