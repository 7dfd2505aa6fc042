"""Business calendars: loading days from the holidays package, admin overrides, confirming years.

Every write locks the calendar row first (one writer at a time per calendar, so two overlapping
refreshes cannot collide on the unique date) and, when something changed, gives the calendar a new
`revision`: that is how every process learns its cached WorkingCalendar is stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from complaints.models import Notification
from complaints.services.notifications import calendar_year_key, notifications_settle
from sla.calendar import validate_periods
from sla.holiday_source import PackageYear, package_year
from sla.models import (
    BusinessCalendar,
    CalendarChange,
    CalendarDay,
    CalendarYear,
    ServiceDay,
    ServicePeriod,
)
from sla.selectors import forget_policy_book

Kind = CalendarDay.Kind
Status = CalendarYear.Status
Reason = CalendarChange.Reason


@dataclass(frozen=True)
class YearRefresh:
    year: int
    status: str  # a CalendarYear.Status value, after the refresh
    confirmed_by_package: bool
    days_off: int  # as the package lists them
    working_days: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    admin_kept: int = 0  # dates the package lists where an administrator's row wins


@dataclass(frozen=True)
class RefreshSummary:
    calendar: BusinessCalendar
    years: list[YearRefresh] = field(default_factory=list)

    @property
    def provisional_years(self) -> list[int]:
        return [y.year for y in self.years if y.status == Status.PROVISIONAL]


def default_years(*, today: date | None = None) -> list[int]:
    """Last, this and next year: deadlines set in December reach into January, and cases received
    last year (entered late, or still open) keep being measured on last year's days."""
    year = (today or timezone.localdate()).year
    return [year - 1, year, year + 1]


def calendar_refresh_from_package(
    *, calendar: BusinessCalendar, years: Iterable[int]
) -> RefreshSummary:
    """Make the package's days of `years` the calendar's package rows; admin rows stay as they are."""
    # The package is read before the lock is taken: it is the slow part and needs no database.
    packages = [
        package_year(country=calendar.country, subdivision=calendar.subdivision, year=year)
        for year in sorted(set(years))
    ]
    with transaction.atomic():
        _lock(calendar)
        outcomes = [_apply_year(calendar, package) for package in packages]
        for result, changed in outcomes:
            if changed:
                _record_change(calendar, Reason.DAYS_LOADED, *_year_span(result.year))
        if any(changed for _, changed in outcomes):
            _new_revision(calendar)
    return RefreshSummary(calendar=calendar, years=[result for result, _ in outcomes])


def calendars_refresh_active(*, years: Iterable[int] | None = None) -> list[RefreshSummary]:
    """Refresh every active calendar (default: last, this and next year); the command and task door."""
    wanted = list(years) if years is not None else default_years()
    return [
        calendar_refresh_from_package(calendar=calendar, years=wanted)
        for calendar in BusinessCalendar.objects.filter(is_active=True).order_by("pk")
    ]


def calendars_load_missing_years(*, today: date | None = None) -> list[RefreshSummary]:
    """Load last, this and next year wherever an active calendar lacks one; nothing else is read.

    Called when the database is migrated, when a worker or beat starts and daily by beat, so a
    deployment never computes a statutory deadline on weekends alone (国庆节 as working days).
    """
    wanted = default_years(today=today)
    summaries = []
    for calendar in BusinessCalendar.objects.filter(is_active=True).order_by("pk"):
        loaded = set(
            CalendarYear.objects.filter(calendar=calendar, year__in=wanted).values_list(
                "year", flat=True
            )
        )
        missing = [year for year in wanted if year not in loaded]
        if missing:
            summaries.append(calendar_refresh_from_package(calendar=calendar, years=missing))
    return summaries


def calendar_confirm_year(*, calendar: BusinessCalendar, year: int, actor: User) -> CalendarYear:
    """An administrator vouches for a year (e.g. after checking the notice). Confirming twice is a no-op."""
    if not actor.has_perm("sla.change_calendaryear"):
        raise PermissionDenied
    with transaction.atomic():
        _lock(calendar)
        row, _ = CalendarYear.objects.get_or_create(calendar=calendar, year=year)
        if row.status == Status.CONFIRMED:
            return row
        row.status = Status.CONFIRMED
        row.confirmed_source = CalendarYear.Source.ADMIN
        row.confirmed_by = actor
        row.confirmed_at = timezone.now()
        row.save()
        # The alerts asking to confirm it are done.
        notifications_settle(
            keys=[calendar_year_key(calendar.pk, year)],
            reason=Notification.Settled.YEAR_CONFIRMED,
            by=actor,
            at=row.confirmed_at,
        )
        # Only the provisional flag of deadlines in that year changes.
        _record_change(calendar, Reason.YEAR_CONFIRMED, *_year_span(year))
        _new_revision(calendar)
    return row


