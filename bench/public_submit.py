"""Benchmark the customers' complaint form and tracking page under gunicorn at a million complaints.

Seeds `complaints_bench_public` with the SQL of workspace_pages.py (N complaints, default
1,000,000, with their customers, clocks and timeline rows), collects the static files, then starts
gunicorn as the Procfile does (`gunicorn config.wsgi --workers 3 --threads 2`, access log on) with
production settings: DEBUG off, CONN_MAX_AGE as config.env gives PostgreSQL (60 s, health checks),
the cache (rate-limit counts) and the Celery broker on the local Redis (databases 5 and 6 by
default, flushed by the bench; no worker runs, so the acknowledgment tasks wait there).

1. Submissions: the form is fetched once for its CSRF cookie and token, then wrk POSTs it for
   `--duration` seconds at `--concurrency` connections without attachments, every request with a
   submission key, phone number and e-mail address of its own (bench/wrk/submit.lua), after a
   short unrecorded warm-up. Success is a 302 to the receipt page. Complaints created are counted
   in the database and must equal the 302s gunicorn served in the window (its access log; wrk
   stops reading the requests in flight when its window closes, so its own count may be lower by
   at most the concurrency).
2. The tracking page: GET /complaint/track/<signed link>/ round-robin over `--tracked` seeded
   complaints in every state, same concurrency and duration.
3. Queries per submission and per tracking page, counted in this process with Django's test
   client and CaptureQueriesContext on the same database and settings.

The rate limits of the public pages are raised for the run through COMPLAINTS_RATE_* (every
request still counts in Redis); the output says so.

Usage: python bench/public_submit.py [--size 1000000] [--duration 60] [--concurrency 8] [--keep]
       python bench/public_submit.py --keep --profile 200   # cProfile of 200 in-process sends
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432), Redis on 127.0.0.1,
wrk (`apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from common import PG, ROOT, recreate_database, setup_django
from workspace_pages import plain_static_files, seed

DB_NAME = "complaints_bench_public"
REDIS = os.environ.get("BENCH_REDIS_HOST", "redis://127.0.0.1:6379")
HOST = "127.0.0.1"
LUA_DIR = Path(__file__).resolve().parent / "wrk"
SUBMIT_PATH = "/complaint/"
RECEIPT_PREFIX = "/complaint/submitted/"
# Raised for the run so that one address (wrk's) is never refused; still counted in Redis.
RAISED_RATES = {
    "COMPLAINTS_RATE_SUBMIT": "1000000/h",
    "COMPLAINTS_RATE_SUBMIT_CONTACT": "1000000/h",
    "COMPLAINTS_RATE_TRACK": "1000000/h",
}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the data ---------------------------------------------------------------------------------

# The seeded references use the numbers of every year up to N/6: new ones continue after them,
# whether intake counts in the year's row or in its PostgreSQL sequence (made from the row).
REFERENCE_SQL = """
INSERT INTO complaints_referencesequence (year, last_number)
SELECT split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::int)
FROM complaints_complaint GROUP BY 1
ON CONFLICT (year) DO UPDATE SET last_number = GREATEST(
    complaints_referencesequence.last_number, EXCLUDED.last_number);
