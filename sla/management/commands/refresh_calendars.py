"""Load statutory days off and make-up working days from the holidays package into the calendars."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sla.models import BusinessCalendar
from sla.services import calendar_refresh_from_package, default_years


class Command(BaseCommand):
    help = (
        "Refresh business calendars from the holidays package (default: every active calendar, "
        "the current and the next year). Administrators' own days are left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--years", nargs="+", type=int, help="Years to load, e.g. 2026 2027.")
        parser.add_argument("--calendar", help="Code of one calendar (default: every active one).")

    def handle(self, *args, years: list[int] | None, calendar: str | None, **options) -> None:
        years = years or default_years()
        if any(not 1900 <= year <= 2100 for year in years):
            raise CommandError("Years must lie between 1900 and 2100.")
        calendars = BusinessCalendar.objects.filter(is_active=True).order_by("pk")
        if calendar:
            calendars = BusinessCalendar.objects.filter(code=calendar)
            if not calendars.exists():
                raise CommandError(f"No calendar with code {calendar!r}.")
        for item in calendars:
            summary = calendar_refresh_from_package(calendar=item, years=years)
            self.stdout.write(f"{item.name} ({item.code}, {item.country}, {item.time_zone}):")
            for year in summary.years:
                self.stdout.write(
                    f"  {year.year}: {year.status}; package lists {year.days_off} days off and "
                    f"{year.working_days} make-up working days; {year.created} added, "
                    f"{year.updated} changed, {year.deleted} removed, "
                    f"{year.admin_kept} kept as the administrator set them"
                )
            if summary.provisional_years:
                listed = ", ".join(str(year) for year in summary.provisional_years)
                self.stdout.write(
                    self.style.WARNING(
                        f"  Provisional (no official notice in the holidays package yet): {listed}. "
                        "Deadlines in these years are flagged; confirm a year in the admin once "
                        "its days are checked, or upgrade the holidays package and run this again."
                    )
                )
