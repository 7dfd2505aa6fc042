"""The WorkingCalendar selector: built from the database in a fixed number of queries, cached safely."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sla.models import BusinessCalendar, CalendarDay
from sla.selectors import (
    calendar_for_policy,
    policy_for,
    provisional_years_ahead,
    working_calendar,
)
from sla.services import calendar_confirm_year, calendar_day_set, calendar_refresh_from_package
from tests.sla.china import PROVISIONAL_YEAR, SHANGHAI

pytestmark = pytest.mark.django_db


def test_the_default_calendar_computes_deadlines_from_its_loaded_days(cn):
    calendar_refresh_from_package(calendar=cn, years=[2025, 2026, PROVISIONAL_YEAR])

    calendar = working_calendar()

    # Fri 2025-09-26 + 3: Sun 9/28 (make-up), Mon 9/29, Tue 9/30.
    deadline = calendar.add_working_days(datetime(2025, 9, 26, 10, tzinfo=SHANGHAI), 3)
    assert deadline.isoformat() == "2025-09-30T23:59:59+08:00"
    assert not calendar.is_provisional(deadline)
    # Thu 2026-12-31 + 1 reaches Mon 2027-01-04, a provisional year.
    assert calendar.is_provisional(
        calendar.add_working_days(datetime(2026, 12, 31, 10, tzinfo=SHANGHAI), 1)
    )


def test_a_year_never_loaded_is_provisional(cn):
    calendar_refresh_from_package(calendar=cn, years=[2026])

    assert working_calendar().is_provisional(datetime(2028, 6, 1, tzinfo=SHANGHAI))


def test_query_count_is_small_and_does_not_grow_with_the_days(cn, django_assert_num_queries):
    calendar_refresh_from_package(calendar=cn, years=[2026])
    # calendar row, days, years, service periods, service-hour exceptions (issue 19: the periods
    # ride in the cached copy, so only a rebuild after a change reads them)
    with django_assert_num_queries(5):
        working_calendar()
    with django_assert_num_queries(1):  # cached: only the revision check
        working_calendar()

    calendar_refresh_from_package(calendar=cn, years=[2022, 2023, 2024, 2025])
    with django_assert_num_queries(5):
        calendar = working_calendar()
    assert len(calendar.days_off) > 4 * 15


def test_a_change_is_seen_at_the_next_call(cn, admin_user):
    calendar_refresh_from_package(calendar=cn, years=[2025])
    before = working_calendar()
    assert not before.is_working_day(date(2025, 10, 8))

    calendar_day_set(
        calendar=cn, day=date(2025, 10, 8), kind=CalendarDay.Kind.WORKING_DAY, actor=admin_user
    )

    assert working_calendar().is_working_day(date(2025, 10, 8))


def test_a_policy_from_the_book_checks_its_calendar_without_a_query(
    cn, org, admin_user, django_assert_num_queries
):
    calendar_refresh_from_package(calendar=cn, years=[2025])
    policy = policy_for(severity="general", category=None)
    assert policy is not None
    calendar_for_policy(policy=policy)  # built and kept

    with django_assert_num_queries(0):
        again = calendar_for_policy(policy=policy_for(severity="general", category=None))
    assert not again.is_working_day(date(2025, 10, 8))

    # A day changed by the calendar services (an update of the revision, no signal) drops the
    # book that holds the revision: the next intake counts with the new day.
    calendar_day_set(
        calendar=cn, day=date(2025, 10, 8), kind=CalendarDay.Kind.WORKING_DAY, actor=admin_user
    )
    fresh = calendar_for_policy(policy=policy_for(severity="general", category=None))
    assert fresh.is_working_day(date(2025, 10, 8))


def test_confirming_a_year_is_seen_at_the_next_call(cn, admin_user):
    calendar_refresh_from_package(calendar=cn, years=[PROVISIONAL_YEAR])
    assert working_calendar().provisional_years == {PROVISIONAL_YEAR}

    calendar_confirm_year(calendar=cn, year=PROVISIONAL_YEAR, actor=admin_user)

    assert working_calendar().provisional_years == set()


def test_another_calendar_has_its_own_time_zone_and_rest_days(cn):
    gulf = BusinessCalendar.objects.create(
        name="Dubai", code="ae", country="AE", time_zone="Asia/Dubai", rest_weekdays=[6, 7]
    )
    calendar_refresh_from_package(calendar=gulf, years=[2026])

    calendar = working_calendar(calendar=gulf)

    assert calendar.time_zone.key == "Asia/Dubai"
    assert calendar.rest_weekdays == {6, 7}
    assert working_calendar().time_zone.key == "Asia/Shanghai"


def test_without_a_default_calendar_the_error_says_so(cn):
    BusinessCalendar.objects.filter(pk=cn.pk).update(is_default=False)

    with pytest.raises(BusinessCalendar.DoesNotExist, match="No default"):
        working_calendar()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 6, 1), []),  # 90 days ahead stay in 2026, which has its notice
        (date(2026, 11, 23), [PROVISIONAL_YEAR]),  # deadlines can reach into 2027
        (date(2027, 12, 1), [2027, 2028]),  # 2027 provisional, 2028 never loaded
    ],
)
def test_provisional_years_ahead(cn, today, expected):
    calendar_refresh_from_package(calendar=cn, years=[2026, PROVISIONAL_YEAR])

    assert provisional_years_ahead(calendar=cn, today=today) == expected


def test_a_confirmed_year_needs_no_alert(cn, admin_user):
    calendar_refresh_from_package(calendar=cn, years=[2026, PROVISIONAL_YEAR])
    calendar_confirm_year(calendar=cn, year=PROVISIONAL_YEAR, actor=admin_user)

    assert provisional_years_ahead(calendar=cn, today=date(2026, 11, 23)) == []
