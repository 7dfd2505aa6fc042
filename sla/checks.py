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
    from sla.models import BusinessCalendar
    from sla.selectors import calendar_years_missing

    this_year = timezone.localdate().year
    try:
        missing = calendar_years_missing(years={this_year, this_year + 1})
        calendars = {
            calendar.code: calendar
            for calendar in BusinessCalendar.objects.filter(code__in=list(missing))
        }
    except DatabaseError:
        return []
    return [
        Warning(
            f"Business calendar {code!r} has no days loaded for "
            f"{', '.join(str(year) for year in years)}: "
            "deadlines there count weekends only, holidays as working days.",
            hint="Run `manage.py refresh_calendars` (or `migrate`, or start a worker).",
            obj=calendars.get(code),
            id="sla.W001",
        )
        for code, years in missing.items()
    ]
