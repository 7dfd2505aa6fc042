"""Load the SLA policy presets for other markets (sla.presets): a calendar and a policy per severity."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sla.presets import PRESETS
from sla.services import preset_load


class Command(BaseCommand):
    help = (
        "Load SLA policy presets for other markets (default: all). Only what is missing is "
        "created; rows loaded before, and an administrator's edits to them, are left alone. The "
        "policies load inactive unless --activate is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--market",
            choices=[*PRESETS, "all"],
            default="all",
            help="The market's preset (default: all).",
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make this market's policies the general ones in force (one market only).",
        )

    def handle(self, *args, market: str, activate: bool, **options) -> None:
        if activate and market == "all":
            raise CommandError("--activate needs one --market: one market's policies are in force.")
        markets = list(PRESETS) if market == "all" else [market]
        for code in markets:
            result = preset_load(market=code, activate=activate)
            calendar = result.calendar
            self.stdout.write(
                f"{code}: calendar {calendar.code} ({calendar.country}"
                f"{'-' + calendar.subdivision if calendar.subdivision else ''}, "
                f"{calendar.time_zone}) {'created' if result.calendar_created else 'kept'}"
                + (
                    f", years {', '.join(map(str, result.years_loaded))} loaded"
                    if result.years_loaded
                    else ""
                )
            )
            for policy in result.created:
                self.stdout.write(f"  {policy.code}: created (inactive)")
            for policy in result.kept:
                self.stdout.write(f"  {policy.code}: kept as it is")
            for policy in result.activated:
                self.stdout.write(self.style.SUCCESS(f"  {policy.code}: now in force"))
            for policy in result.deactivated:
                self.stdout.write(f"  {policy.code}: no longer in force")
            if not result.changed:
                self.stdout.write("  nothing to do")
