"""Production settings pass `check --deploy` with the README's environment; the embedded demo
keeps working over plain HTTP on 127.0.0.1; the browser-hardening headers hold everywhere."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, proxy_ssl_header

ROOT = Path(__file__).resolve().parent.parent
# The services' own addresses are the test run's (or none: SQLite and the filesystem broker),
# not the README's example hosts; everything else is taken from the README as written.
SERVICE_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")


def readme_production_environment() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-environment -->\s*```sh\n(.*?)```", readme, re.S)
    assert block, "README.md lost its production environment block"
    env: dict[str, str] = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _equals, value = line.partition("=")
            env[name] = value
    return env


def clean_environment(tmp_path: Path) -> dict[str, str]:
    """The process environment without any Django or service variable of the test run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COMPLAINTS_", "EMAIL_")) and key not in SERVICE_VARIABLES
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path)}


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SETTINGS_DUMP = (
    "import json, django; from django.conf import settings; django.setup();"
    "names = ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
    " 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
    " 'SECURE_PROXY_SSL_HEADER', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY',"
    " 'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'SECURE_CONTENT_TYPE_NOSNIFF'];"
    "print(json.dumps({name: getattr(settings, name) for name in names}))"
)


def settings_with(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_DUMP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_the_readme_production_environment(tmp_path):
    env = clean_environment(tmp_path)
    for name, value in readme_production_environment().items():
        if name in SERVICE_VARIABLES:
            if os.environ.get(name):
                env[name] = os.environ[name]
        elif value.startswith("<"):  # a placeholder the operator fills in
            env[name] = secrets.token_urlsafe(50)
        else:
            env[name] = value

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_the_embedded_defaults_fail_check_deploy_so_the_check_is_real(tmp_path):
    result = manage(clean_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    for warning in ("W004", "W008", "W009", "W012", "W016"):
        assert f"security.{warning}" in result.stderr


def test_embedded_settings_leave_plain_http_working_and_still_harden_the_browser(tmp_path):
    embedded = settings_with(clean_environment(tmp_path))

    assert embedded["SECURE_SSL_REDIRECT"] is False
    assert embedded["SESSION_COOKIE_SECURE"] is False
    assert embedded["CSRF_COOKIE_SECURE"] is False
    assert embedded["SECURE_HSTS_SECONDS"] == 0
    assert embedded["SECURE_PROXY_SSL_HEADER"] is None
    assert embedded["X_FRAME_OPTIONS"] == "DENY"
    assert embedded["SECURE_REFERRER_POLICY"] == "same-origin"
    assert embedded["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert embedded["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_a_secret_key_turns_https_on_by_default_and_each_switch_still_works(tmp_path):
    base = {**clean_environment(tmp_path), "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}

    deployed = settings_with(base)
    behind_plain_http = settings_with({**base, "DJANGO_HTTPS": "false"})
    own_choices = settings_with(
        {
            **base,
            "DJANGO_SECURE_SSL_REDIRECT": "off",
            "DJANGO_SECURE_HSTS_SECONDS": "3600",
            "DJANGO_SECURE_HSTS_PRELOAD": "no",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Ssl: on",
            "DJANGO_SECURE_REFERRER_POLICY": "no-referrer",
        }
    )

    assert deployed["SECURE_SSL_REDIRECT"] is True
    assert deployed["SESSION_COOKIE_SECURE"] is deployed["CSRF_COOKIE_SECURE"] is True
    assert deployed["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert deployed["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is deployed["SECURE_HSTS_PRELOAD"] is True
    assert deployed["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_plain_http["SECURE_SSL_REDIRECT"] is False
    assert behind_plain_http["SESSION_COOKIE_SECURE"] is False
    assert behind_plain_http["SECURE_HSTS_SECONDS"] == 0
    assert own_choices["SECURE_SSL_REDIRECT"] is False
    assert own_choices["SECURE_HSTS_SECONDS"] == 3600
    assert own_choices["SECURE_HSTS_PRELOAD"] is False
    assert own_choices["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL", "on"]
    assert own_choices["SECURE_REFERRER_POLICY"] == "no-referrer"


def test_a_malformed_number_stops_the_start_with_a_clear_message(tmp_path):
    env = {**clean_environment(tmp_path), "DJANGO_SECURE_HSTS_SECONDS": "a year"}

    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_DUMP], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "DJANGO_SECURE_HSTS_SECONDS must be a whole number" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("x-forwarded-proto: https", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("HTTP_X_FORWARDED_SSL: on", ("HTTP_X_FORWARDED_SSL", "on")),
        ("", None),
        ("  ", None),
    ],
)
def test_the_proxy_header_setting_is_read_as_a_header_name_and_value(value, expected):
    assert proxy_ssl_header(value) == expected


def test_env_int_reads_numbers_and_refuses_words(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", " 42 ")
    assert env_int("SOME_NUMBER", 7) == 42
    monkeypatch.setenv("SOME_NUMBER", "")
    assert env_int("SOME_NUMBER", 7) == 7
    monkeypatch.setenv("SOME_NUMBER", "forty")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 7)


@pytest.mark.django_db
def test_every_page_carries_the_browser_hardening_headers(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200  # plain HTTP, no redirect: the embedded defaults
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_with_https_plain_http_is_redirected_and_hsts_sent_over_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get("/accounts/login/")
    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