SELECT setval(c.oid::regclass, r.last_number)
FROM complaints_referencesequence r
JOIN pg_class c ON c.relname = 'complaint_reference_' || r.year AND c.relkind = 'S';
"""


def prepare_data(size: int, keep: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)  # a kept database may predate the newest migrations
    if not keep:
        log(f"seeding {size:,} complaints (workspace_pages.py's SQL)")
        log(f"seeded in {seed(size)['seed_seconds']:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE_SQL)


def tracked_paths(count: int) -> list[str]:
    """Signed tracking links of `count` seeded complaints spread over the table (every state)."""
    from django.db.models import Max, Min

    from complaints.models import Complaint
    from complaints.public_links import tracking_token

    bounds = Complaint.objects.aggregate(low=Min("pk"), high=Max("pk"))
    step = max((bounds["high"] - bounds["low"]) // count, 1)
    ids = range(bounds["low"], bounds["high"] + 1, step)
    cases = Complaint.objects.filter(pk__in=list(ids)[:count]).only("pk", "public_token")
    return [f"/complaint/track/{tracking_token(case)}/" for case in cases]


def flush_redis(databases: tuple[int, int]) -> None:
    import redis

    for number in databases:
        redis.Redis.from_url(f"{REDIS}/{number}").flushdb()


# --- gunicorn ---------------------------------------------------------------------------------


class Server:
    """gunicorn as the Procfile starts it, on a port of its own; stopped by the PID it started."""

    def __init__(
        self, *, port: int, environ: dict[str, str], folder: Path, workers: int, threads: int
    ) -> None:
        self.port = port
        self.workers, self.threads = workers, threads
        self.environ = environ
        self.access_log = folder / "access.log"
        self.error_log = folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, self.port)) == 0:
                raise SystemExit(f"port {self.port} is in use; pass --port")
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            *("--bind", f"{HOST}:{self.port}"),
            *("--workers", str(self.workers), "--threads", str(self.threads)),
            *("--access-logfile", str(self.access_log)),
            # status, microseconds, request line, where a redirect points
            *("--access-logformat", '%(s)s %(D)s "%(r)s" %({location}o)s'),
            *("--error-logfile", str(self.error_log), "--no-control-socket"),
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.environ, stdout=subprocess.DEVNULL
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.error_log}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start in 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *map(int, children.read_text().split())]

    def lines(self) -> list[str]:
        return self.access_log.read_text(errors="replace").splitlines()

    def settle(self) -> None:
        """Wait until the requests wrk left in flight are served (the log stops growing)."""
        count = -1
        while (now := len(self.lines())) != count:
            count = now
            time.sleep(1.0)


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def postgres_cpu() -> float:
    """CPU seconds of PostgreSQL so far: its live processes, plus what the ones that ended used
    (counted in the postmaster's children's time: gunicorn's connections are replaced every
    CONN_MAX_AGE). The whole server: run it when no other database is busy."""
    total, postmaster = 0.0, None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        parent = Path(f"/proc/{fields[1]}/comm")
        if not parent.exists() or parent.read_text().strip() != "postgres":
            postmaster = fields  # the one whose parent is not PostgreSQL
    if postmaster is not None:
        total += (int(postmaster[13]) + int(postmaster[14])) / CLK_TCK
    return total


# --- load -------------------------------------------------------------------------------------


def wrk(base: str, script: str, environ: dict[str, str], *, connections: int, seconds: int) -> dict:
    command = [
        "wrk",
        *("-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s"),
        *("--timeout", "10s", "-s", str(LUA_DIR / script), base),
    ]
    env = dict(os.environ, BENCH_LUA_DIR=str(LUA_DIR), **environ)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")
    return json.loads(line.removeprefix("WRKJSON "))


def submit_setup(base: str, run: str) -> dict[str, str]:
    """The form's CSRF cookie and token (one GET, as a browser), and the body wrk sends."""
    import requests

    from complaints.services.public_intake import PRIVACY_NOTICE_VERSION

    browser = requests.Session()
    page = browser.get(base + SUBMIT_PATH, timeout=30)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    category = re.search(r'<select name="category".*?<option value="(\d+)"', page.text, re.S)
    # A mobile number of this run's block (13[5-9]x), then the request's own seven digits.
    block = f"{secrets.choice(range(50, 100))}"
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "submission_key": "FORMKEY",
            "notice_version": PRIVACY_NOTICE_VERSION,
            "website": "",
            "customer_name": "李女士",
            "customer_phone": f"13{block}SEQNO",
            "customer_email": f"bench.{run}.SEQNO@example.com",
            "region": "上海市",
            "category": category.group(1) if category else "",
            "product_or_service": "KFR-35GW 空调",
            "order_ref": "JD-SEQNO",
            "description": "安装后第二天就漏水，地板被泡坏了。\n师傅说是管路问题，但一直没人来修。",
            "remedy_sought": "repair",
            "expected_resolution": "尽快上门维修，并赔偿地板损失。",
            "amount_claimed": "800.00",
            "consent": "on",
        }
    )
    return {
        "BENCH_PATH": SUBMIT_PATH,
        "BENCH_BODY": body,
        "BENCH_RUN": run,
        "BENCH_COOKIE": f"csrftoken={browser.cookies['csrftoken']}",
        "BENCH_EXPECT": "302",
        "BENCH_LOCATION": RECEIPT_PREFIX,
    }


