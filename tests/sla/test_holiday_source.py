"""What sla.holiday_source reads from the holidays package, and the provisional-year rule. No database."""

from __future__ import annotations

from datetime import date

from sla.holiday_source import package_year
from tests.sla.china import PROVISIONAL_YEAR


def test_a_year_with_a_state_council_notice_is_confirmed_with_its_make_up_days():
    year = package_year(country="CN", year=2025)

    assert year.confirmed
    assert year.days_off[date(2025, 1, 29)] == "春节"  # names in the country's own language
    # Each make-up working day points at the day off it pays for.
    assert year.working_days == {
        date(2025, 1, 26): date(2025, 2, 3),
        date(2025, 2, 8): date(2025, 2, 4),
        date(2025, 4, 27): date(2025, 5, 5),
        date(2025, 9, 28): date(2025, 10, 7),
        date(2025, 10, 11): date(2025, 10, 8),
    }


def test_only_public_holidays_count():
    # 妇女节 (half_day category) is not a day off; neither are 青年节 and 儿童节.
    days_off = package_year(country="CN", year=2024).days_off

    assert date(2024, 3, 8) not in days_off
    assert date(2024, 6, 1) not in days_off


def test_a_year_without_a_notice_is_provisional():
    year = package_year(country="CN", year=PROVISIONAL_YEAR)

    assert not year.confirmed
    assert year.days_off  # the package still guesses the statutory days
    assert year.working_days == {}


def test_a_make_up_day_announced_by_next_years_notice_belongs_to_its_own_year():
    # The 2002 notice moved New Year days off onto Sat/Sun 2001-12-29 and 12-30.
    year = package_year(country="CN", year=2001)

    assert year.working_days[date(2001, 12, 29)] == date(2002, 1, 2)
    assert year.working_days[date(2001, 12, 30)] == date(2002, 1, 3)


def test_countries_without_yearly_notices_are_confirmed_by_their_rules():
    year = package_year(country="DE", subdivision="BY", year=2030)

    assert year.confirmed
    assert year.working_days == {}
    assert date(2030, 1, 6) in year.days_off  # Heilige Drei Könige, Bavaria only
