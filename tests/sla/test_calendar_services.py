"""Loading the holidays package into a calendar, admin overrides and confirming years."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sla.models import BusinessCalendar, CalendarDay, CalendarYear
from sla.services import (
    calendar_confirm_year,
    calendar_day_delete,
    calendar_day_set,
    calendar_refresh_from_package,
    calendar_save,
)
from tests.factories import UserFactory
from tests.sla.china import PROVISIONAL_YEAR

pytestmark = pytest.mark.django_db

Kind = CalendarDay.Kind
Source = CalendarDay.Source
Status = CalendarYear.Status


def days(calendar, year):
    return {
        row.date: (row.kind, row.source)
        for row in CalendarDay.objects.filter(calendar=calendar, date__year=year)
    }


def test_the_migration_creates_the_default_china_calendar(cn):
    assert (cn.name, cn.country, cn.time_zone, cn.rest_weekdays) == (
        "中国大陆",
        "CN",
        "Asia/Shanghai",
        [6, 7],
    )
    assert cn.is_default and cn.is_active


def test_refresh_loads_confirmed_years_and_a_provisional_one(cn):
    summary = calendar_refresh_from_package(calendar=cn, years=[2025, 2026, PROVISIONAL_YEAR])

    statuses = dict(CalendarYear.objects.filter(calendar=cn).values_list("year", "status"))
    assert statuses == {
        2025: Status.CONFIRMED,
        2026: Status.CONFIRMED,
        PROVISIONAL_YEAR: Status.PROVISIONAL,
    }
    assert summary.provisional_years == [PROVISIONAL_YEAR]
    loaded_2025 = days(cn, 2025)
    assert loaded_2025[date(2025, 1, 29)] == (Kind.DAY_OFF, Source.PACKAGE)
    assert loaded_2025[date(2025, 1, 26)] == (Kind.WORKING_DAY, Source.PACKAGE)
    assert date(2025, 3, 8) not in loaded_2025  # 妇女节 is a half day
    working_2026 = {d for d, (kind, _) in days(cn, 2026).items() if kind == Kind.WORKING_DAY}
    assert working_2026 == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert CalendarDay.objects.get(calendar=cn, date=date(2025, 1, 29)).name == "春节"
    assert not CalendarDay.objects.filter(
        calendar=cn, date__year=PROVISIONAL_YEAR, kind=Kind.WORKING_DAY
    ).exists()
    year = CalendarYear.objects.get(calendar=cn, year=2025)
    assert year.confirmed_source == CalendarYear.Source.PACKAGE
    assert year.confirmed_at and year.loaded_at


def test_refreshing_twice_changes_nothing(cn):
    calendar_refresh_from_package(calendar=cn, years=[2025, 2026, PROVISIONAL_YEAR])
    rows_before = list(
        CalendarDay.objects.filter(calendar=cn).values_list("pk", "date", "kind", "name", "source")
    )
    cn.refresh_from_db()
    revision = cn.revision

    summary = calendar_refresh_from_package(calendar=cn, years=[2025, 2026, PROVISIONAL_YEAR])

    assert [(y.created, y.updated, y.deleted) for y in summary.years] == [(0, 0, 0)] * 3
    assert (
        list(
            CalendarDay.objects.filter(calendar=cn).values_list(
                "pk", "date", "kind", "name", "source"
            )
        )
        == rows_before
    )
    cn.refresh_from_db()
    assert cn.revision == revision  # caches stay valid


def test_an_admin_override_survives_a_refresh(cn, admin_user):
    calendar_refresh_from_package(calendar=cn, years=[2025])
    admin = admin_user
    # The company works on Wed 2025-10-08 (a moved day off) and closes on Wed 2025-12-31.
    calendar_day_set(
        calendar=cn, day=date(2025, 10, 8), kind=Kind.WORKING_DAY, name="值班", actor=admin
    )
    calendar_day_set(
        calendar=cn, day=date(2025, 12, 31), kind=Kind.DAY_OFF, name="年终盘点", actor=admin
    )

    summary = calendar_refresh_from_package(calendar=cn, years=[2025])

    loaded = days(cn, 2025)
    assert loaded[date(2025, 10, 8)] == (Kind.WORKING_DAY, Source.ADMIN)
    assert loaded[date(2025, 12, 31)] == (Kind.DAY_OFF, Source.ADMIN)
    assert summary.years[0].admin_kept == 1
    assert summary.years[0].deleted == 0
    assert CalendarDay.objects.get(calendar=cn, date=date(2025, 10, 8)).updated_by == admin


def test_refresh_removes_package_days_the_package_no_longer_lists(cn):
    calendar_refresh_from_package(calendar=cn, years=[2025])
    CalendarDay.objects.create(
        calendar=cn, date=date(2025, 3, 3), kind=Kind.DAY_OFF, source=Source.PACKAGE
    )
    other_year = CalendarDay.objects.create(
        calendar=cn, date=date(2024, 3, 4), kind=Kind.DAY_OFF, source=Source.PACKAGE
    )
    CalendarDay.objects.filter(calendar=cn, date=date(2025, 1, 29)).update(name="旧名称")

    summary = calendar_refresh_from_package(calendar=cn, years=[2025])

    assert (summary.years[0].deleted, summary.years[0].updated) == (1, 1)
    assert not CalendarDay.objects.filter(calendar=cn, date=date(2025, 3, 3)).exists()
    assert CalendarDay.objects.get(calendar=cn, date=date(2025, 1, 29)).name == "春节"
    assert CalendarDay.objects.filter(pk=other_year.pk).exists()  # other years are left alone


def test_an_administrator_confirms_a_provisional_year_and_a_refresh_keeps_it(cn, admin_user):
    calendar_refresh_from_package(calendar=cn, years=[PROVISIONAL_YEAR])

    row = calendar_confirm_year(calendar=cn, year=PROVISIONAL_YEAR, actor=admin_user)

    assert (row.status, row.confirmed_source, row.confirmed_by) == (
        Status.CONFIRMED,
        CalendarYear.Source.ADMIN,
        admin_user,
    )
    confirmed_at = row.confirmed_at
    calendar_refresh_from_package(calendar=cn, years=[PROVISIONAL_YEAR])
    again = calendar_confirm_year(calendar=cn, year=PROVISIONAL_YEAR, actor=admin_user)
    row.refresh_from_db()
    assert (row.status, row.confirmed_source, row.confirmed_at) == (
        Status.CONFIRMED,
        CalendarYear.Source.ADMIN,
        confirmed_at,
    )
    assert again.confirmed_at == confirmed_at


def test_confirming_and_overriding_need_the_permissions(cn):
    clerk = UserFactory(username="clerk")

    with pytest.raises(PermissionDenied):
        calendar_confirm_year(calendar=cn, year=PROVISIONAL_YEAR, actor=clerk)
    with pytest.raises(PermissionDenied):
        calendar_day_set(calendar=cn, day=date(2025, 12, 31), kind=Kind.DAY_OFF, actor=clerk)
    assert not CalendarYear.objects.filter(calendar=cn, year=PROVISIONAL_YEAR).exists()
    assert not CalendarDay.objects.filter(calendar=cn).exists()


def test_deleting_an_override_brings_back_the_package_day(cn, admin_user):
    calendar_refresh_from_package(calendar=cn, years=[2025])
    override = calendar_day_set(
        calendar=cn, day=date(2025, 10, 8), kind=Kind.WORKING_DAY, actor=admin_user
    )

    restored = calendar_day_delete(calendar_day=override, actor=admin_user)

    assert restored is not None
    assert (restored.kind, restored.source) == (Kind.DAY_OFF, Source.PACKAGE)


def test_package_days_are_overridden_not_deleted(cn):
    calendar_refresh_from_package(calendar=cn, years=[2025])

    with pytest.raises(ValueError):
        calendar_day_delete(
            calendar_day=CalendarDay.objects.get(calendar=cn, date=date(2025, 1, 29)), actor=None
        )


def test_making_another_calendar_the_default_takes_the_role_from_the_old_one(cn):
    hong_kong = BusinessCalendar(
        name="香港", code="hk", country="HK", time_zone="Asia/Hong_Kong", is_default=True
    )

    calendar_save(calendar=hong_kong)

    assert list(BusinessCalendar.objects.filter(is_default=True)) == [hong_kong]


def test_the_database_allows_one_default_only(cn):
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessCalendar.objects.create(name="第二", code="second", country="CN", is_default=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus"),
        ("time_zone", "../../etc/passwd"),
        ("rest_weekdays", [0, 6]),
        ("rest_weekdays", [1, 2, 3, 4, 5, 6, 7]),
        ("rest_weekdays", "6,7"),
        ("country", "XX"),
        ("subdivision", "ZZ"),
    ],
)
def test_calendar_settings_are_validated(field, value):
    calendar = BusinessCalendar(name="测试", code="test", country="CN", time_zone="Asia/Shanghai")
    setattr(calendar, field, value)

    with pytest.raises(ValidationError) as caught:
        calendar.full_clean()
    assert field in caught.value.message_dict


def test_the_default_cannot_simply_be_unticked(cn):
    cn.is_default = False

    with pytest.raises(ValidationError) as caught:
        cn.full_clean()
    assert "is_default" in caught.value.message_dict