def served_submissions(lines: list[str]) -> Counter:
    """The access log's POSTs of the form: 'receipt' (302 to the receipt page) or their status."""
    kinds: Counter = Counter()
    for line in lines:
        if f'"POST {SUBMIT_PATH} ' not in line:
            continue
        status = line.split(" ", 1)[0]
        kinds["receipt" if status == "302" and RECEIPT_PREFIX in line else status] += 1
    return kinds


def measure_submissions(server: Server, base: str, args: argparse.Namespace) -> dict:
    from complaints.models import Complaint

    run = secrets.token_hex(4)
    environ = submit_setup(base, run)
    wrk(base, "submit.lua", {**environ, "BENCH_RUN": run + "w"}, connections=2, seconds=5)
    server.settle()
    first_new = (Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    mark = len(server.lines())
    cpu_app, cpu_db = cpu_seconds(server.pids()), postgres_cpu()
    result = wrk(base, "submit.lua", environ, connections=args.concurrency, seconds=args.duration)
    server.settle()
    result["cpu_app_s"] = cpu_seconds(server.pids()) - cpu_app
    result["cpu_db_s"] = postgres_cpu() - cpu_db
    result["served"] = served_submissions(server.lines()[mark:])
    result["created"] = Complaint.objects.filter(pk__gte=first_new).count()
    return result


def measure_tracking(server: Server, base: str, paths: list[str], args) -> dict:
    environ = {"BENCH_PATHS": " ".join(paths), "BENCH_EXPECT": "200"}
    wrk(base, "get.lua", environ, connections=2, seconds=5)
    server.settle()
    cpu_app, cpu_db = cpu_seconds(server.pids()), postgres_cpu()
    result = wrk(base, "get.lua", environ, connections=args.concurrency, seconds=args.duration)
    server.settle()
    result["cpu_app_s"] = cpu_seconds(server.pids()) - cpu_app
    result["cpu_db_s"] = postgres_cpu() - cpu_db
    return result


# --- in this process --------------------------------------------------------------------------


def form_data(number: int) -> dict[str, str]:
    from complaints.forms.public import new_submission_key
    from complaints.models import Category
    from complaints.services.public_intake import PRIVACY_NOTICE_VERSION

    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()
    return {
        "submission_key": new_submission_key(),
        "notice_version": PRIVACY_NOTICE_VERSION,
        "customer_name": "李女士",
        "customer_phone": f"1340{number:07d}",
        "customer_email": f"probe.{number}@example.com",
        "region": "上海市",
        "category": str(category or ""),
        "product_or_service": "KFR-35GW 空调",
        "order_ref": f"JD-{number}",
        "description": "安装后第二天就漏水，地板被泡坏了。\n师傅说是管路问题，但一直没人来修。",
        "remedy_sought": "repair",
        "expected_resolution": "尽快上门维修，并赔偿地板损失。",
        "amount_claimed": "800.00",
        "consent": "on",
    }


def query_kinds(queries: list[dict]) -> str:
    kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in queries)
    return ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())


