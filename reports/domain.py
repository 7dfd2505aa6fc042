"""Pure arithmetic of the reports: local periods, percentiles of counted values, the rise rule.

No ORM, no settings: the selectors pass in the moment, the time zone and the thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Backlog ageing: (label key, first day, last day or None) in whole calendar days since receipt.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3", 0, 3),
    ("4-7", 4, 7),
    ("8-15", 8, 15),
    ("16-30", 16, 30),
    ("31+", 31, None),
)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first moment of a local calendar day, as an aware datetime (compare with UTC columns)."""
    return datetime.combine(day, time.min, tzinfo=tz)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Span:
    """A stretch of time [start, end): aware datetimes, the end not included.

    The dashboard counts "this month so far" (`Periods.month_so_far`), a report a chosen period
    (cut at the moment it is read); the selectors of the figures take either.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a span cannot end before it starts")


# The smallest step of a PostgreSQL (and Django) timestamp: `< now + TICK` is `<= now`.
TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Periods:
    """The local days a dashboard counts by, all at local midnight of settings.TIME_ZONE.

    A week starts on Monday. `trend_start` is the first day of the month eleven months back, so
    the trend shows twelve months with the current one last.
    """

    now: datetime
    today: date
    day_start: datetime
    week_start: datetime
    month_start: datetime
    trend_start: datetime
    tz: ZoneInfo

    def days_ago(self, days: int) -> datetime:
        """Local midnight `days` calendar days before today."""
        return local_midnight(self.today - timedelta(days=days), self.tz)

    def month_so_far(self) -> Span:
        """This local month up to and including `now`: the dashboard's "this month"."""
        return Span(self.month_start, self.now + TICK)

    def months(self) -> list[date]:
        """The first days of the trend's twelve months, oldest first."""
        first = self.trend_start.date()
        return [add_months(first, offset) for offset in range(12)]


def periods_at(now: datetime, tz: ZoneInfo) -> Periods:
    today = now.astimezone(tz).date()
    month = today.replace(day=1)
    return Periods(
        now=now,
        today=today,
        day_start=local_midnight(today, tz),
        week_start=local_midnight(today - timedelta(days=today.weekday()), tz),
        month_start=local_midnight(month, tz),
        trend_start=local_midnight(add_months(month, -11), tz),
        tz=tz,
    )


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over values already sorted: linear between the two nearest."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def percentile_positions(count: int, fraction: float) -> tuple[int, int]:
    """The 1-based row numbers percentile_cont reads among `count` sorted values."""
    position = fraction * (count - 1)
    return math.floor(position) + 1, math.ceil(position) + 1


def interpolate(values_at: dict[int, float], count: int, fraction: float) -> float | None:
    """percentile_cont from the rows fetched at `percentile_positions` (row number -> value)."""
    if not count:
        return None
    low, high = percentile_positions(count, fraction)
    position = fraction * (count - 1)
    return values_at[low] + (values_at[high] - values_at[low]) * (position - math.floor(position))


def weighted_percentile(counted: Iterable[tuple[float, int]], fraction: float) -> float | None:
    """percentile_cont over a histogram (value, how many times), without expanding it."""
    pairs = sorted((value, count) for value, count in counted if count)
    total = sum(count for _value, count in pairs)
    if not total:
        return None
    low, high = percentile_positions(total, fraction)

    def value_at(row: int) -> float:
        seen = 0
        for value, count in pairs:
            seen += count
            if row <= seen:
                return value
        return pairs[-1][0]

    return interpolate({low: value_at(low), high: value_at(high)}, total, fraction)


def rise_percent(current: int, base: int) -> float | None:
    """How much `current` is above `base`, in percent; None when there was nothing before."""
    if base == 0:
        return None
    return (current - base) * 100 / base


def is_rising(
    *, current: int, previous: int, year_ago: int, min_cases: int, min_percent: int
) -> bool:
    """The recurring-problem rule: enough cases, and up by `min_percent` against both bases.

    A base of zero counts as a rise (from nothing), provided the current count is large enough.
    """
    if current < min_cases:
        return False
    for base in (previous, year_ago):
        rise = rise_percent(current, base)
        if rise is not None and rise < min_percent:
            return False
    return True


# The periods a report covers; "custom" is any run of local days.
PERIOD_KINDS = ("month", "quarter", "year", "custom")


@dataclass(frozen=True)
class ReportPeriod:
    """Local calendar days `first` to `last` (both included) of one kind of period."""

    kind: str
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise ValueError(f"unknown period kind: {self.kind!r}")
        if self.last < self.first:
            raise ValueError("a period cannot end before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def span(self, tz: ZoneInfo) -> Span:
        """From local midnight of the first day to local midnight after the last."""
        return Span(local_midnight(self.first, tz), local_midnight(self.last + timedelta(1), tz))

    def previous(self) -> ReportPeriod:
        """The period just before: the month, quarter or year before, or as many days before."""
        months = {"month": 1, "quarter": 3, "year": 12}.get(self.kind)
        if months is None:
            return ReportPeriod(
                self.kind, self.first - timedelta(days=self.days), self.first - timedelta(1)
            )
        return ReportPeriod(self.kind, add_months(self.first, -months), self.first - timedelta(1))

    def year_before(self) -> ReportPeriod:
        """The same days a year earlier (29 February reads as the 28th)."""
        return ReportPeriod(self.kind, _year_earlier(self.first), _year_earlier(self.last))

    @property
    def quarter(self) -> int:
        return (self.first.month - 1) // 3 + 1


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def month_period(year: int, month: int) -> ReportPeriod:
    first = date(year, month, 1)
    return ReportPeriod("month", first, add_months(first, 1) - timedelta(1))


def quarter_period(year: int, quarter: int) -> ReportPeriod:
    if not 1 <= quarter <= 4:
        raise ValueError("a quarter is 1 to 4")
    first = date(year, 3 * quarter - 2, 1)
    return ReportPeriod("quarter", first, add_months(first, 3) - timedelta(1))


def year_period(year: int) -> ReportPeriod:
    return ReportPeriod("year", date(year, 1, 1), date(year, 12, 31))


def last_full_month(today: date) -> ReportPeriod:
    """The month before the one `today` is in: a report's default period."""
    first = add_months(today, -1)
    return month_period(first.year, first.month)


def last_full_quarter(today: date) -> ReportPeriod:
    """The quarter before the one `today` is in."""
    current = quarter_period(today.year, (today.month - 1) // 3 + 1)
    return current.previous()
