"""Real processes for end-to-end tests: the Procfile's commands, started and stopped cleanly.

Workers, beat and the web server run as separate processes, exactly as a deployment runs them;
the tests talk to them through PostgreSQL, Redis and HTTP only.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import connection

from config.dispatch import broker_breaker_reset

BASE_DIR = Path(__file__).resolve().parents[1]

# The marks of a test that runs real Celery workers on pytest's test database: they must see its
# committed rows (PostgreSQL, a transactional test) and share a real broker with it (Redis).
REAL_WORKER_MARKS = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql"
        or not str(settings.CELERY_BROKER_URL).startswith("redis://"),
        reason="needs PostgreSQL and a Redis broker (DATABASE_URL, CELERY_BROKER_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def procfile_commands() -> dict[str, str]:
    """The Procfile's processes by name, parsed the way honcho reads them."""
    commands = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, separator, command = line.partition(":")
        if separator and name.strip() and not name.startswith("#"):
            commands[name.strip()] = command.strip()
    return commands


def database_url(db: Mapping) -> str:
    """A DATABASE_URL for a Django DATABASES entry (e.g. pytest's test database)."""
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def worker_env(**overrides: str) -> dict[str, str]:
    """The environment of a process on pytest's test database and broker, tasks really queued."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "CELERY_BROKER_URL": str(settings.CELERY_BROKER_URL),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.update(overrides)
    return env


def start_worker(log: Path, **env: str) -> subprocess.Popen:
    """One solo Celery worker on every queue, on the test database and this process's broker;
    `env` adds to its environment (e.g. a mailbox: tests.mailbox)."""
    command = (
        f"{sys.executable} -m celery -A config worker -P solo --loglevel=INFO --without-gossip "
        f"--without-mingle --without-heartbeat -n test-{os.getpid()}-{time.monotonic_ns()}@%h"
    )
    return start(command, env=worker_env(**env), log=log)


def mailbox_env(folder: Path) -> dict[str, str]:
    """A worker's environment for e-mails written to `folder` (tests.mailbox.FolderBackend)."""
    return {"EMAIL_BACKEND": "tests.mailbox.FolderBackend", "EMAIL_FILE_PATH": str(folder)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    # Linux: the process gets SIGTERM if pytest itself dies before its cleanup runs.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(command: str, *, env: Mapping[str, str], log: Path) -> subprocess.Popen:
    """Run a shell command line (a Procfile entry) in its own process group, output to `log`."""
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    with log.open("wb") as output:
        return subprocess.Popen(
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=BASE_DIR,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,
        )


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """SIGTERM the process group (a warm shutdown), SIGKILL what is still there after `timeout`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until(
    condition: Callable[[], object],
    *,
    what: str,
    processes: Mapping[str, subprocess.Popen],
    logs: Mapping[str, Path],
    timeout: float = 60,
) -> object:
    """Poll `condition` until it is truthy; fail with the processes' logs when time runs out or
    one of them dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if any(process.poll() is not None for process in processes.values()):
            break
        time.sleep(0.5)
    report = "\n".join(
        f"--- {name} (exit code {processes[name].poll() if name in processes else '-'}):\n"
        f"{path.read_text(errors='replace')[-3000:]}"
        for name, path in logs.items()
        if path.exists()
    )
    pytest.fail(f"timed out waiting for {what}:\n{report}")


REDIS_SERVER = shutil.which("redis-server")


class RedisServer:
    """A Redis of the test's own (its own port, nothing saved to disk), to stop and start at will;
    the shared Redis on 6379 is never touched."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None, "needs redis-server"
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the test's Redis did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """Hang it: connections are still accepted (by the kernel), nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def queue_length(self, queue: str) -> int:
        return redis.Redis.from_url(self.url).llen(queue)


def broker_connections_reset() -> None:
    """Forget this process's broker connections and that the broker was down (a new address, or
    the broker back)."""
    current_app._pool = None
    current_app.amqp._producer_pool = None
    broker_breaker_reset()


@pytest.fixture
def private_broker(settings, monkeypatch):
    """A RedisServer as this process's broker, tasks really queued; the test stops and starts it."""
    server = RedisServer()
    server.start()
    previous = current_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False  # from here on, tasks go to the broker
    # Celery reads a CELERY_BROKER_URL environment variable (CI sets one) before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    settings.CELERY_BROKER_URL = server.url
    current_app.conf.broker_url = server.url
    broker_connections_reset()
    yield server
    if server.process is not None:
        server.resume()  # a paused one would not stop
    server.stop()
    current_app.conf.broker_url = previous
    broker_connections_reset()
