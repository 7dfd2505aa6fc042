from __future__ import annotations

import pytest

from sla.models import BusinessCalendar
from sla.selectors import working_calendar_cache_clear


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Test transactions roll back, so a cached copy must not outlive its test.
    working_calendar_cache_clear()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def cn(db) -> BusinessCalendar:
    """The default mainland China calendar the data migration creates (no days loaded yet)."""
    return BusinessCalendar.objects.get(code="cn")
