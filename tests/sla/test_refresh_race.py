"""Two refreshes of one calendar at the same moment (beat run twice, an admin clicking too)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sla.models import BusinessCalendar, CalendarDay, CalendarYear
from sla.services import calendar_refresh_from_package


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_load_each_day_once():
    calendar = BusinessCalendar.objects.create(name="竞争", code="race", country="CN")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def refresh() -> None:
        try:
            barrier.wait()
            calendar_refresh_from_package(calendar=calendar, years=[2025, 2026])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert CalendarDay.objects.filter(calendar=calendar).count() == (19 + 5) + (22 + 6)
    assert CalendarYear.objects.filter(calendar=calendar).count() == 2
