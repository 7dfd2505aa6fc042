"""The cache's Redis goes down (issue 15, §4): complaints are still saved, pages still render,
sign-in still works, rate limits still count (in each process), and /readyz says the cache is down.

A real Redis of the test's own (its own port, nothing saved to disk) is CACHES["default"] through
the production configuration (config.env.cache_config → config.cache.DegradingRedisCache, with
short timeouts); the test stops or hangs it in the middle and starts it again. The shared Redis
on 6379 and the helpers' 6380 are never touched.
"""

from __future__ import annotations

import time

import pytest
import redis
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from complaints.models import Category, Complaint
from complaints.services import public_intake
from config.cache import cache_outages_reset
from config.env import cache_config
from health.tasks import beat_heartbeat_task
from tests.accounts.conftest import token_exchange
from tests.processes import REDIS_SERVER, RedisServer
from tests.public.conftest import SUBMIT_URL, form_data, submitted_path

pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
    pytest.mark.django_db,
]

RETRY = 0.3  # seconds Redis is left alone after a failure (production: 5)
TIMEOUT = 0.3  # socket timeouts (production: 0.5 to connect, 1 to answer)
PASSWORD = "demo1234"
LABEL = "Leaking after repair"


@pytest.fixture
def labelled(org):
    """The category's English name, as the queue pages print it on each row."""
    Category.objects.filter(pk=org.category.pk).update(name_en=LABEL)
    return org


@pytest.fixture
def private_cache(settings):
    """A RedisServer as CACHES["default"], configured as production configures REDIS_URL."""
    server = RedisServer()
    server.start()
    config = cache_config(server.url)
    config["RETRY_SECONDS"] = RETRY
    config["OPTIONS"] = {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT}
    settings.CACHES = {**settings.CACHES, "default": config}
    cache_outages_reset()
    yield server
    if server.process is not None:
        server.resume()  # a paused one would not stop
    server.stop()
    cache_outages_reset()


def keys_in(server: RedisServer) -> list[str]:
    return sorted(key.decode() for key in redis.Redis.from_url(server.url).keys("*"))


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


class TestThePublicForm:
    def test_a_complaint_sent_as_the_cache_stops_is_saved_and_limits_count_in_the_process(
        self, client, private_cache, settings, monkeypatch
    ) -> None:
        settings.COMPLAINTS_PUBLIC_RATES = {
            **settings.COMPLAINTS_PUBLIC_RATES,
            "public-submit": "4/h",
        }
        cache = private_cache
        submitted_path(client.post(SUBMIT_URL, form_data(customer_phone="13900000001")))
        assert any("public-submit" in key or "rl:" in key for key in keys_in(cache))

        # The cache dies while the next complaint is being recorded (its count already taken).
        real_create = public_intake.complaint_create

        def create_then_lose_the_cache(**kwargs):
            complaint = real_create(**kwargs)
            cache.stop()
            return complaint

        monkeypatch.setattr(public_intake, "complaint_create", create_then_lose_the_cache)
        receipt = submitted_path(client.post(SUBMIT_URL, form_data(customer_phone="13900000002")))
        monkeypatch.setattr(public_intake, "complaint_create", real_create)
        assert client.get(receipt).status_code == 200
        assert Complaint.objects.count() == 2

        # Still down: each complaint saved at once; the limit (4 an hour) counts in this
        # process's memory from 0, so the 5th from this address in the outage is refused.
        answers, took = [], []
        for n in range(5):
            response, seconds = timed(
                lambda n=n: client.post(SUBMIT_URL, form_data(customer_phone=f"1390000010{n}"))
            )
            answers.append(response.status_code)
            took.append(seconds)
        assert answers == [302, 302, 302, 302, 429]
        assert Complaint.objects.count() == 6
        assert max(took) < 2.0, took

        # Back (a new, empty Redis on the same port): counted in Redis again.
        cache.start()
        time.sleep(RETRY + 0.1)
        submitted_path(client.post(SUBMIT_URL, form_data(customer_phone="13900000201")))
        assert Complaint.objects.count() == 7
        assert keys_in(cache)