def count_queries(tracked: str, *, show: bool) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    base = secrets.randbelow(10_000_000 - 10)
    for number in range(3):  # warm: per-process caches (calendar, settings), prepared plans
        assert client.post(SUBMIT_PATH, form_data(base + number)).status_code == 302
        assert client.get(tracked).status_code == 200
    data = form_data(base + 9)
    with CaptureQueriesContext(connection) as submission:
        response = client.post(SUBMIT_PATH, data)
    assert response.status_code == 302, response.status_code
    with CaptureQueriesContext(connection) as tracking:
        assert client.get(tracked).status_code == 200
    print(
        f"queries per submission:    {len(submission):>3} ({query_kinds(submission.captured_queries)})"
    )
    print(
        f"queries per tracking page: {len(tracking):>3} ({query_kinds(tracking.captured_queries)})"
    )
    if show:
        for label, queries in (("submission", submission), ("tracking", tracking)):
            print(f"--- {label}")
            for query in queries.captured_queries:
                print(f"{query['time']:>6} {query['sql'][:220]}")


def profile(sends: int, *, tracking: bool = False) -> None:
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    base = secrets.randbelow(10_000_000 - sends - 10)
    paths = tracked_paths(200) if tracking else []

    def send(number: int) -> None:
        if tracking:
            client.get(paths[number % len(paths)])
        else:
            client.post(SUBMIT_PATH, form_data(base + number))

    for number in range(3):
        send(number)
    # CPU time, not wall time: what this process spends, whatever else the machine runs (the
    # database's own time is not in it; see "CPU per submission" of a wrk run for that).
    profiler = cProfile.Profile(time.process_time)
    started, cpu_started = time.perf_counter(), time.process_time()
    profiler.enable()
    for number in range(sends):
        send(10 + number)
    profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    what = "tracking pages" if tracking else "submissions"
    print(
        f"{sends} {what} in this process: {elapsed / sends * 1000:.1f} ms each, "
        f"{cpu / sends * 1000:.1f} ms of its CPU (profiled)"
    )
    if os.environ.get("PROFILE_OUT"):
        profiler.dump_stats(os.environ["PROFILE_OUT"])
    pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
        int(os.environ.get("PROFILE_LINES", "45"))
    )


# --- report -----------------------------------------------------------------------------------


def report_submissions(result: dict, args: argparse.Namespace) -> bool:
    served = result["served"]
    receipts = served.get("receipt", 0)
    other = {k: v for k, v in served.items() if k != "receipt"}
    errors = (
        result["bad"]
        + result["err_connect"]
        + result["err_read"]
        + result["err_write"]
        + result["err_timeout"]
    )
    print(
        f"\nSubmissions: POST {SUBMIT_PATH}, {args.duration} s at concurrency {args.concurrency}, "
        "no attachments"
    )
    print(f"  submissions/s           {result['good'] / result['duration_s']:>9.1f}")
    print(
        f"  p50 / p95 / p99         {result['p50_ms']:>6.1f} / {result['p95_ms']:.1f} / "
        f"{result['p99_ms']:.1f} ms (max {result['max_ms']:.0f} ms)"
    )
    print(
        f"  errors                  {errors:>9} (other answers {result['bad']}, socket "
        f"{result['err_connect']}/{result['err_read']}/{result['err_write']}/"
        f"{result['err_timeout']} connect/read/write/timeout; served otherwise: {other or 0})"
    )
    print(
        f"  302 to the receipt      {result['good']:>9} answered to wrk, {receipts} served "
        "(access log, with the requests in flight when the window closed)"
    )
    print(f"  complaints created      {result['created']:>9}")
    total = max(receipts + sum(other.values()), 1)
    print(
        f"  CPU per submission      app {result['cpu_app_s'] / total * 1000:.1f} ms, "
        f"PostgreSQL {result['cpu_db_s'] / total * 1000:.1f} ms"
    )
    consistent = (
        result["created"] == receipts and 0 <= receipts - result["good"] <= args.concurrency
    )
    print(f"  created = answered      {'yes' if consistent else 'NO'}")
    return consistent and errors == 0


