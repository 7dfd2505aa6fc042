"""Alerts to administrators about the calendars deadlines are computed on."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from complaints.models import Notification
from complaints.services.notifications import calendar_year_key, notify
from sla.models import BusinessCalendar
from sla.selectors import provisional_years_ahead


def calendar_alert_recipients() -> list[User]:
    """Superusers (they run the admin) and complaint managers (they watch the deadlines)."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=Role.COMPLAINT_MANAGER.value))
        .distinct()
        .order_by("pk")
    )


def calendars_alert_provisional_years(*, today: date | None = None) -> list[Notification]:
    """Tell the recipients, once per calendar and year, that deadlines soon fall in a year whose
    holidays nobody has confirmed (the package guessed them, or they were never loaded)."""
    recipients = calendar_alert_recipients()
    created: list[Notification] = []
    for calendar in BusinessCalendar.objects.filter(is_active=True).order_by("pk"):
        for year in provisional_years_ahead(calendar=calendar, today=today):
            with transaction.atomic():
                created += notify(
                    recipients=recipients,
                    kind=Notification.Kind.CALENDAR,
                    complaint=None,
                    key=calendar_year_key(calendar.pk, year),
                    template="calendar_year",
                    context={"calendar": calendar, "year": year},
                )
    return created
