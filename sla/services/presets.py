"""Loading a market's SLA policy preset (sla.presets) and making it the policies in force.

A preset loads only what is missing, found by code: its business calendar, then one policy per
severity with the preset's targets. A row that is there already is never written again, so loading
twice changes nothing and an administrator's edits to a loaded preset (targets, names, the
calendar's days and settings) are kept. A preset's policies load inactive: one general policy per
severity is active at a time, and which market's it is stays the administrator's choice
(`preset_activate`, or `--activate` on the command).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from accounts.models import User
from complaints.models import Severity
from sla.models import BusinessCalendar, CalendarYear, SlaPolicy, SlaTarget
from sla.presets import PRESETS, MarketPreset, preset_policy_code
from sla.services.calendars import calendar_refresh_from_package, calendar_save, default_years

LOAD_PERMISSIONS = ("sla.add_slapolicy", "sla.add_businesscalendar")
ACTIVATE_PERMISSIONS = ("sla.change_slapolicy",)


@dataclass
class PresetLoad:
    preset: MarketPreset
    calendar: BusinessCalendar
    calendar_created: bool = False
    years_loaded: list[int] = field(default_factory=list)
    created: list[SlaPolicy] = field(default_factory=list)
    kept: list[SlaPolicy] = field(default_factory=list)
    activated: list[SlaPolicy] = field(default_factory=list)
    deactivated: list[SlaPolicy] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.calendar_created
            or self.years_loaded
            or self.created
            or self.activated
            or self.deactivated
        )


def preset_load(*, market: str, activate: bool = False, actor: User | None = None) -> PresetLoad:
    """Load the preset of `market` (a key of sla.presets.PRESETS; KeyError otherwise).

    `actor` None is for the command; a person needs the permissions to add policies and calendars
    (and to change policies, to activate them).
    """
    preset = PRESETS[market]
    _require(actor, LOAD_PERMISSIONS + (ACTIVATE_PERMISSIONS if activate else ()))
    with transaction.atomic():
        calendar, calendar_created = _calendar(preset)
        result = PresetLoad(preset=preset, calendar=calendar, calendar_created=calendar_created)
        for severity in Severity.values:
            code = preset_policy_code(market, severity)
            policy = SlaPolicy.objects.filter(code=code).first()
            if policy is None:
                result.created.append(_policy(preset, severity=severity, calendar=calendar))
            else:
                result.kept.append(policy)
    # The package is read outside the transaction above, as the calendar refresh always is: a
    # calendar without its years is what the daily upkeep repairs, never a wrong deadline saved.
    result.years_loaded = _load_missing_years(calendar)
    if activate:
        result.activated, result.deactivated = _activate(market)
    return result


def preset_activate(*, market: str, actor: User | None = None) -> tuple[list, list]:
    """Make the preset's policies (loaded before) the general ones in force for every severity;
    the general policies they replace are deactivated, category policies stay. Returns (activated,
    deactivated); nothing changes when the preset is in force already. Clocks already running keep
    the deadlines they were planned with."""
    _require(actor, ACTIVATE_PERMISSIONS)
    return _activate(market)


def _activate(market: str) -> tuple[list[SlaPolicy], list[SlaPolicy]]:
    codes = {preset_policy_code(market, severity): severity for severity in Severity.values}
    activated: list[SlaPolicy] = []
    deactivated: list[SlaPolicy] = []
    with transaction.atomic():
        policies = {
            policy.code: policy
            for policy in SlaPolicy.objects.select_for_update().filter(code__in=codes)
        }
        missing = sorted(set(codes) - set(policies))
        if missing:
            raise ValueError(f"Load the preset first: no policy {', '.join(missing)}.")
        for code, severity in codes.items():
            policy = policies[code]
            if policy.is_active:
                continue
            # Saved one by one (the signals forget the cached policy book), the old one first so
            # the one-active-general-policy-per-severity constraint never sees two.
            for other in SlaPolicy.objects.select_for_update().filter(
                severity=severity, category__isnull=True, is_active=True
            ):
                other.is_active = False
                other.save(update_fields=["is_active"])
                deactivated.append(other)
            policy.is_active = True
            policy.save(update_fields=["is_active"])
            activated.append(policy)
    return activated, deactivated


def _require(actor: User | None, permissions: tuple[str, ...]) -> None:
    if actor is not None and not actor.has_perms(permissions):
        raise PermissionDenied


def _calendar(preset: MarketPreset) -> tuple[BusinessCalendar, bool]:
    spec = preset.calendar
    existing = BusinessCalendar.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing, False
    calendar = BusinessCalendar(
        code=spec.code,
        name=spec.name,
        country=spec.country,
        subdivision=spec.subdivision,
        time_zone=spec.time_zone,
    )
    calendar.full_clean()
    return calendar_save(calendar=calendar), True


def _policy(preset: MarketPreset, *, severity: str, calendar: BusinessCalendar) -> SlaPolicy:
    # Names and descriptions are data, written in the site's language whoever loads them.
    with translation.override(settings.LANGUAGE_CODE):
        description = "\n".join(
            [str(preset.title), preset.source, *(str(target.rule) for target in preset.targets)]
        )
        policy = SlaPolicy(
            code=preset_policy_code(preset.code, severity),
            name=f"{preset.name} ({Severity(severity).label})",
            severity=severity,
            calendar=calendar,
            description=description,
            is_active=False,
        )
    policy.full_clean()
    policy.save()
    for spec in preset.targets:
        target = SlaTarget(
            policy=policy,
            stage=spec.stage,
            amount=spec.amount,
            unit=spec.unit,
            start_event=spec.start_event,
            reminder_percent=spec.reminder_percent,
            breach_level=spec.breach_level,
            pause_reasons=list(spec.pause_reasons),
        )
        target.full_clean()
        target.save()
    return policy


def _load_missing_years(calendar: BusinessCalendar) -> list[int]:
    """Last, this and next year, those the calendar lacks (the daily upkeep keeps them after)."""
    wanted = default_years()
    loaded = set(
        CalendarYear.objects.filter(calendar=calendar, year__in=wanted).values_list(
            "year", flat=True
        )
    )
    missing = [year for year in wanted if year not in loaded]
    if missing and calendar.is_active:
        calendar_refresh_from_package(calendar=calendar, years=missing)
        return missing
    return []