def calendar_day_set(
    *,
    calendar: BusinessCalendar,
    day: date,
    kind: str,
    name: str = "",
    actor: User | None,
) -> CalendarDay:
    """An administrator's day off or working day; it wins over the package, now and on refresh.

    `actor` None is for scripts and data migrations; a person needs the change permission.
    """
    if actor is not None and not actor.has_perm("sla.change_calendarday"):
        raise PermissionDenied
    if kind not in Kind.values:
        raise ValueError(f"Unknown calendar day kind {kind!r}.")
    with transaction.atomic():
        _lock(calendar)
        row, _ = CalendarDay.objects.update_or_create(
            calendar=calendar,
            date=day,
            defaults={
                "kind": kind,
                "name": name,
                "source": CalendarDay.Source.ADMIN,
                "updated_by": actor,
            },
        )
        _record_change(calendar, Reason.DAY_SET, day, day)
        _new_revision(calendar)
    return row


def calendar_day_delete(*, calendar_day: CalendarDay, actor: User | None) -> CalendarDay | None:
    """Remove an administrator's row; the package's own entry for that date, if any, comes back.

    Returns that restored package row. Package rows cannot be removed this way (a refresh would
    bring them back); override them with an administrator's working day instead.
    """
    if actor is not None and not actor.has_perm("sla.delete_calendarday"):
        raise PermissionDenied
    if calendar_day.source != CalendarDay.Source.ADMIN:
        raise ValueError("Only an administrator's day can be removed; override a package day.")
    calendar = calendar_day.calendar
    package = package_year(
        country=calendar.country, subdivision=calendar.subdivision, year=calendar_day.date.year
    )
    with transaction.atomic():
        _lock(calendar)
        CalendarDay.objects.filter(pk=calendar_day.pk).delete()
        restored = None
        if CalendarYear.objects.filter(calendar=calendar, year=package.year).exists():
            wanted = _wanted_days(package)
            if calendar_day.date in wanted:
                kind, name = wanted[calendar_day.date]
                restored = CalendarDay.objects.create(
                    calendar=calendar,
                    date=calendar_day.date,
                    kind=kind,
                    name=name,
                    source=CalendarDay.Source.PACKAGE,
                )
        _record_change(calendar, Reason.DAY_REMOVED, calendar_day.date, calendar_day.date)
        _new_revision(calendar)
    return restored


def calendar_save(*, calendar: BusinessCalendar) -> BusinessCalendar:
    """Save a calendar's settings; making it the default takes that role from the old default."""
    with transaction.atomic():
        before = (
            BusinessCalendar.objects.filter(pk=calendar.pk)
            .values("time_zone", "rest_weekdays", "is_default")
            .first()
            if calendar.pk
            else None
        )
        if calendar.is_default:
            # Cleared first, row by row, so the one-default constraint never sees two.
            for other in BusinessCalendar.objects.select_for_update().filter(is_default=True):
                if other.pk != calendar.pk:
                    other.is_default = False
                    other.revision = uuid.uuid4()
                    other.save(update_fields=["is_default", "revision", "updated_at"])
                    # Policies without a calendar of their own counted on it: they move over.
                    _record_change(other, Reason.SETTINGS_CHANGED, None, None)
        calendar.revision = uuid.uuid4()
        calendar.save()
        if before is not None and before != {
            "time_zone": calendar.time_zone,
            "rest_weekdays": calendar.rest_weekdays,
            "is_default": calendar.is_default,
        }:
            _record_change(calendar, Reason.SETTINGS_CHANGED, None, None)
    return calendar


def calendar_service_hours_set(
    *, calendar: BusinessCalendar, weekly: Mapping[int, Sequence[tuple[time, time]]]
) -> list[ServicePeriod]:
    """Replace the calendar's weekly service periods: ISO weekday -> [(from, until), ...].

    A weekday left out has no service hours. Periods must not overlap (ValueError). Running
    service-hour deadlines on the calendar are re-planned (a CalendarChange over every date).
    """
    rows = [
        ServicePeriod(calendar=calendar, weekday=weekday, start=start, end=end)
        for weekday, periods in sorted(weekly.items())
        for start, end in sorted(periods)
    ]
    for weekday in weekly:
        if weekday not in range(1, 8):
            raise ValueError(f"Not an ISO weekday: {weekday!r}")
        validate_periods(tuple(row.as_minutes() for row in rows if row.weekday == weekday))
    with transaction.atomic():
        _lock(calendar)
        ServicePeriod.objects.filter(calendar=calendar).delete()
        created = ServicePeriod.objects.bulk_create(rows)
        calendar_service_hours_changed(calendar=calendar, dates=None)
    return created


