"""/healthz and /readyz: JSON, cheap, 200 or 503 naming the failed check, silent about the
installation; beat's heartbeat task and its schedule."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app
from health import selectors
from health.models import Heartbeat
from health.services import BEAT, heartbeat_record
from health.tasks import beat_heartbeat_task
from sla.models import CalendarYear

pytestmark = pytest.mark.django_db

CHECKS = {"database", "cache", "broker", "beat", "calendars", "deferred_tasks"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


@pytest.fixture
def beating():
    beat_heartbeat_task.delay()  # eager in tests: what the sla worker does every minute


def failed(response) -> dict[str, dict]:
    return {name: check for name, check in response.json()["checks"].items() if not check["ok"]}


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_200_when_everything_answers_in_five_queries(
    client, org, beating, django_assert_num_queries
):
    # SELECT 1, the heartbeat, the calendars and their years, the deferred tasks
    with django_assert_num_queries(5):
        response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["beat"]["age_seconds"] < 60


def test_a_broker_on_a_closed_port_is_503_naming_the_broker(client, beating, settings):
    port = closed_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"
    assert set(failed(response)) == {"broker"}
    assert failed(response)["broker"]["error"] == "unreachable"
    assert failed(response)["broker"]["ms"] < 3000  # HEALTH_BROKER_TIMEOUT_SECONDS bounds it
    text = response.content.decode()
    assert str(port) not in text and "127.0.0.1" not in text and "redis" not in text


def test_a_stale_heartbeat_is_503_with_its_age(client, settings):
    settings.HEALTH_BEAT_MAX_AGE_SECONDS = 180
    heartbeat_record(at=timezone.now() - timedelta(minutes=10))

    response = client.get("/readyz")

    assert response.status_code == 503
    beat = failed(response)["beat"]
    assert beat["error"] == "stale"
    assert 599 <= beat["age_seconds"] <= 660
    assert beat["max_age_seconds"] == 180
    assert set(failed(response)) == {"beat"}


def test_no_heartbeat_yet_is_503(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert failed(response)["beat"]["error"] == "no_heartbeat"


def test_a_calendar_missing_next_year_is_503_naming_the_year(client, beating):
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    calendars = failed(response)["calendars"]
    assert calendars["error"] == "years_missing"
    assert next_year in next(iter(calendars["missing"].values()))


def test_a_cache_that_cannot_be_reached_is_503_naming_the_cache(client, beating, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert set(failed(response)) == {"cache"}
    assert failed(response)["cache"]["error"] == "unreachable"


def test_a_database_error_is_503_without_its_message(client, beating, monkeypatch):
    def lost() -> selectors.Check:
        raise OperationalError('could not connect to server at "db.internal" (10.0.0.5)')

    monkeypatch.setitem(selectors.READINESS_CHECKS, "database", lost)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert failed(response)["database"]["error"] == "database_unreachable"
    assert "db.internal" not in response.content.decode()


def test_the_probes_are_not_redirected_to_https_and_take_only_get(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
    assert client.post("/healthz").status_code == 405


def test_the_heartbeat_task_overwrites_one_row_and_runs_on_the_sla_queue(settings):
    first = beat_heartbeat_task()
    second = beat_heartbeat_task()

    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get(name=BEAT).at.isoformat() == second >= first
    assert app.amqp.router.route({}, "health.tasks.beat_heartbeat_task")["queue"].name == "sla"


def test_migrate_schedules_the_heartbeat_every_minute():
    task = PeriodicTask.objects.get(task="health.tasks.beat_heartbeat_task")

    assert task.enabled
    assert task.interval.every == 60
    assert task.interval.period == "seconds"
