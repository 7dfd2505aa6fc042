"""New complaints by local day, week and month; the twelve-month trend; the breakdowns."""

from __future__ import annotations

from datetime import date

from complaints.models import State
from reports.selectors.scope import ReportScope
from reports.selectors.volume import monthly_volume, new_cases, volume_by
from tests.reports.conftest import local

EVERYTHING = ReportScope(departments=None)


def test_new_cases_are_counted_by_local_day_week_and_month(case, periods) -> None:
    # 23:30 on the eve of National Day, Shanghai time: 30 September, whatever UTC says.
    case(local(2026, 9, 30, 23, 30))
    # 07:30 on 1 October in Shanghai is still 30 September in UTC: it is October's.
    case(local(2026, 10, 1, 7, 30))
    case(local(2026, 10, 12, 0, 10))  # Monday just after midnight: this week
    case(local(2026, 10, 14, 0, 5))  # today, though yesterday in UTC
    case(local(2026, 10, 13, 9, 0), state=State.WITHDRAWN)  # withdrawn: still received
    case(local(2026, 10, 14, 9, 0), state=State.REJECTED)  # rejected: still received

    counted = new_cases(scope=EVERYTHING, periods=periods)

    assert (counted.today, counted.week, counted.month) == (2, 4, 5)


def test_the_trend_has_twelve_local_months_this_one_last(case, periods) -> None:
    case(local(2026, 9, 30, 23, 30))  # September's, though 15:30 UTC: same day
    case(local(2026, 10, 1, 7, 30))  # October's, though September in UTC
    case(local(2025, 11, 1, 0, 30))  # the first month of the trend (31 October in UTC)
    case(local(2025, 10, 31, 23, 0))  # thirteen months back: not in the trend

    trend = dict(monthly_volume(scope=EVERYTHING, periods=periods))

    assert list(trend) == [date(2025, 11, 1), date(2025, 12, 1)] + [
        date(2026, month, 1) for month in range(1, 11)
    ]
    assert trend[date(2025, 11, 1)] == 1
    assert trend[date(2026, 9, 1)] == 1
    assert trend[date(2026, 10, 1)] == 1
    assert sum(trend.values()) == 3


def test_breakdowns_count_this_months_cases_by_their_own_values(org, case, periods) -> None:
    case(local(2026, 10, 2), channel="phone", region="上海市", severity="urgent")
    case(local(2026, 10, 3), channel="phone", region="", category=None)
    case(local(2026, 10, 4), channel="email", region="上海市", department=org.legal)
    case(local(2026, 9, 30, 23, 30), channel="email")  # last month

    def shares(dimension: str) -> list[tuple[str, int]]:
        return [
            (share.key, share.count)
            for share in volume_by(scope=EVERYTHING, periods=periods, dimension=dimension)
        ]

    assert shares("channel") == [("phone", 2), ("email", 1)]
    assert shares("region") == [("上海市", 2), ("", 1)]
    assert shares("severity") == [("general", 2), ("urgent", 1)]
    assert shares("department") == [("service", 2), ("legal", 1)]
    assert sorted(shares("category")) == [("", 1), ("repair-quality", 2)]
