"""The heartbeat beat writes; /readyz reads it (health.selectors)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from health.models import Heartbeat

BEAT = "beat"


def heartbeat_record(*, name: str = BEAT, at: datetime | None = None) -> datetime:
    """Store that `name` is alive now (one row, overwritten)."""
    at = at or timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": at})
    return at
