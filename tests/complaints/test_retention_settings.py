"""The retention periods as operators write them (pure), how a bad one stops the start, and the
nightly schedule the migration creates."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from complaints.domain.retention import (
    RetentionPeriod,
    RetentionPeriodError,
    parse_retention_period,
)

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("3y", RetentionPeriod(years=3)),
        (" 18M ", RetentionPeriod(months=18)),
        ("400d", RetentionPeriod(days=400)),
        ("2y6m", RetentionPeriod(years=2, months=6)),
        ("1y 2m 3d", RetentionPeriod(years=1, months=2, days=3)),
        ("never", None),
        ("OFF", None),
    ],
)
def test_periods_are_read_the_way_operators_write_them(text, period) -> None:
    assert parse_retention_period(text) == period


@pytest.mark.parametrize("text", ["", "3", "three years", "3w", "-1y", "0y", "0d", "3y never"])
def test_anything_else_is_refused_naming_what_was_given(text) -> None:
    with pytest.raises(RetentionPeriodError) as refused:
        parse_retention_period(text)

    assert repr(text) in str(refused.value)


def test_years_and_months_are_calendar_ones() -> None:
    leap_day = datetime(2028, 2, 29, 12, 0, tzinfo=SHANGHAI)

    assert RetentionPeriod(years=3).cutoff(datetime(2029, 3, 1, tzinfo=SHANGHAI)) == datetime(
        2026, 3, 1, tzinfo=SHANGHAI
    )
    # 29 February three years on is the 28th; a month before 31 March is the 28th/29th February.
    assert RetentionPeriod(years=1).cutoff(leap_day) == datetime(2027, 2, 28, 12, tzinfo=SHANGHAI)
    assert RetentionPeriod(months=1).cutoff(datetime(2027, 3, 31, 8, tzinfo=SHANGHAI)) == datetime(
        2027, 2, 28, 8, tzinfo=SHANGHAI
    )
    assert RetentionPeriod(months=14, days=2).cutoff(datetime(2027, 3, 3, tzinfo=UTC)) == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    assert str(RetentionPeriod(years=2, months=6)) == "2y6m"


def test_a_bad_period_in_the_environment_stops_the_start() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "COMPLAINTS_RETENTION_REJECTED": "three years",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: COMPLAINTS_RETENTION_REJECTED" in result.stderr


@pytest.mark.parametrize("days", ["0", "-5", "ninety"])
def test_a_bad_inbound_mail_log_period_stops_the_start(days) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "COMPLAINTS_INBOUND_MAIL_LOG_DAYS": days,
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: COMPLAINTS_INBOUND_MAIL_LOG_DAYS" in result.stderr


@pytest.mark.django_db
def test_the_job_is_scheduled_every_night() -> None:
    from django_celery_beat.models import PeriodicTask

    scheduled = PeriodicTask.objects.get(task="complaints.tasks.anonymise_expired_cases_task")

    assert scheduled.enabled
    assert (scheduled.crontab.hour, scheduled.crontab.minute) == ("2", "40")
