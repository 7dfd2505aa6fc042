from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from complaints.models import Complaint
from sla.models import BusinessCalendar, CalendarChange, CalendarDay, CalendarYear, Clock
from sla.selectors import working_calendar_cache_clear
from sla.services import calendar_refresh_from_package
from tests.complaints.conftest import Flow
from tests.sla.china import PROVISIONAL_YEAR, SHANGHAI


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Test transactions roll back, so a cached copy must not outlive its test.
    working_calendar_cache_clear()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def cn(db) -> BusinessCalendar:
    """The default mainland China calendar the data migration creates, emptied of the days that
    `migrate` loads for the current years: each test loads exactly the days it reasons about."""
    calendar = BusinessCalendar.objects.get(code="cn")
    CalendarDay.objects.filter(calendar=calendar).delete()
    CalendarYear.objects.filter(calendar=calendar).delete()
    CalendarChange.objects.filter(calendar=calendar).delete()
    return calendar


@pytest.fixture
def china(cn) -> BusinessCalendar:
    """The default calendar with mainland China's real days of 2025-2027 (2027 still provisional)."""
    calendar_refresh_from_package(calendar=cn, years=[2025, 2026, PROVISIONAL_YEAR])
    return cn


@pytest.fixture
def flow(org) -> Flow:
    return Flow(org)


@pytest.fixture
def now_is(time_machine) -> Callable[[datetime], None]:
    """Stop the clock at a moment; call again to jump on. Services read the time from here."""

    def move(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


def clocks_of(complaint: Complaint, *, round: int = 0) -> dict[str, Clock]:
    """The stored clocks of one handling round, by stage."""
    return {clock.stage: clock for clock in Clock.objects.filter(complaint=complaint, round=round)}


def local(clock_time: datetime | None) -> str | None:
    """A stored moment as Shanghai wall-clock text, to compare with dates worked out by hand."""
    return clock_time.astimezone(SHANGHAI).isoformat() if clock_time else None
