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
