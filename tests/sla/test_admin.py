"""Calendars in the admin: every change goes through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sla.models import BusinessCalendar, CalendarDay, CalendarYear
from sla.selectors import working_calendar
from sla.services import calendar_refresh_from_package
from tests.sla.china import PROVISIONAL_YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(cn):
    calendar_refresh_from_package(calendar=cn, years=[2025, PROVISIONAL_YEAR])
    return cn


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:sla_businesscalendar_changelist"),
        reverse("admin:sla_calendarday_changelist") + "?year=2025&kind__exact=working_day",
        reverse("admin:sla_calendaryear_changelist") + "?status__exact=provisional",
    ],
)
def test_the_lists_open(admin_client, loaded, url):
    assert admin_client.get(url).status_code == 200


def test_the_calendar_page_opens(admin_client, loaded):
    url = reverse("admin:sla_businesscalendar_change", args=[loaded.pk])

    assert admin_client.get(url).status_code == 200


def test_a_day_added_in_the_admin_is_the_administrators(admin_client, admin_user, loaded):
    response = admin_client.post(
        reverse("admin:sla_calendarday_add"),
        {"calendar": loaded.pk, "date": "2025-12-31", "kind": "day_off", "name": "年终盘点"},
    )

    assert response.status_code == 302
    day = CalendarDay.objects.get(calendar=loaded, date=date(2025, 12, 31))
    assert (day.source, day.updated_by) == (CalendarDay.Source.ADMIN, admin_user)
    assert not working_calendar().is_working_day(date(2025, 12, 31))


def test_editing_a_package_day_makes_it_an_override(admin_client, loaded):
    day = CalendarDay.objects.get(calendar=loaded, date=date(2025, 10, 8))

    admin_client.post(
        reverse("admin:sla_calendarday_change", args=[day.pk]),
        {"kind": "working_day", "name": "值班"},
    )

    day.refresh_from_db()
    assert (day.kind, day.source) == (CalendarDay.Kind.WORKING_DAY, CalendarDay.Source.ADMIN)
    calendar_refresh_from_package(calendar=loaded, years=[2025])
    day.refresh_from_db()
    assert day.kind == CalendarDay.Kind.WORKING_DAY


def test_the_confirm_action_confirms_selected_years(admin_client, admin_user, loaded):
    year = CalendarYear.objects.get(calendar=loaded, year=PROVISIONAL_YEAR)

    admin_client.post(
        reverse("admin:sla_calendaryear_changelist"),
        {"action": "confirm_years", "_selected_action": [year.pk]},
    )

    year.refresh_from_db()
    assert (year.status, year.confirmed_by) == (CalendarYear.Status.CONFIRMED, admin_user)


def test_a_new_default_calendar_from_the_admin_replaces_the_old_one(admin_client, loaded):
    response = admin_client.post(
        reverse("admin:sla_businesscalendar_add"),
        {
            "name": "香港",
            "code": "hk",
            "country": "HK",
            "subdivision": "",
            "time_zone": "Asia/Hong_Kong",
            "rest_weekdays": "[7]",
            "is_default": "on",
            "is_active": "on",
            "service_periods-TOTAL_FORMS": "0",
            "service_periods-INITIAL_FORMS": "0",
            "service_days-TOTAL_FORMS": "0",
            "service_days-INITIAL_FORMS": "0",
            "years-TOTAL_FORMS": "0",
            "years-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert list(
        BusinessCalendar.objects.filter(is_default=True).values_list("code", flat=True)
    ) == ["hk"]
    assert working_calendar().rest_weekdays == {7}
