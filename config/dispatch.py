"""The one door from the services to background work: a task queued by name after the commit.

Services never import task modules (tasks import services, not the other way round): they name
the task here. After the commit, because a worker must find the rows the task is about; robust,
because a broker outage must not turn a committed change into an error page (each caller keeps a
way to catch up: a beat job finds what was never queued).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from celery import current_app
from django.db import transaction


def dispatch_after_commit(task_name: str, *args: Any) -> None:
    """Queue task `task_name` with `args` once the current transaction commits (now, outside one)."""
    transaction.on_commit(lambda: _queue(task_name, args), robust=True)


def _queue(task_name: str, args: tuple[Any, ...]) -> None:
    # Task names are "<module>.<function>": outside a worker (which imports every task module at
    # start) the module may not be loaded yet, and loading it registers the task.
    import_module(task_name.rsplit(".", 1)[0])
    # The registered task, not send_task: its routing applies, and tests run it eagerly.
    current_app.tasks[task_name].apply_async(args=args)
