"""The pure arithmetic: percentiles as percentile_cont computes them, the rise rule, periods."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.domain import is_rising, percentile, periods_at, weighted_percentile


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([1, 2, 6], 0.5, 2), ([1, 2, 6], 0.9, 5.2), ([4], 0.9, 4), ([0, 2, 2, 8], 0.5, 2)],
)
def test_percentile_interpolates_like_percentile_cont(values, fraction, expected) -> None:
    assert percentile(values, fraction) == pytest.approx(expected)
    counted = [(value, values.count(value)) for value in set(values)]
    assert weighted_percentile(counted, fraction) == pytest.approx(expected)


def test_no_values_no_percentile() -> None:
    assert percentile([], 0.5) is None
    assert weighted_percentile([], 0.5) is None


@pytest.mark.parametrize(
    ("current", "previous", "year_ago", "expected"),
    [
        (6, 3, 2, True),  # +100 % and +200 %
        (6, 4, 4, True),  # exactly +50 %
        (6, 5, 0, False),  # +20 % on the window before
        (5, 0, 0, True),  # from nothing
        (4, 0, 0, False),  # too few
        (10, 2, 8, False),  # +25 % on a year ago
    ],
)
def test_the_rise_rule(current, previous, year_ago, expected) -> None:
    assert (
        is_rising(
            current=current, previous=previous, year_ago=year_ago, min_cases=5, min_percent=50
        )
        is expected
    )


def test_periods_start_at_local_midnight() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    # 23:30 UTC on 30 September is 07:30 on 1 October in Shanghai.
    periods = periods_at(datetime(2026, 9, 30, 23, 30, tzinfo=ZoneInfo("UTC")), shanghai)

    assert periods.today == date(2026, 10, 1)
    assert periods.month_start == datetime(2026, 10, 1, tzinfo=shanghai)
    assert periods.week_start == datetime(2026, 9, 28, tzinfo=shanghai)  # Monday
    assert periods.trend_start == datetime(2025, 11, 1, tzinfo=shanghai)
    assert len(periods.months()) == 12