class TestStaffPagesAndSignIn:
    def test_queue_pages_sign_in_and_the_dashboard_render_with_the_cache_stopped(
        self, labelled, client_for, new_complaint, private_cache
    ) -> None:
        org = labelled
        cache = private_cache
        new_complaint()
        manager = client_for(org.manager)
        assert manager.get(reverse("queue", args=["all"])).status_code == 200
        assert any("reference-labels" in key for key in keys_in(cache))

        cache.stop()

        page = manager.get(reverse("queue", args=["all"]))
        assert page.status_code == 200
        assert LABEL in page.content.decode()
        assert manager.get(reverse("queue_tab_counts")).status_code == 200
        assert manager.get(reverse("reports:dashboard")).status_code == 200
        # Sign-in: sessions and the lockout live in the database.
        person = Client()
        answer = person.post(reverse("login"), {"username": "handler", "password": PASSWORD})
        assert answer.status_code == 302
        assert person.get(reverse("queue", args=["mine"])).status_code == 200
        stranger = Client()
        for _ in range(5):
            stranger.post(reverse("login"), {"username": "agent", "password": "wrong"})
        locked = stranger.post(reverse("login"), {"username": "agent", "password": PASSWORD})
        assert locked.status_code == 429  # the lockout holds without the cache
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT).exists()

    def test_a_hanging_cache_costs_one_timeout_per_retry_interval(
        self, labelled, client_for, new_complaint, private_cache
    ) -> None:
        org = labelled
        cache = private_cache
        new_complaint()
        manager = client_for(org.manager)
        url = reverse("queue", args=["all"])
        assert manager.get(url).status_code == 200

        cache.pause()  # takes connections, answers nothing
        first, first_seconds = timed(lambda: manager.get(url))
        second, second_seconds = timed(lambda: manager.get(url))
        cache.resume()

        assert first.status_code == second.status_code == 200
        # One wait of the socket timeout, then Redis is left alone for RETRY seconds.
        assert TIMEOUT <= first_seconds < TIMEOUT + 1.0
        assert second_seconds < TIMEOUT

    def test_a_redis_back_with_its_old_data_is_not_read_for_what_changed_meanwhile(
        self, labelled, client_for, new_complaint, private_cache
    ) -> None:
        org = labelled
        """A Redis restarted from its snapshot (or back from a network partition) still holds
        what was cached before: what was written or forgotten during the outage is deleted from
        it before it is read again."""
        cache = private_cache
        new_complaint()
        manager = client_for(org.manager)
        url = reverse("queue", args=["all"])
        assert LABEL in manager.get(url).content.decode()
        store = redis.Redis.from_url(cache.url)
        saved = {key: store.dump(key) for key in store.keys("*reference-labels*")}
        assert saved

        cache.stop()
        category = Category.objects.get(pk=org.category.pk)
        category.name_en = "Renamed in the outage"
        category.save()  # forgets the labels: Redis cannot be told, so it is remembered
        during = manager.get(url).content.decode()
        cache.start()
        store = redis.Redis.from_url(cache.url)
        for key, dumped in saved.items():  # back with the data it had
            store.restore(key, 0, dumped)
        time.sleep(RETRY + 0.1)
        after = manager.get(url).content.decode()

        assert "Renamed in the outage" in during
        assert "Renamed in the outage" in after
        assert LABEL not in after


class TestTheApiThrottle:
    def test_the_token_throttle_counts_in_the_process_while_the_cache_is_down(
        self, org, private_cache
    ) -> None:
        private_cache.stop()
        client = APIClient(REMOTE_ADDR="198.51.100.70")

        answers = [token_exchange(client, f"nobody{i}", "wrong").status_code for i in range(11)]

        assert answers == [400] * 10 + [429]


class TestReadiness:
    def test_readyz_names_the_cache_while_it_is_down_and_is_ready_when_it_returns(
        self, client, private_cache
    ) -> None:
        beat_heartbeat_task.delay()
        cache = private_cache
        assert client.get("/readyz").status_code == 200

        cache.stop()
        stopped = client.get("/readyz")
        cache.start()
        cache.pause()
        hanging, seconds = timed(lambda: client.get("/readyz"))
        cache.resume()
        back = client.get("/readyz")

        for response in (stopped, hanging):
            assert response.status_code == 503
            failed = {n: c for n, c in response.json()["checks"].items() if not c["ok"]}
            assert failed == {"cache": failed["cache"]}
            assert failed["cache"]["error"] == "unreachable"
        assert seconds < 2 * TIMEOUT + 0.5
        assert back.status_code == 200


def test_a_count_goes_up_only_while_it_exists_and_keeps_its_expiry(private_cache):
    # Rate limits count with add (the first request of a window) and incr (the others): incr is
    # one atomic step on Redis, so a count that just expired is never made again without expiry.
    from django.core.cache import cache

    assert cache.add("count", 0, 60)
    assert cache.incr("count") == 1
    assert cache.incr("count", 5) == 6
    assert cache.get("count") == 6
    (stored,) = [key for key in keys_in(private_cache) if key.endswith("count")]
    assert 0 < redis.Redis.from_url(private_cache.url).ttl(stored) <= 60
    with pytest.raises(ValueError):
        cache.incr("gone")
    assert not [key for key in keys_in(private_cache) if key.endswith("gone")]
