"""What /healthz and /readyz report: each check cheap, bounded in time, and silent about the
installation (no versions, host names, URLs or exception texts, which can carry all three).

Readiness: the database answers, the cache stores and returns a value, the broker accepts a
connection, beat's heartbeat is fresh (beat schedules, the `sla` worker consumes), every active
business calendar has this year and next year loaded, and the tasks kept while the broker was down
(health.DeferredTask) are few and recent: a small backlog is reported, not a failure.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone
from kombu import Connection

from health.models import DeferredTask, Heartbeat
from health.services import BEAT
from sla.selectors import calendar_years_missing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    # A stable word for a failure ("unreachable", "stale", ...); details only where harmless.
    error: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, milliseconds: float) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "ms": round(milliseconds, 1)}
        if self.error:
            body["error"] = self.error
        return {**body, **self.details}


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, dict[str, Any]]

    @property
    def ready(self) -> bool:
        return all(check["ok"] for check in self.checks.values())

    def as_dict(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "not_ready", "checks": self.checks}


def database_check() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(ok=True)


def cache_check() -> Check:
    key, value = "health:probe", secrets.token_hex(8)
    # The production cache answers from each process's memory while Redis is down
    # (config.cache.DegradingRedisCache): its probe asks Redis itself, so the outage shows here.
    probe = getattr(cache, "probe", None)
    if probe is not None:
        stored = probe(key, value)
    else:
        cache.set(key, value, timeout=30)
        stored = cache.get(key)
    return Check(ok=True) if stored == value else Check(ok=False, error="not_stored")


def broker_check() -> Check:
    timeout = settings.HEALTH_BROKER_TIMEOUT_SECONDS
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=timeout,
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return Check(ok=True)


def beat_check(*, now: datetime | None = None) -> Check:
    at = Heartbeat.objects.filter(name=BEAT).values_list("at", flat=True).first()
    if at is None:
        return Check(ok=False, error="no_heartbeat")
    age = ((now or timezone.now()) - at).total_seconds()
    details = {"age_seconds": int(age), "max_age_seconds": settings.HEALTH_BEAT_MAX_AGE_SECONDS}
    if age > settings.HEALTH_BEAT_MAX_AGE_SECONDS:
        return Check(ok=False, error="stale", details=details)
    return Check(ok=True, details=details)


def calendars_check() -> Check:
    this_year = timezone.localdate().year
    missing = calendar_years_missing(years={this_year, this_year + 1})
    if missing:
        return Check(ok=False, error="years_missing", details={"missing": missing})
    return Check(ok=True)


@dataclass(frozen=True)
class Backlog:
    waiting: int  # counted up to `count_up_to`: a larger backlog reads as that many
    oldest_at: datetime | None


def deferred_task_backlog(*, count_up_to: int) -> Backlog:
    """How many deferred tasks wait (at most `count_up_to` counted) and when the oldest was kept.

    One query that reads at most `count_up_to` rows of the primary key's index, however long the
    backlog: the tasks are kept and requeued in primary key order, so the first rows are the
    oldest (SELECT COUNT(*), MIN(created_at) FROM (... ORDER BY id LIMIT n)).
    """
    first = DeferredTask.objects.order_by("pk").values("created_at")[:count_up_to]
    row = first.aggregate(waiting=Count("created_at"), oldest_at=Min("created_at"))
    return Backlog(waiting=row["waiting"], oldest_at=row["oldest_at"])


def deferred_tasks_check(*, now: datetime | None = None) -> Check:
    """Tasks kept while the broker was down: fine while few and recent (the every-minute job
    queues them once the broker answers); past HEALTH_DEFERRED_TASKS_MAX_WAITING waiting, or the
    oldest older than HEALTH_DEFERRED_TASKS_MAX_AGE_SECONDS, they are not being delivered."""
    max_waiting = settings.HEALTH_DEFERRED_TASKS_MAX_WAITING
    max_age = settings.HEALTH_DEFERRED_TASKS_MAX_AGE_SECONDS
    backlog = deferred_task_backlog(count_up_to=max_waiting + 1)
    age = (
        int(((now or timezone.now()) - backlog.oldest_at).total_seconds())
        if backlog.oldest_at is not None
        else None
    )
    details: dict[str, Any] = {
        "waiting": backlog.waiting,
        "oldest_age_seconds": age,
        "max_waiting": max_waiting,
        "max_age_seconds": max_age,
    }
    if backlog.waiting > max_waiting:
        return Check(ok=False, error="backlog", details=details)
    if age is not None and age > max_age:
        return Check(ok=False, error="stale", details=details)
    return Check(ok=True, details=details)


READINESS_CHECKS: dict[str, Callable[[], Check]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
    "beat": beat_check,
    "calendars": calendars_check,
    "deferred_tasks": deferred_tasks_check,
}


def readiness() -> Readiness:
    """Every readiness check, each on its own: one that fails does not hide the others."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in READINESS_CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
        except DatabaseError:
            logger.warning("Readiness check %s: database error", name, exc_info=True)
            result = Check(ok=False, error="database_unreachable")
        except Exception:
            # The reason goes to the log, where operators read it; the answer only says which.
            logger.warning("Readiness check %s failed", name, exc_info=True)
            result = Check(ok=False, error="unreachable")
        results[name] = result.as_dict((time.monotonic() - started) * 1000)
    return Readiness(checks=results)
