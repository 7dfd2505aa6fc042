"""Read queries about calendars: the pure WorkingCalendar the deadline code computes with."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from sla.calendar import WorkingCalendar
from sla.models import BusinessCalendar, CalendarDay, CalendarYear

# calendar id -> (what the cached copy was built from, the copy). Per process; a copy is reused
# only while the calendar row still has the same revision, time zone and rest days.
_cache: dict[int, tuple[tuple, WorkingCalendar]] = {}
_cache_lock = threading.Lock()


def working_calendar(*, calendar: BusinessCalendar | None = None) -> WorkingCalendar:
    """The calendar (the default one when None) as a WorkingCalendar.

    One query when the cached copy is current, three when it is rebuilt. Callers that compute many
    deadlines (a beat scan) should call this once and reuse the object for the batch.
    """
    rows = BusinessCalendar.objects.values_list("pk", "revision", "time_zone", "rest_weekdays")
    if calendar is None:
        row = rows.filter(is_default=True).first()
    else:
        row = rows.filter(pk=calendar.pk).first()
    if row is None:
        raise BusinessCalendar.DoesNotExist(
            "No default business calendar." if calendar is None else f"No calendar {calendar.pk}."
        )
    calendar_id, revision, time_zone, rest_weekdays = row
    key = (revision, time_zone, tuple(sorted(rest_weekdays)))
    cached = _cache.get(calendar_id)
    if cached is not None and cached[0] == key:
        return cached[1]

    days_off: set[date] = set()
    working_days: set[date] = set()
    for day, kind in CalendarDay.objects.filter(calendar_id=calendar_id).values_list(
        "date", "kind"
    ):
        (working_days if kind == CalendarDay.Kind.WORKING_DAY else days_off).add(day)
    years = dict(CalendarYear.objects.filter(calendar_id=calendar_id).values_list("year", "status"))
    built = WorkingCalendar(
        time_zone=ZoneInfo(time_zone),
        rest_weekdays=frozenset(rest_weekdays),
        days_off=frozenset(days_off),
        working_days=frozenset(working_days),
        provisional_years=frozenset(
            year for year, status in years.items() if status == CalendarYear.Status.PROVISIONAL
        ),
        loaded_years=frozenset(years),
    )
    with _cache_lock:
        _cache[calendar_id] = (key, built)
    return built


def working_calendar_cache_clear() -> None:
    """Forget every cached copy (tests; not needed in normal running)."""
    with _cache_lock:
        _cache.clear()


def provisional_years_ahead(
    *, calendar: BusinessCalendar, today: date | None = None, horizon_days: int = 90
) -> list[int]:
    """Years that deadlines set from today up to `horizon_days` ahead may fall in, still unconfirmed.

    A year counts when it is provisional or was never loaded at all. This is what administrators are
    to be alerted about; 90 days covers the longest working-day targets with room to act.
    """
    today = today or timezone.localdate(timezone=ZoneInfo(calendar.time_zone))
    span = range(today.year, (today + timedelta(days=horizon_days)).year + 1)
    confirmed = set(
        CalendarYear.objects.filter(
            calendar=calendar, year__in=list(span), status=CalendarYear.Status.CONFIRMED
        ).values_list("year", flat=True)
    )
    return [year for year in span if year not in confirmed]
