"""The one door from the services to background work: a task queued by name after the commit.

Services never import task modules (tasks import services, not the other way round): they name
the task here. After the commit, because a worker must find the rows the task is about.

A broker that is down or hung never turns a committed change into an error page or a hanging
request: the publish is bounded (one retry, the socket timeouts of config.env.broker_config), and
a task the broker refuses is kept in the database (health.models.DeferredTask) and queued again by
the every-minute job once the broker answers (health.tasks). After a refusal this process stops
trying for BROKER_RETRY_SECONDS and defers at once, so only one request per process waits for the
timeout. The rows the tasks work on are their own outbox besides (an unsent e-mail is found by the
resend job), so a process that dies between the commit and the publish loses nothing either.
"""

from __future__ import annotations

import logging
import time
from importlib import import_module
from typing import Any

from celery import current_app
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# One retry at once (a pooled connection the broker closed on restart fails the first try).
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
# After a refusal, this process defers without trying for this long.
BROKER_RETRY_SECONDS = 15.0

_broker_down_until = 0.0


def dispatch_after_commit(task_name: str, *args: Any) -> None:
    """Queue task `task_name` with `args` once the current transaction commits (now, outside one)."""
    transaction.on_commit(lambda: dispatch_now(task_name, list(args)), robust=True)


def dispatch_now(task_name: str, args: list[Any]) -> bool:
    """Queue the task now, or keep it for later when the broker cannot take it; True if queued."""
    if time.monotonic() < _broker_down_until and not current_app.conf.task_always_eager:
        _defer(task_name, args)
        return False
    if publish(task_name, args):
        return True
    _defer(task_name, args)
    return False


def publish(task_name: str, args: list[Any]) -> bool:
    """Hand the task to the broker; False (and the broker counted as down for a while) if it
    refuses or does not answer in time."""
    global _broker_down_until
    # Task names are "<module>.<function>": outside a worker (which imports every task module at
    # start) the module may not be loaded yet, and loading it registers the task.
    import_module(task_name.rsplit(".", 1)[0])
    try:
        # The registered task, not send_task: its routing applies, and tests run it eagerly.
        current_app.tasks[task_name].apply_async(args=args, retry_policy=PUBLISH_RETRY_POLICY)
    except BrokerError as error:
        _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        logger.warning("The broker did not take %s: %s", task_name, error)
        return False
    _broker_down_until = 0.0
    return True


def broker_breaker_reset() -> None:
    """Try the broker again on the next dispatch (tests; a new broker address)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _defer(task_name: str, args: list[Any]) -> None:
    from health.services import deferred_task_store  # an app's model: loaded once apps are

    try:
        deferred_task_store(task_name=task_name, args=args)
    except DatabaseError:
        # The database failed too: the e-mail outboxes' resend job still finds their rows.
        logger.exception("Could not keep %s for later either", task_name)
