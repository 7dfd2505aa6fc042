"""The Celery application: configured from Django settings (keys prefixed CELERY_)."""

import logging
import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("complaints")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_filesystem_broker_folders() -> None:
    """kombu's filesystem transport expects its folders to exist; create them on first use."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_broker(sender: Celery, **kwargs) -> None:
    # Web, worker and beat all touch the queue folders; whoever configures Celery first makes them.
    ensure_filesystem_broker_folders()


# Sent by name: this module is loaded before Django's apps and must not import them.
LOAD_MISSING_CALENDAR_YEARS = "sla.tasks.load_missing_calendar_years_task"


@worker_ready.connect
@beat_init.connect
def _load_missing_calendar_years(sender, **kwargs) -> None:
    # A deployment whose calendar lacks this year (a database restored from an old backup, a
    # year rolled over while everything was down) must not wait for the daily job: deadlines
    # computed meanwhile would count 国庆节 and 春节 as working days.
    try:
        app.send_task(LOAD_MISSING_CALENDAR_YEARS)
    except Exception:  # the broker is down: the daily job and the next start try again
        logging.getLogger(__name__).exception("Could not queue the calendar year check")
