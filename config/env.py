"""Read the deployment's environment into Django settings values.

Kept apart from settings.py so the parsing rules can be tested without reloading settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from "X-Forwarded-Proto" or "X-Forwarded-Proto: https" (the
    value that means HTTPS; "https" when not given). Empty: no proxy header is trusted."""
    name, _colon, expected = value.partition(":")
    name = name.strip()
    if not name:
        return None
    meta_key = name.upper().replace("-", "_")
    if not meta_key.startswith("HTTP_"):
        meta_key = f"HTTP_{meta_key}"
    return meta_key, expected.strip() or "https"


def database_config(url: str | None, *, var_dir: Path) -> dict[str, Any]:
    """Django DATABASES['default'] for DATABASE_URL, or the embedded SQLite file under var/."""
    if not url:
        # The embedded database lives under var/, which a fresh checkout does not have yet.
        var_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{var_dir / 'complaints.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Web, worker and beat share the file: WAL lets readers work during a write, and IMMEDIATE
        # transactions take the write lock up front so concurrent writers wait instead of failing.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: every query here runs in milliseconds to about a second, and at a
        # million complaints PostgreSQL spent 0.2-0.4 s compiling each of the dashboard's and
        # the export's larger queries (bench/README.md, issue 14), more than it saved.
        options = config.setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    return config


def broker_config(
    url: str | None, *, var_dir: Path, socket_timeout: float = 2.0
) -> tuple[str, dict[str, Any]]:
    """Celery broker URL and transport options; without a URL, kombu's serverless filesystem queue.

    A Redis broker gets socket timeouts: kombu's default is to wait for ever, so a broker that
    hangs (stopped, failed over, cut off by a firewall) would hang every request that queues a
    task. Redis answers in microseconds; `socket_timeout` seconds is the limit.
    """
    if url and url.startswith(("redis://", "rediss://")):
        return url, {"socket_timeout": socket_timeout, "socket_connect_timeout": socket_timeout}
    if url:
        return url, {}
    queue_dir = var_dir / "broker" / "queue"
    processed_dir = var_dir / "broker" / "processed"
    control_dir = var_dir / "broker" / "control"
    options = {
        # One folder for in and out: every process on this machine is one node of the same broker.
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        "store_processed": False,
        # Broadcast (remote control) exchanges; kombu would otherwise write them to the cwd.
        "control_folder": str(control_dir),
        # The folder is polled; kombu's default of a second per look makes a burst crawl.
        "polling_interval": 0.1,
    }
    return "filesystem://localhost/", options


def cache_config(redis_url: str | None) -> dict[str, Any]:
    """Redis when REDIS_URL is set, degrading to each process's memory while it cannot be reached
    (config.cache.DegradingRedisCache); without it, each process's memory (the embedded setup).
    The socket timeouts bound what a hanging Redis costs: one wait per process per
    REDIS_RETRY_SECONDS, not one per operation (redis-py waits for ever by default)."""
    if redis_url:
        return {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": redis_url,
            "RETRY_SECONDS": env_float("REDIS_RETRY_SECONDS", 5.0),
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT_SECONDS", 0.5),
                "socket_timeout": env_float("REDIS_TIMEOUT_SECONDS", 1.0),
            },
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