def report_tracking(result: dict, args: argparse.Namespace, pages: int) -> None:
    errors = result["bad"] + result["err_connect"] + result["err_read"] + result["err_timeout"]
    print(
        f"\nTracking page: GET /complaint/track/<link>/ over {pages} complaints, "
        f"{args.duration} s at concurrency {args.concurrency}"
    )
    print(f"  requests/s              {result['rps']:>9.1f}")
    print(
        f"  p50 / p95 / p99         {result['p50_ms']:>6.1f} / {result['p95_ms']:.1f} / "
        f"{result['p99_ms']:.1f} ms"
    )
    print(f"  errors                  {errors:>9}")
    total = max(result["requests"], 1)
    print(
        f"  CPU per page            app {result['cpu_app_s'] / total * 1000:.1f} ms, "
        f"PostgreSQL {result['cpu_db_s'] / total * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=60, help="seconds of each window")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--tracked", type=int, default=200, help="complaints the tracking visits")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn's (the Procfile's: 3)")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn's (the Procfile's: 2)")
    parser.add_argument("--redis-dbs", default="5,6", help="cache,broker (flushed)")
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database")
    parser.add_argument("--queries", action="store_true", help="list every query of one of each")
    parser.add_argument("--profile", type=int, default=0, help="cProfile N in-process sends, stop")
    parser.add_argument(
        "--profile-tracking", action="store_true", help="with --profile: tracking pages instead"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None and not args.profile:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    cache_db, broker_db = (int(n) for n in args.redis_dbs.split(","))
    environ = {
        "DJANGO_DEBUG": "0",
        "REDIS_URL": f"{REDIS}/{cache_db}",
        "CELERY_BROKER_URL": f"{REDIS}/{broker_db}",
        "LOG_LEVEL": "WARNING",
        **RAISED_RATES,
    }
    if not args.keep:
        recreate_database(DB_NAME)
    setup_django(DB_NAME, **environ)
    flush_redis((cache_db, broker_db))
    prepare_data(args.size, args.keep)
    if args.profile:
        plain_static_files()
        profile(args.profile, tracking=args.profile_tracking)
        return

    from django.core.management import call_command

    from complaints.models import Complaint

    folder = Path(tempfile.mkdtemp(prefix="bench-public-"))
    static_root = folder / "static"
    environ = {**environ, "STATIC_ROOT": str(static_root), "DATABASE_URL": f"{PG}/{DB_NAME}"}
    os.environ["STATIC_ROOT"] = str(static_root)
    from django.conf import settings

    settings.STATIC_ROOT = static_root
    call_command("collectstatic", interactive=False, verbosity=0)
    paths = tracked_paths(args.tracked)

    print(
        f"\n{Complaint.objects.count():,} complaints in {DB_NAME}; gunicorn config.wsgi "
        f"--workers {args.workers} --threads {args.threads}"
        f"{' (as the Procfile)' if (args.workers, args.threads) == (3, 2) else ''}, DEBUG off, "
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}, cache and broker on "
        f"Redis databases {cache_db} and {broker_db}"
    )
    print(
        "Rate limits raised for the run: "
        + ", ".join(f"{name}={rate}" for name, rate in RAISED_RATES.items())
    )
    server = Server(
        port=args.port,
        environ=dict(os.environ, **environ),
        folder=folder,
        workers=args.workers,
        threads=args.threads,
    )
    base = f"http://{HOST}:{args.port}"
    server.start()
    try:
        submissions = measure_submissions(server, base, args)
        tracking = measure_tracking(server, base, paths, args)
    finally:
        server.stop()
    met = report_submissions(submissions, args)
    report_tracking(tracking, args, len(paths))
    plain_static_files()
    print()
    count_queries(paths[len(paths) // 2], show=args.queries)
    print(
        f"\ntargets: >= 150 submissions/s, p95 < 100 ms, no errors, created = answered: "
        f"{'met' if met and submissions['good'] / submissions['duration_s'] >= 150 and submissions['p95_ms'] < 100 else 'NOT met'}; "
        f"tracking >= 300 requests/s: {'met' if tracking['rps'] >= 300 else 'NOT met'}"
    )
    flush_redis((cache_db, broker_db))
    if not met:
        errors = server.error_log.read_text(errors="replace").splitlines()
        print("\nthe end of gunicorn's error log:", *errors[-15:], sep="\n  ")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
