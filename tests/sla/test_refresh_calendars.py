"""The command, the Celery task and the beat schedule all reach the same refresh service."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from sla.models import BusinessCalendar, CalendarYear
from sla.tasks import refresh_calendars_task
from tests.sla.china import PROVISIONAL_YEAR, SHANGHAI

pytestmark = pytest.mark.django_db


def test_the_command_loads_last_this_and_next_year_and_names_the_provisional_one(cn):
    out = StringIO()

    with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=SHANGHAI), tick=False):
        call_command("refresh_calendars", stdout=out)

    text = out.getvalue()
    assert "2025: confirmed" in text
    assert "2026: confirmed" in text
    assert f"{PROVISIONAL_YEAR}: provisional" in text
    assert (
        f"Provisional (no official notice in the holidays package yet): {PROVISIONAL_YEAR}" in text
    )
    assert set(CalendarYear.objects.filter(calendar=cn).values_list("year", flat=True)) == {
        2025,
        2026,
        2027,
    }


def test_the_command_takes_years_and_one_calendar(cn):
    BusinessCalendar.objects.create(name="Inactive", code="old", country="CN", is_active=False)
    out = StringIO()

    call_command("refresh_calendars", "--years", "2025", "--calendar", "cn", stdout=out)

    assert "2025: confirmed; package lists 19 days off and 5 make-up working days" in out.getvalue()
    assert list(CalendarYear.objects.values_list("calendar__code", "year")) == [("cn", 2025)]


def test_the_command_refuses_an_unknown_calendar(cn):
    with pytest.raises(CommandError):
        call_command("refresh_calendars", "--calendar", "nowhere", stdout=StringIO())


def test_the_task_refreshes_every_active_calendar(cn):
    BusinessCalendar.objects.create(name="Inactive", code="old", country="CN", is_active=False)

    result = refresh_calendars_task.apply(kwargs={"years": [2026, PROVISIONAL_YEAR]}).get()

    assert result == {"cn": [PROVISIONAL_YEAR]}
    assert not CalendarYear.objects.filter(calendar__code="old").exists()


def test_the_migration_schedules_the_task_monthly(db):
    task = PeriodicTask.objects.get(task="sla.tasks.refresh_calendars_task")

    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("30", "3", "1")
