"""Every change to calendars (and later SLA policies and clocks) goes through these functions."""

from sla.services.calendars import (
    RefreshSummary,
    YearRefresh,
    calendar_confirm_year,
    calendar_day_delete,
    calendar_day_set,
    calendar_refresh_from_package,
    calendar_save,
    calendars_refresh_active,
    default_years,
)

__all__ = [
    "RefreshSummary",
    "YearRefresh",
    "calendar_confirm_year",
    "calendar_day_delete",
    "calendar_day_set",
    "calendar_refresh_from_package",
    "calendar_save",
    "calendars_refresh_active",
    "default_years",
]
