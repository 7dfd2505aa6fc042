"""Django's Redis cache, with one client object per Redis server instead of one per operation.

Django's RedisCacheClient shares the connection pool but builds a new `redis.Redis` around it for
every get, add or incr: about 70 µs of Python each (its table of response callbacks is rebuilt),
four to six times for each complaint sent on the public form (the rate limits, the policy book).
A `redis.Redis` is safe to share between threads: each command takes a connection from the pool.
Its `incr` is one atomic round trip (INCR_EXISTING) instead of Django's two.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


# INCRBY only if the key exists, in one round trip. Django's client asks EXISTS and then INCRBY:
# two round trips for every rate-limit count, and a count that expires between the two is made
# again by INCRBY without its expiry (a rate limit that never lifts).
INCR_EXISTING = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then "
    "return redis.call('INCRBY', KEYS[1], ARGV[1]) end return false"
)


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both make one here; either is fine, the pool is the same.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key: Any, delta: int) -> Any:
        value = self.get_client(key, write=True).eval(INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


@dataclass
class _Outage:
    """One process's view of one Redis server being unreachable."""

    down: bool = False
    # Not tried again before this time.monotonic().
    until: float = 0.0
    # Keys written or deleted while it was down, (key, version) in the order met.
    stale: dict[tuple[Any, Any], None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def cache_outages_reset() -> None:
    """Forget every outage (tests: a new Redis on the same address)."""
    with _OUTAGES_LOCK:
        for outage in _OUTAGES.values():
            with outage.lock:
                outage.down, outage.until = False, 0.0
                outage.stale.clear()


class DegradingRedisCache(ReusedClientRedisCache):
    """The cache in production: Redis, and this process's memory while Redis cannot be reached.

    Nothing the product keeps in this cache is a record: rate-limit and throttle counts, labels and
    choices read from the database, the deadline policies, the dashboard's figures. So a Redis that
    is down, restarting or hanging must not turn a customer's complaint, a queue page or a sign-in
    into a 500 (Django's RedisCache raises on every operation). Here each operation that fails to
    reach Redis (a refused or timed-out connection) is answered from a local-memory cache of this
    process instead, and for `RETRY_SECONDS` after a failure Redis is not tried at all (one slow
    attempt per process per interval, not per operation, when it hangs: the socket timeouts are
    set in config.env.cache_config). Meanwhile:

    - rate limits and the API throttle count per process (as in the embedded setup without
      Redis): neither lifted nor made to refuse everybody;
    - cached labels and policies are read from the database and kept in the process for their
      usual time; an invalidation made during the outage reaches the other processes only when
      that time ends (5 minutes at most);
    - every key written or deleted during the outage is deleted from Redis when it answers again
      (its value there predates the change), and the local copies are dropped, so nothing stale
      is read from either afterwards.

    /readyz still reports the cache down: `probe` goes to Redis alone.
    """

    # How long after a failure Redis is left alone (CACHES["default"]["RETRY_SECONDS"]).
    RETRY_SECONDS = 5.0
    # At most this many keys to delete from Redis when it is back; beyond, the oldest are let go
    # (they expire on their own within their timeout).
    MAX_STALE_KEYS = 10_000

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        import redis

        self._errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self.retry_seconds = float(params.get("RETRY_SECONDS", self.RETRY_SECONDS))
        local = {
            key: params[key]
            for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
            if key in params
        }
        # Room for the rate-limit counts of many addresses (the default 300 would cull them).
        local["OPTIONS"] = {"MAX_ENTRIES": 10_000}
        # Django makes one cache object per thread: the memory (LocMemCache shares it by name)
        # and the outage's state are the process's, one per Redis server.
        self._local = LocMemCache(f"redis-fallback:{server}", local)
        with _OUTAGES_LOCK:
            self._outage = _OUTAGES.setdefault(str(server), _Outage())

    @property
    def _down(self) -> bool:
        return self._outage.down

    # -- the switch ------------------------------------------------------------------------

    def _call(self, method: str, *args: Any, writes: Iterable[Any] = (), **kwargs: Any) -> Any:
        version = kwargs.get("version")
        if self._down and (time.monotonic() < self._outage.until or not self._stale_dropped()):
            return self._locally(method, args, kwargs, writes, version)
        try:
            result = getattr(RedisCache, method)(self, *args, **kwargs)
        except self._errors:
            self._went_down()
            return self._locally(method, args, kwargs, writes, version)
        if self._down:
            self._came_back()
        return result

    def _locally(
        self, method: str, args: tuple, kwargs: dict, writes: Iterable[Any], version: Any
    ) -> Any:
        self._remember(writes, version)
        return getattr(self._local, method)(*args, **kwargs)

    def _went_down(self) -> None:
        outage = self._outage
        with outage.lock:
            first = not outage.down
            outage.down = True
            outage.until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "The cache (Redis) cannot be reached: this process caches and counts rate limits "
                "in its own memory until it answers again",
                exc_info=True,
            )

    def _stale_dropped(self) -> bool:
        """Before Redis is read again: delete from it the keys changed meanwhile (their values
        there predate the change). False: it is still down."""
        outage = self._outage
        with outage.lock:
            stale = list(outage.stale)
        by_version: dict[Any, list[Any]] = {}
        for key, version in stale:
            by_version.setdefault(version, []).append(key)
        try:
            for version, keys in by_version.items():
                RedisCache.delete_many(self, keys, version=version)
        except self._errors:
            self._went_down()
            return False
        with outage.lock:
            for entry in stale:
                outage.stale.pop(entry, None)
        return True

    def _came_back(self) -> None:
        outage = self._outage
        with outage.lock:
            if not outage.down:
                return
            outage.down = False
        self._local.clear()  # a later outage must not find this one's copies
        logger.warning("The cache (Redis) answers again")

    def _remember(self, keys: Iterable[Any], version: Any) -> None:
        outage = self._outage
        with outage.lock:
            for key in keys:
                outage.stale[(key, version)] = None
            while len(outage.stale) > self.MAX_STALE_KEYS:
                del outage.stale[next(iter(outage.stale))]

    def probe(self, key: str, value: str, timeout: int = 30) -> Any:
        """Store `value` in Redis itself and read it back (raises if Redis cannot be reached)."""
        RedisCache.set(self, key, value, timeout)
        result = RedisCache.get(self, key)
        if self._down and self._stale_dropped():
            self._came_back()
        return result

    # -- the operations --------------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version=version, writes=[key])

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version=version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call("set", key, value, timeout, version=version, writes=[key])

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version=version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._call("delete", key, version=version, writes=[key])

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("get_many", keys, version=version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._call("has_key", key, version=version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version=version, writes=[key])

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set_many", data, timeout, version=version, writes=list(data))

    def delete_many(self, keys: Any, version: Any = None) -> Any:
        keys = list(keys)
        return self._call("delete_many", keys, version=version, writes=keys)

    def clear(self) -> Any:
        self._local.clear()
        return self._call("clear")
