"""The duty manager rota (README "Personal injury: the duty manager"): four weeks from a few days
back, the department heads of the store taking turns, so that the demo's injury cases reach the
day's duty manager. Kept as it is when already there."""

from __future__ import annotations

from datetime import date, timedelta

from demo.seed.organisation import Org
from sla.models import DutyDay

# Who takes turns, in order (usernames of demo/data/organisation.py).
ROTA = ("head", "risk_head", "quality_head", "purchasing_head")
DAYS_BACK, DAYS_AHEAD = 3, 28


def ensure_duty_rota(org: Org, today: date) -> list[DutyDay]:
    days = [today + timedelta(days=offset) for offset in range(-DAYS_BACK, DAYS_AHEAD)]
    taken = set(DutyDay.objects.filter(day__in=days).values_list("day", flat=True))
    rows = [
        DutyDay(day=day, manager=org.users[ROTA[day.toordinal() % len(ROTA)]])
        for day in days
        if day not in taken
    ]
    return DutyDay.objects.bulk_create(rows)
