"""The token exchange's throttle counts per client address by the trusted rule, in the shared
cache: rotating X-Forwarded-For does not reset it, and with Redis every process sees one count."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import caches
from rest_framework.test import APIClient

from tests.accounts.conftest import token_exchange

pytestmark = pytest.mark.django_db

RATE = 10  # DEFAULT_THROTTLE_RATES["token"]: 10/minute
REDIS_TEST_URL = "redis://127.0.0.1:6379/12"


def exchange_many(client: APIClient, n: int, **headers: str) -> list[int]:
    # A new login name each time, so the sign-in lockout (5 per name) stays out of the way.
    return [token_exchange(client, f"nobody{i}", "wrong", **headers).status_code for i in range(n)]


def test_rotating_x_forwarded_for_does_not_reset_the_throttle(org):
    client = APIClient(REMOTE_ADDR="198.51.100.60")
    answers = [
        token_exchange(
            client, f"nobody{i}", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1"
        ).status_code
        for i in range(RATE + 1)
    ]

    assert answers == [400] * RATE + [429]


def test_another_real_address_has_its_own_count(org):
    exchange_many(APIClient(REMOTE_ADDR="198.51.100.61"), RATE + 1)

    assert exchange_many(APIClient(REMOTE_ADDR="198.51.100.62"), 1) == [400]


def test_behind_the_trusted_proxy_the_address_it_saw_is_counted(org, settings):
    settings.COMPLAINTS_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")

    first = exchange_many(proxy, RATE + 1, HTTP_X_FORWARDED_FOR="forged, 203.0.113.10")
    second = exchange_many(proxy, 1, HTTP_X_FORWARDED_FOR="203.0.113.11")

    assert first == [400] * RATE + [429]
    assert second == [400]  # one proxy, many clients: each counted apart


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379")
def test_with_redis_the_count_lives_in_redis_for_every_process(org, settings):
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.ReusedClientRedisCache", "LOCATION": REDIS_TEST_URL}
    }
    raw = redis.Redis.from_url(REDIS_TEST_URL)
    raw.flushdb()
    try:
        exchange_many(APIClient(REMOTE_ADDR="198.51.100.63"), 3)
        # What another web process would read: the same key in the same Redis.
        keys = [key.decode() for key in raw.keys("*throttle_token_198.51.100.63")]
        assert len(keys) == 1
        assert len(caches["default"].get("throttle_token_198.51.100.63")) == 3
        # A second client object (another process) continues the same count.
        caches["default"].close()
        assert exchange_many(APIClient(REMOTE_ADDR="198.51.100.63"), RATE - 3 + 1)[-1] == 429
    finally:
        raw.flushdb()
