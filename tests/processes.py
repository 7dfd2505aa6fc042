"""Real processes for end-to-end tests: the Procfile's commands, started and stopped cleanly.

Workers, beat and the web server run as separate processes, exactly as a deployment runs them;
the tests talk to them through PostgreSQL, Redis and HTTP only.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

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
