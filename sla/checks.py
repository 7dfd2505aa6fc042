"""System checks: `manage.py check` (and `check --deploy`) warns of calendars missing a year."""

from __future__ import annotations

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register("sla")
def check_calendar_years(app_configs=None, **kwargs) -> list[CheckMessage]:
    """sla.W001: an active calendar has no days loaded for the current or the next year.

    Deadlines in such a year are counted on weekly rest days alone. Silent when the database cannot
    be read yet (not migrated, not reachable): `migrate` itself loads the years.
    """
    from sla.models import BusinessCalendar, CalendarYear

    this_year = timezone.localdate().year
    wanted = {this_year, this_year + 1}
    try:
        calendars = list(BusinessCalendar.objects.filter(is_active=True).order_by("pk"))
        loaded: dict[int, set[int]] = {}
        for calendar_id, year in CalendarYear.objects.filter(
            calendar__in=calendars, year__in=wanted
        ).values_list("calendar_id", "year"):
            loaded.setdefault(calendar_id, set()).add(year)
    except DatabaseError:
        return []
    messages: list[CheckMessage] = []
    for calendar in calendars:
        missing = sorted(wanted - loaded.get(calendar.pk, set()))
        if missing:
            years = ", ".join(str(year) for year in missing)
            messages.append(
                Warning(
                    f"Business calendar {calendar.code!r} has no days loaded for {years}: "
                    "deadlines there count weekends only, holidays as working days.",
                    hint="Run `manage.py refresh_calendars` (or `migrate`, or start a worker).",
                    obj=calendar,
                    id="sla.W001",
                )
            )
    return messages
