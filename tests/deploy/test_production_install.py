"""The README's production steps, followed the way an operator follows them, give a working system.

A fresh virtual environment with `requirements.txt` alone (no test tools), a fresh PostgreSQL
database, Redis as broker and cache; `migrate`, `collectstatic`, `check --deploy`, then the
Procfile's processes (web, the sla worker, the main worker, the reports worker, beat), nothing
else. Then, through HTTP and the database only:
- the sign-in page and its static files are served, plain HTTP is sent to HTTPS;
- a worker start loads a calendar year that went missing;
- a complaint received on 30 September gets its statutory deadlines after the National Day holiday;
- beat's sweep, the sla worker and the notify worker escalate it and e-mail a complaint manager;
- /readyz reports every check ready (beat's heartbeat came through the sla worker).

Needs PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL), as CI has them; about a minute and a
half, most of it the pip install and the wait for beat's first sweep.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.processes import BASE_DIR, database_url, free_port, procfile_commands, start, stop
from tests.processes import wait_until as _wait_until
from tests.sla.china import SHANGHAI, china_calendar

BROKER = str(django_settings.CELERY_BROKER_URL)
DB = django_settings.DATABASES["default"]

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(
        DB["ENGINE"] != "django.db.backends.postgresql" or not BROKER.startswith("redis://"),
        reason="needs PostgreSQL and a Redis broker (DATABASE_URL, CELERY_BROKER_URL)",
    ),
]

# A Redis database of its own, so no other test's messages are consumed here.
DEPLOY_REDIS_DB = 11
PASSWORD = secrets.token_urlsafe(16)


def redis_url(db: int) -> str:
    parts = urlsplit(BROKER)
    return urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A virtual environment with requirements.txt and nothing else."""
    path = tmp_path_factory.mktemp("prod") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    result = subprocess.run(
        [str(path / "bin" / "pip"), "install", "--quiet", "-r", str(BASE_DIR / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for tool in ("pytest", "factory", "hypothesis", "playwright"):
        probe = subprocess.run(
            [str(path / "bin" / "python"), "-c", f"import {tool}"], capture_output=True
        )
        assert probe.returncode != 0, f"{tool} is a test tool; production must not need it"
    return path


@pytest.fixture
def database():
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    name = f"complaints_deploy_{secrets.token_hex(4)}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=DB.get("USER") or None,
        password=DB.get("PASSWORD") or None,
        host=DB.get("HOST") or None,
        port=DB.get("PORT") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**DB, "NAME": name}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def query(db: dict, sql: str, *params):
    connection = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def http(method: str, url: str, *, body: dict | None = None, headers: dict | None = None):
    """(status, headers, text); redirects are not followed, so a redirect is seen as such."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
    except OSError:
        return None, {}, ""


ENROL_OPS = """
import base64
from django_otp.oath import TOTP
from accounts.models import User
from accounts.two_factor import authenticator_pending, two_factor_enable
user = User.objects.get(username="ops")
device = authenticator_pending(user=user)
outcome, _codes = two_factor_enable(user=user, device=device, code=f"{TOTP(device.bin_key).token():06d}")
assert outcome == "totp", outcome
print(base64.b32encode(device.bin_key).decode())
"""


def authenticator_code(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given `key` shows now (or `steps_ahead` × 30 s later)."""
    import base64
    import time

    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def received_on_national_day_eve() -> datetime:
    """10:00 on the most recent 30 September whose deadlines have passed (a loaded year)."""
    today = timezone.localdate()
    year = today.year if today >= datetime(today.year, 10, 20).date() else today.year - 1
    return datetime(year, 9, 30, 10, tzinfo=SHANGHAI)


def test_the_readme_production_steps_give_a_working_system(venv, database, tmp_path):
    port = free_port()
    origin = f"https://127.0.0.1:{port}"
    mail_dir = tmp_path / "mail"
    env = {
        # Only what an operator sets: the venv first on PATH, and the README's variables.
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DATABASE_URL": database_url(database),
        "CELERY_BROKER_URL": redis_url(DEPLOY_REDIS_DB),
        "REDIS_URL": redis_url(DEPLOY_REDIS_DB + 1),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": origin,
        "DJANGO_HTTPS": "true",
        # A company whose every subdomain is served over HTTPS: check --deploy then has nothing.
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_SECURE_HSTS_PRELOAD": "true",
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "WEB_BIND": f"127.0.0.1:{port}",
    }
    python = str(venv / "bin" / "python")
    subprocess.run(
        ["redis-cli", "-u", env["CELERY_BROKER_URL"], "flushdb"], check=True, capture_output=True
    )

    def manage(*args: str, extra: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [python, "manage.py", *args],
            cwd=BASE_DIR,
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )

    # The README's deploy steps
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(*step)
        assert result.returncode == 0, result.stderr[-3000:]
    check = manage("check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout

    # An operator's first user, in the complaint managers' group (as the admin would set it up)
    created = manage(
        "createsuperuser",
        "--noinput",
        extra={
            "DJANGO_SUPERUSER_USERNAME": "ops",
            "DJANGO_SUPERUSER_EMAIL": "ops@example.com",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        },
    )
    assert created.returncode == 0, created.stderr
    grouped = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group; from accounts.models import User; "
        "User.objects.get(username='ops').groups.add(Group.objects.get(name='complaint_manager'))",
    )
    assert grouped.returncode == 0, grouped.stderr
    # A superuser and a complaint manager must use two-factor sign-in in production: the operator
    # turns it on (here through the service, as the enrolment page does; the script prints the
    # key their authenticator app was given) before the API gives them a token.
    enrolled = manage("shell", "-c", ENROL_OPS)
    assert enrolled.returncode == 0, enrolled.stderr
    authenticator_key = enrolled.stdout.strip().splitlines()[-1]

    # A year goes missing (a database restored from an old backup): check says so...
    next_year = timezone.localdate().year + 1
    query(database, "DELETE FROM sla_calendarday WHERE extract(year FROM date) = %s", next_year)
    query(database, "DELETE FROM sla_calendaryear WHERE year = %s", next_year)
    warned = manage("check", "--deploy")
    assert "sla.W001" in warned.stderr + warned.stdout

    # ...and the processes of the Procfile start
    logs = {name: tmp_path / f"{name}.log" for name in procfile_commands()}
    processes = {
        name: start(command, env=env, log=logs[name])
        for name, command in procfile_commands().items()
    }

    def wait_until(condition, what: str, timeout: float = 60):
        return _wait_until(condition, what=what, processes=processes, logs=logs, timeout=timeout)

    try:
        https = {"X-Forwarded-Proto": "https"}
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http("GET", f"{base}/accounts/login/", headers=https)[0], "the web")

        # the sign-in page and its (hashed, compressed) static files
        status, _, page = http("GET", f"{base}/accounts/login/", headers=https)
        assert status == 200
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert http("GET", f"{base}{stylesheet}", headers=https)[0] == 200
        status, headers, _ = http("GET", f"{base}/accounts/login/")
        assert status == 301 and headers["Location"].startswith("https://")

        # a worker's start loads the missing year
        wait_until(
            lambda: query(database, "SELECT 1 FROM sla_calendaryear WHERE year = %s", next_year),
            "the worker to load the missing calendar year",
        )

        # a complaint received on the eve of the National Day holiday, through the API
        status, _, body = http(
            "POST",
            f"{base}/api/v1/auth/token/",
            body={"username": "ops", "password": PASSWORD},
            headers=https,
        )
        assert (status, json.loads(body)["error"]["code"]) == (400, "otp_required"), body
        status, _, body = http(
            "POST",
            f"{base}/api/v1/auth/token/",
            body={
                "username": "ops",
                "password": PASSWORD,
                # The app's next code: the enrolment used this period's, and a code is good once.
                "otp_token": authenticator_code(authenticator_key, steps_ahead=1),
            },
            headers=https,
        )
        assert status == 200, body
        api = {**https, "Authorization": f"Token {json.loads(body)['token']}"}
        received = received_on_national_day_eve()
        status, _, body = http(
            "POST",
            f"{base}/api/v1/complaints/",
            body={
                "channel": "phone",
                "received_at": received.isoformat(),
                "customer": {"name": "王先生", "phone": "13812345678"},
                "subject": "空调维修后仍不制冷",
                "description": "国庆前报修，至今无人处理。",
            },
            headers=api,
        )
        assert status == 201, body
        complaint = json.loads(body)
        due = {item["stage"]: item["due_at"] for item in complaint["deadlines"]}
        statutory = china_calendar(received.year)
        for stage, days in (("investigation", 3), ("decision", 5)):
            expected = statutory.add_working_days(received, days)
            assert datetime.fromisoformat(due[stage]) == expected, (stage, due[stage])
        assert datetime.fromisoformat(due["investigation"]) > received + timedelta(days=8)

        # beat's sweep, the sla worker and the notify worker: escalated, and a manager e-mailed
        reference = complaint["reference"]
        wait_until(
            lambda: query(
                database,
                "SELECT escalation_level FROM complaints_complaint WHERE reference = %s "
                "AND escalation_level >= 1",
                reference,
            ),
            "beat's sweep and the sla worker to escalate the overdue case",
            timeout=150,
        )
        sent = wait_until(
            lambda: query(
                database,
                "SELECT n.subject FROM complaints_notification n "
                "JOIN complaints_complaint c ON c.id = n.complaint_id "
                "JOIN accounts_user u ON u.id = n.recipient_id "
                "WHERE c.reference = %s AND u.username = 'ops' AND n.emailed_at IS NOT NULL",
                reference,
            ),
            "the notify worker to e-mail the escalation",
        )
        mails = "".join(path.read_text(errors="replace") for path in mail_dir.glob("*.log"))
        assert "ops@example.com" in mails
        assert reference in mails and sent

        # /readyz: the database, the cache, the broker, beat's heartbeat through the sla worker
        # and the calendar years are all there (over plain HTTP: probes are not redirected)
        def ready():
            status, _, body = http("GET", f"{base}/readyz")
            return status == 200 and json.loads(body)

        readiness = wait_until(ready, "/readyz to report ready", timeout=150)
        assert readiness["status"] == "ready"
        assert http("GET", f"{base}/healthz")[0] == 200
    finally:
        for process in processes.values():
            stop(process)
    for name in ("worker-sla", "worker", "worker-reports", "beat"):
        assert "Traceback" not in logs[name].read_text(errors="replace"), name
