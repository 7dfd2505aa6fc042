"""Report periods: months, quarters and years in local days, and the period before."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.domain import (
    ReportPeriod,
    last_full_month,
    last_full_quarter,
    month_period,
    quarter_period,
    year_period,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def test_a_quarter_starts_and_ends_at_local_midnight() -> None:
    span = quarter_period(2026, 4).span(SHANGHAI)

    # 1 October 00:00 in Shanghai is 30 September 16:00 UTC: a case received 23:30 local on
    # 30 September (15:30 UTC) is the third quarter's.
    assert span.start.astimezone(UTC) == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert span.end.astimezone(UTC) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert datetime(2026, 9, 30, 15, 30, tzinfo=UTC) < span.start


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        (month_period(2026, 1), month_period(2025, 12)),
        (month_period(2026, 3), month_period(2026, 2)),
        (quarter_period(2026, 1), quarter_period(2025, 4)),
        (quarter_period(2026, 3), quarter_period(2026, 2)),
        (year_period(2026), year_period(2025)),
        (
            ReportPeriod("custom", date(2026, 9, 10), date(2026, 9, 19)),
            ReportPeriod("custom", date(2026, 8, 31), date(2026, 9, 9)),
        ),
    ],
)
def test_the_period_before(period: ReportPeriod, previous: ReportPeriod) -> None:
    assert period.previous() == previous


def test_quarters_and_months_cover_their_days() -> None:
    assert quarter_period(2026, 1) == ReportPeriod("quarter", date(2026, 1, 1), date(2026, 3, 31))
    assert month_period(2028, 2).last == date(2028, 2, 29)
    assert year_period(2026).days == 365


def test_the_last_full_month_and_quarter() -> None:
    assert last_full_month(date(2026, 1, 1)) == month_period(2025, 12)
    assert last_full_month(date(2026, 10, 31)) == month_period(2026, 9)
    assert last_full_quarter(date(2026, 1, 1)) == quarter_period(2025, 4)
    assert last_full_quarter(date(2026, 7, 1)) == quarter_period(2026, 2)
    assert last_full_quarter(date(2026, 6, 30)) == quarter_period(2026, 1)


def test_a_year_earlier_of_a_leap_day() -> None:
    assert ReportPeriod("custom", date(2028, 2, 29), date(2028, 3, 1)).year_before() == (
        ReportPeriod("custom", date(2027, 2, 28), date(2027, 3, 1))
    )


@pytest.mark.parametrize(
    ("kind", "first", "last"),
    [("week", date(2026, 1, 1), date(2026, 1, 7)), ("custom", date(2026, 1, 2), date(2026, 1, 1))],
)
def test_bad_periods_are_refused(kind: str, first: date, last: date) -> None:
    with pytest.raises(ValueError):
        ReportPeriod(kind, first, last)
    with pytest.raises(ValueError):
        quarter_period(2026, 5)
