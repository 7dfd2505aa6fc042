from __future__ import annotations

import uuid
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sla.calendar import parse_periods, time_minutes
from sla.holiday_source import supported_countries


def default_rest_weekdays() -> list[int]:
    return [6, 7]


def validate_time_zone(value: str) -> None:
    # ZoneInfo also accepts file paths and odd spellings; only canonical IANA names are allowed.
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown time zone; use an IANA name such as Asia/Shanghai.")
        ) from None
    if value not in _zone_names():
        raise ValidationError(_("Unknown time zone; use an IANA name such as Asia/Shanghai."))


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_rest_weekdays(value: object) -> None:
    message = _("List ISO weekday numbers, 1 (Monday) to 7 (Sunday), at least one working weekday.")
    if not isinstance(value, list) or any(
        isinstance(day, bool) or not isinstance(day, int) for day in value
    ):
        raise ValidationError(message)
    if len(set(value)) != len(value) or not set(value) <= set(range(1, 8)) or len(value) > 6:
        raise ValidationError(message)


class BusinessCalendar(models.Model):
    """Where working days come from: a country's statutory days off plus the admin's own days."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    country = models.CharField(
        _("country"),
        max_length=3,
        help_text=_("Country code the holidays package knows, e.g. CN."),
    )
    subdivision = models.CharField(
        _("subdivision"),
        max_length=10,
        blank=True,
        help_text=_("Optional province or state code, where the package has regional days off."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    rest_weekdays = models.JSONField(
        _("weekly rest days"),
        default=default_rest_weekdays,
        validators=[validate_rest_weekdays],
        help_text=_("ISO weekday numbers: 1 Monday ... 7 Sunday."),
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # A new value on every change of the calendar, its days or its years: processes compare it to
    # the copy they cached (sla.selectors.working_calendar). A UUID, not a counter, so a rolled-back
    # change can never be mistaken for a later one.
    revision = models.UUIDField(_("revision"), default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="sla_calendar_single_default",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(is_active=True),
                name="sla_calendar_default_is_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude=None) -> None:
        # Ticking "default" on another calendar is allowed: sla.services.calendar_save moves the role
        # in one transaction. The database constraints still guard; clean() checks "default is active".
        super().validate_constraints(exclude={*(exclude or ()), "is_default"})

    def clean(self) -> None:
        countries = supported_countries()
        self.country = self.country.upper()
        if self.country not in countries:
            raise ValidationError(
                {"country": _("The holidays package does not know this country.")}
            )
        if self.subdivision and self.subdivision not in countries[self.country]:
            raise ValidationError({"subdivision": _("Not a subdivision of this country.")})
        if self.is_default and not self.is_active:
            raise ValidationError({"is_active": _("The default calendar must be active.")})
        if (
            self.pk
            and not self.is_default
            and BusinessCalendar.objects.filter(pk=self.pk, is_default=True).exists()
        ):
            # There is always exactly one default: it moves by making another calendar the default.
            raise ValidationError(
                {
                    "is_default": _(
                        "Make another calendar the default instead of unticking this one."
                    )
                }
            )


class CalendarDay(models.Model):
    """A date that departs from the weekly rule. One row per date: an admin row beats the package."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    class Source(models.TextChoices):
        PACKAGE = "package", _("Holidays package")
        ADMIN = "admin", _("Administrator")

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.ADMIN
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["calendar_id", "date"]
        # The unique constraint's index serves the (calendar, date) lookups and range scans.
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_calendarday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class ServicePeriod(models.Model):
    """One period of service hours on a weekday (a weekday may have several: morning, afternoon).

    Service-hour targets count only inside these periods, and only on working days; a make-up
    working day on a rest day without periods has those of an ordinary working day.
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="service_periods",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 is midnight at the end of the day."))

    class Meta:
        verbose_name = _("service period")
        verbose_name_plural = _("service hours")
        ordering = ["calendar_id", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def as_minutes(self) -> tuple[int, int]:
        return time_minutes(self.start), time_minutes(self.end, end=True)

    def clean(self) -> None:
        if self.start is not None and self.end is not None:
            start, end = self.as_minutes()
            if start >= end:
                raise ValidationError({"end": _("A period ends after it starts.")})


def validate_period_text(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError:
        raise ValidationError(
            _(
                "Write periods as 08:30-12:00, 13:30-18:00 (24:00 for midnight), each ending "
                "after it starts and none overlapping; leave empty for no service hours."
            ),
            code="invalid",
        ) from None


class ServiceDay(models.Model):
    """A date whose service hours differ from its weekday's: other periods, or none at all.

    It changes the hours of a working day only; whether a date is worked at all is the calendar
    day's business (a holiday stays closed; make it a working day first to open on it).
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="service_days",
    )
    date = models.DateField(_("date"))
    periods = models.CharField(
        _("service periods"),
        max_length=200,
        blank=True,
        validators=[validate_period_text],
        help_text=_("e.g. 09:00-12:00, 13:00-16:00; empty: no service hours that date."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service hours exception")
        verbose_name_plural = _("service hours exceptions")
        ordering = ["calendar_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_serviceday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.periods or '-'}"


class DepartmentCalendar(models.Model):
    """A department that keeps its own calendar (a night-shift call centre, a store open at
    weekends): its cases' deadlines and its people's quiet hours count on it. Departments below it
    without one of their own follow it; the others keep the default calendar."""

    department = models.OneToOneField(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="own_calendar",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_(
            "Deadlines started from now on for this department's cases, and its people's quiet "
            "hours, count on this calendar. Running deadlines keep the calendar they were planned "
            "on. A policy that names a calendar of its own keeps it."
        ),
    )

    class Meta:
        verbose_name = _("department calendar")
        verbose_name_plural = _("department calendars")

    def __str__(self) -> str:
        return f"{self.department} → {self.calendar}"


class CalendarYear(models.Model):
    """Whether a calendar's year can be trusted: its official notice is loaded, or an admin said so."""

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        CONFIRMED = "confirmed", _("Confirmed")

    class Source(models.TextChoices):
        PACKAGE = "package", _("Holidays package")
        ADMIN = "admin", _("Administrator")

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROVISIONAL
    )
    confirmed_source = models.CharField(
        _("confirmed by source"), max_length=20, choices=Source.choices, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    loaded_at = models.DateTimeField(
        _("loaded at"),
        null=True,
        blank=True,
        help_text=_("When the holidays package was last read for this year."),
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["calendar_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "year"], name="sla_calendaryear_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.year} ({self.get_status_display()})"


class CalendarChange(models.Model):
    """Days of a calendar changed: the running working-day clocks over them are to be re-planned.

    Written by the calendar services in the same transaction as the change (an outbox): the
    re-planning runs as a task after the commit and, should that task be lost with the broker, the
    next run of the beat job finds the change still pending.
    """

    class Reason(models.TextChoices):
        DAYS_LOADED = "days_loaded", _("Statutory days loaded or updated")
        DAY_SET = "day_set", _("Day set by an administrator")
        DAY_REMOVED = "day_removed", _("Administrator's day removed")
        YEAR_CONFIRMED = "year_confirmed", _("Year confirmed")
        SETTINGS_CHANGED = "settings_changed", _("Calendar settings changed")
        SERVICE_HOURS_CHANGED = "service_hours_changed", _("Service hours changed")

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    # The dates whose kind may have changed; both empty: every date (weekly rest days, time zone).
    first_date = models.DateField(_("first date"), null=True, blank=True)
    last_date = models.DateField(_("last date"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    processed_at = models.DateTimeField(_("deadlines re-planned at"), null=True, blank=True)
    clocks_replanned = models.PositiveIntegerField(_("deadlines moved"), default=0)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(processed_at__isnull=True),
                name="sla_calendarchange_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.get_reason_display()} {self.first_date or ''}".strip()
