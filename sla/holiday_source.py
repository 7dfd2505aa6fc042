"""What the `holidays` package says about one country-year. Pure: no ORM.

Only the `public` category counts; others (China's `half_day`, e.g. 妇女节) are not days off.

Confirmed or provisional. Some countries move days off around by a yearly official notice (China's
State Council 放假安排, with make-up working days 调休); the package carries each notice as that
year's entry in `special_public_holidays` with substitution tuples, and for a year without a notice
it only guesses from the statutory rules (2027 in holidays 0.109: observed days, no make-up days).
So, for a country whose package data has any substitution at all, a year is confirmed by the package
exactly when `special_public_holidays` has an entry for it. Countries without substitutions follow
fixed statutory rules, so every year is confirmed by the package. Limit: a notice-based country's
year whose notice moves nothing would read as provisional; an administrator confirms it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
from holidays.constants import PUBLIC
from holidays.helpers import _normalize_tuple


@dataclass(frozen=True)
class PackageYear:
    year: int
    days_off: dict[date, str]
    # Make-up working day -> the day off it pays for (None when the package does not say).
    working_days: dict[date, date | None]
    confirmed: bool


def supported_countries() -> dict[str, list[str]]:
    """Country code -> its subdivision codes, as the package knows them."""
    return holidays.list_supported_countries()


def package_year(*, country: str, year: int, subdivision: str = "") -> PackageYear:
    entity = _entity(country=country, subdivision=subdivision, year=year)
    days_off = {day: str(name) for day, name in entity.items() if day.year == year}
    # weekend_workdays also holds other years' dates (cross-year notices), hence the filter.
    made_up = sorted(day for day in entity.weekend_workdays if day.year == year)
    paid_for = _substitutions(entity, year)
    special = getattr(entity, "special_public_holidays", {}) or {}
    # Rule-based countries (no yearly notice) are confirmed by the package for every year.
    confirmed = year in special if _uses_notices(special) else True
    return PackageYear(
        year=year,
        days_off=days_off,
        working_days={day: paid_for.get(day) for day in made_up if day not in days_off},
        confirmed=confirmed,
    )


def _entity(*, country: str, subdivision: str, year: int) -> holidays.HolidayBase:
    # Names in the country's own language (春节, not "Chinese New Year"), whatever the server locale.
    language = type(holidays.country_holidays(country)).default_language
    return holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=[year],
        categories=(PUBLIC,),
        language=language,
    )


def _uses_notices(special: dict[int, tuple]) -> bool:
    return any(len(item) >= 4 for value in special.values() for item in _normalize_tuple(value))


def _substitutions(entity: holidays.HolidayBase, year: int) -> dict[date, date]:
    """Make-up working day -> the day off it pays for, from this and next year's notices."""
    special = getattr(entity, "special_public_holidays", {}) or {}
    found: dict[date, date] = {}
    for notice_year in (year, year + 1):
        for item in _normalize_tuple(special.get(notice_year, ())):
            if len(item) < 4:
                continue
            to_month, to_day, from_month, from_day, *from_year = item
            worked = date(from_year[0] if from_year else notice_year, from_month, from_day)
            if worked.year == year:
                found[worked] = date(notice_year, to_month, to_day)
    return found
