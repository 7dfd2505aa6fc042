"""Soak test: mixed staff, API and portal traffic for a long while against the real processes.

Creates `complaints_bench_soak` on PostgreSQL, migrates it and loads the demo organisation, then
starts the Procfile's web, worker, worker-sla and beat lines (gunicorn, two Celery workers, beat
sweeping every minute) on Redis, and drives them with locust (bench/soak_locustfile.py:
customers submitting and tracking, agents/handlers/heads on queues and cases, a partner system on
the API) for `--minutes`. Then it checks and prints:

- answers of 500 or more (gunicorn's access log) and requests that failed as locust saw them
  (refused connections, wrong answers): must be 0;
- nothing lost: portal submissions and API creations gunicorn answered as recorded (302 to the
  receipt, 201) = complaints of those channels in the database; every customer acknowledgment
  sent once the workers drained;
- p50 / p95 / p99 per request name (locust's statistics);
- resident memory of the web and worker process trees one minute in and at the end: growth < 10 %.

Rate limits of the public pages are raised for the run (every request is still counted in
Redis), as in bench/public_submit.py. E-mail goes to files in a temporary folder.

Usage: python bench/soak.py [--minutes 30] [--users 30] [--port 8741] [--redis-dbs 2,3]
Needs: PostgreSQL (BENCH_PG), Redis, and locust: pip install -r bench/requirements.txt
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import PG, ROOT, recreate_database, setup_django

DB_NAME = "complaints_bench_soak"
REDIS = os.environ.get("BENCH_REDIS_HOST", "redis://127.0.0.1:6379")
PROCESSES = ("web", "worker", "worker-sla", "beat")
RAISED_RATES = {
    "COMPLAINTS_RATE_SUBMIT": "1000000/h",
    "COMPLAINTS_RATE_SUBMIT_CONTACT": "1000000/h",
    "COMPLAINTS_RATE_TRACK": "1000000/h",
}
WARM_UP_SECONDS = 60
MEMORY_GROWTH_LIMIT = 0.10


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def procfile_lines() -> dict[str, str]:
    lines = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line and not line.startswith("#") and ":" in line:
            name, command = line.split(":", 1)
            lines[name.strip()] = command.strip()
    return lines


def tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's and Celery's forked children)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = task / "children"
        if children.exists():
            for child in children.read_text().split():
                found.extend(tree(int(child)))
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def wait_healthy(base: str, seconds: int = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the web process did not answer /healthz in time")


def percentiles(stats_csv: Path) -> list[dict[str, str]]:
    with stats_csv.open() as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=3)
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--redis-dbs", default="2,3", help="cache,broker (flushed)")
    args = parser.parse_args()
    locust = shutil.which("locust", path=str(Path(sys.executable).parent))
    if locust is None:
        raise SystemExit("locust is missing: pip install -r bench/requirements.txt")

    folder = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    cache_db, broker_db = args.redis_dbs.split(",")
    environ = {
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": f"{REDIS}/{cache_db}",
        "CELERY_BROKER_URL": f"{REDIS}/{broker_db}",
        "DJANGO_DEBUG": "0",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "WEB_BIND": f"127.0.0.1:{args.port}",
        "LOG_LEVEL": "WARNING",
        **RAISED_RATES,
    }
    recreate_database(DB_NAME)
    for database in (cache_db, broker_db):
        subprocess.run(["redis-cli", "-u", f"{REDIS}/{database}", "flushdb"], check=True)
    setup_django(DB_NAME, **environ)
    from django.core.management import call_command

    log("migrating and loading the demo organisation")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from complaints.models import Channel, Complaint, CustomerEmail

    # The Procfile's commands from this environment's bin (as `make run` puts it first on PATH).
    bin_dir = str(Path(sys.executable).parent)
    process_env = dict(os.environ, **environ, PATH=f"{bin_dir}:{os.environ.get('PATH', '')}")
    lines = procfile_lines()
    started: dict[str, subprocess.Popen] = {}
    access_log = folder / "access.log"
    for name in PROCESSES:
        command = lines[name]
        if name == "web":  # the Procfile's line, its access log to a file we can read
            command = command.replace("--access-logfile -", f"--access-logfile {access_log}")
        started[name] = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env=process_env,
            stdout=(folder / f"{name}.out").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_healthy(base)
        before = {
            channel: Complaint.objects.filter(channel=channel).count()
            for channel in (Channel.WEB, Channel.API)
        }
        log(
            f"{args.users} users for {args.minutes:g} min: "
            + ", ".join(f"{name} pid {process.pid}" for name, process in started.items())
        )
        seconds = int(args.minutes * 60)
        runner = subprocess.Popen(
            [
                locust,
                *("-f", str(ROOT / "bench" / "soak_locustfile.py")),
                "--headless",
                *("-u", str(args.users), "-r", str(args.spawn_rate)),
                *("-t", f"{seconds}s", "--host", base, "--csv", str(folder / "soak")),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            stdout=(folder / "locust.out").open("w"),
            stderr=subprocess.STDOUT,
        )

        def sample() -> tuple[float, float]:
            web = rss_mb(tree(started["web"].pid))
            workers = sum(rss_mb(tree(started[name].pid)) for name in ("worker", "worker-sla"))
            return web, workers

        started_at = time.time()
        first: tuple[float, float] | None = None
        while runner.poll() is None:
            time.sleep(5)
            if first is None and time.time() - started_at >= WARM_UP_SECONDS:
                first = sample()
                log(
                    f"memory after {WARM_UP_SECONDS} s: web {first[0]:.0f} MB, workers {first[1]:.0f} MB"
                )
        last = sample()
        first = first or last
        log("traffic stopped; letting the workers drain")
        deadline = time.time() + 120
        while (
            CustomerEmail.objects.filter(emailed_at__isnull=True).exists()
            and time.time() < deadline
        ):
            time.sleep(5)
    finally:
        for process in started.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in started.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    rows = percentiles(folder / "soak_stats.csv")
    # What gunicorn answered (locust stops reading the requests in flight when its time is up).
    served = [
        (match.group(1), int(match.group(2)))
        for line in access_log.read_text(errors="replace").splitlines()
        if (match := re.search(r'"(\S+ \S+) [^"]*" (\d{3}) ', line))
    ]
    statuses = [status for _request, status in served]
    server_errors = sum(1 for status in statuses if status >= 500)
    answered = {
        "portal": sum(
            1 for request, status in served if request == "POST /complaint/" and status == 302
        ),
        "api": sum(
            1
            for request, status in served
            if request == "POST /api/v1/complaints/" and status == 201
        ),
    }
    client_errors = sum(int(row["Failure Count"]) for row in rows)
    created = {
        channel: Complaint.objects.filter(channel=channel).count() - before[channel]
        for channel in (Channel.WEB, Channel.API)
    }
    unsent = CustomerEmail.objects.filter(emailed_at__isnull=True).count()

    print(f"\nSoak: {args.minutes:g} min, {args.users} users, {len(statuses):,} requests served")
    print(
        "Rate limits of the public pages raised: "
        + ", ".join(f"{k}={v}" for k, v in RAISED_RATES.items())
    )
    print(f"\n{'request':<26} {'count':>8} {'fail':>6} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    for row in sorted(rows, key=lambda row: row["Name"]):
        print(
            f"{row['Name']:<26} {int(row['Request Count']):>8,} {int(row['Failure Count']):>6} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    web_growth = (last[0] - first[0]) / first[0]
    workers_growth = (last[1] - first[1]) / first[1]
    checks = {
        "answers >= 500": (server_errors, server_errors == 0),
        "requests failed as locust saw them": (client_errors, client_errors == 0),
        "portal submissions answered = created": (
            f"{answered['portal']:,} = {created[Channel.WEB]:,}",
            answered["portal"] == created[Channel.WEB],
        ),
        "API creations answered = created": (
            f"{answered['api']:,} = {created[Channel.API]:,}",
            answered["api"] == created[Channel.API],
        ),
        "acknowledgments still unsent": (unsent, unsent == 0),
        "web memory (after warm-up → end)": (
            f"{first[0]:.0f} → {last[0]:.0f} MB ({web_growth:+.1%})",
            web_growth < MEMORY_GROWTH_LIMIT,
        ),
        "worker memory (after warm-up → end)": (
            f"{first[1]:.0f} → {last[1]:.0f} MB ({workers_growth:+.1%})",
            workers_growth < MEMORY_GROWTH_LIMIT,
        ),
    }
    print()
    for label, (value, ok) in checks.items():
        print(f"{label:<38} {value!s:>28}  {'ok' if ok else 'NOT MET'}")
    print(f"\nlogs and locust's CSV in {folder}")
    if not all(ok for _value, ok in checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