def calendar_service_day_set(
    *, calendar: BusinessCalendar, day: date, periods: str, note: str = ""
) -> ServiceDay:
    """Other service hours on one date ("09:00-12:00", or "" for none); replaces any earlier one."""
    ServiceDay(calendar=calendar, date=day, periods=periods, note=note).clean_fields(
        exclude=["calendar"]
    )
    with transaction.atomic():
        _lock(calendar)
        row, _ = ServiceDay.objects.update_or_create(
            calendar=calendar, date=day, defaults={"periods": periods, "note": note}
        )
        calendar_service_hours_changed(calendar=calendar, dates=[day])
    return row


def calendar_service_hours_changed(
    *, calendar: BusinessCalendar, dates: Iterable[date] | None
) -> None:
    """The calendar's service hours changed (weekly periods: `dates` None; else those dates'
    exceptions), in the caller's transaction: new revision, and running service-hour deadlines
    over them are re-planned. The admin calls this after saving its inlines."""
    days = sorted(dates) if dates is not None else None
    if days == []:
        return
    _lock(calendar)
    _record_change(
        calendar,
        Reason.SERVICE_HOURS_CHANGED,
        days[0] if days else None,
        days[-1] if days else None,
    )
    _new_revision(calendar)


def _record_change(
    calendar: BusinessCalendar, reason: str, first: date | None, last: date | None
) -> None:
    """Note, in the caller's transaction, that deadlines over these dates are to be re-planned
    (sla.services.replanning; beat runs it every minute)."""
    CalendarChange.objects.create(
        calendar=calendar, reason=reason, first_date=first, last_date=last
    )


def _year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _lock(calendar: BusinessCalendar) -> None:
    BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).values_list("pk").get()


def _new_revision(calendar: BusinessCalendar) -> None:
    calendar.revision = uuid.uuid4()
    BusinessCalendar.objects.filter(pk=calendar.pk).update(
        revision=calendar.revision, updated_at=timezone.now()
    )
    forget_policy_book()  # it holds each policy's calendar revision


def _wanted_days(package: PackageYear) -> dict[date, tuple[str, str]]:
    # Stored names are data, written in the site's language whoever triggers the refresh.
    with translation.override(settings.LANGUAGE_CODE):
        wanted: dict[date, tuple[str, str]] = {
            day: (Kind.DAY_OFF, name[:200]) for day, name in package.days_off.items()
        }
        for day, day_off in package.working_days.items():
            if day_off is None:
                name = gettext("Make-up working day")
            else:
                name = gettext("Make-up working day (for the day off on %(date)s)") % {
                    "date": day_off.isoformat()
                }
            wanted[day] = (Kind.WORKING_DAY, name)
    return wanted


def _apply_year(calendar: BusinessCalendar, package: PackageYear) -> tuple[YearRefresh, bool]:
    wanted = _wanted_days(package)
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(
            calendar=calendar,
            date__gte=date(package.year, 1, 1),
            date__lte=date(package.year, 12, 31),
        )
    }
    now = timezone.now()
    to_create, to_update, admin_kept = [], [], 0
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            to_create.append(
                CalendarDay(
                    calendar=calendar,
                    date=day,
                    kind=kind,
                    name=name,
                    source=CalendarDay.Source.PACKAGE,
                )
            )
        elif row.source == CalendarDay.Source.ADMIN:
            admin_kept += 1
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name, row.updated_at = kind, name, now
            to_update.append(row)
    stale = [
        row.pk
        for day, row in existing.items()
        if row.source == CalendarDay.Source.PACKAGE and day not in wanted
    ]
    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(to_update, ["kind", "name", "updated_at"])
    CalendarDay.objects.filter(pk__in=stale).delete()

    year, year_created = CalendarYear.objects.get_or_create(calendar=calendar, year=package.year)
    status_changed = _apply_status(year, package=package, now=now) or year_created
    year.loaded_at = now
    year.save()
    if status_changed and year.status == Status.CONFIRMED:
        notifications_settle(
            keys=[calendar_year_key(calendar.pk, package.year)],
            reason=Notification.Settled.YEAR_CONFIRMED,
            by=None,
            at=now,
        )
    result = YearRefresh(
        year=package.year,
        status=year.status,
        confirmed_by_package=package.confirmed,
        days_off=len(package.days_off),
        working_days=len(package.working_days),
        created=len(to_create),
        updated=len(to_update),
        deleted=len(stale),
        admin_kept=admin_kept,
    )
    return result, bool(to_create or to_update or stale or status_changed)


def _apply_status(year: CalendarYear, *, package: PackageYear, now: datetime) -> bool:
    """Follow the package, except that an administrator's confirmation is never taken back."""
    if year.confirmed_source == CalendarYear.Source.ADMIN:
        return False
    if package.confirmed and year.status != Status.CONFIRMED:
        year.status = Status.CONFIRMED
        year.confirmed_source = CalendarYear.Source.PACKAGE
        year.confirmed_at = now
        return True
    if not package.confirmed and year.status != Status.PROVISIONAL:
        year.status = Status.PROVISIONAL
        year.confirmed_source = ""
        year.confirmed_at = None
        return True
    return False
