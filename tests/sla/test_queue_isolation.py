"""A mail server that stops answering does not hold up deadline work.

The two workers of the Procfile run as real processes on the test database and the Redis broker:
`worker` (notify and the other queues) and `worker-sla`. The SMTP server here accepts connections
and never says a word, so every e-mail task hangs in the notify worker's processes until the
timeout. An overdue case is then swept: the sla worker escalates it while every e-mail still waits.
"""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, Notification
from complaints.services.notifications import notify
from sla.services import calendars_load_missing_years
from sla.tasks import sweep_clocks_task
from tests.processes import (
    REAL_WORKER_MARKS,
    procfile_commands,
    start,
    stop,
    wait_until,
    worker_env,
)

pytestmark = REAL_WORKER_MARKS


class SilentMailServer:
    """Accepts SMTP connections and never sends the greeting: a mail server that hangs."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(client)

    def close(self) -> None:
        self.listener.close()
        for client in self.connections:
            client.close()


def test_a_hanging_mail_server_does_not_hold_up_escalations(org, new_complaint, settings, tmp_path):
    calendars_load_missing_years()
    mail_server = SilentMailServer()
    env = worker_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_server.port),
        EMAIL_TIMEOUT="300",
    )
    commands = procfile_commands()
    logs = {name: tmp_path / f"{name}.log" for name in ("worker", "worker-sla")}
    processes = {}
    settings.CELERY_TASK_ALWAYS_EAGER = False  # from here on, tasks go to the broker
    try:
        processes = {name: start(commands[name], env=env, log=logs[name]) for name in logs}

        # given four e-mails queued, and the notify worker's two processes stuck on the first two
        anchor = new_complaint()
        for number in range(4):
            with transaction.atomic():
                notify(
                    recipients=[org.head],
                    kind=Notification.Kind.ASSIGNMENT,
                    complaint=anchor,
                    key=f"stuck-mail:{number}",
                    template="assignment",
                    context={"actor": org.agent},
                )
        wait_until(
            lambda: len(mail_server.connections) >= 2,
            what="the notify worker to hang on the mail server",
            processes=processes,
            logs=logs,
        )

        # when an overdue case is swept
        overdue = new_complaint(received_at=timezone.now() - timedelta(days=30))
        sweep_clocks_task.delay()

        # then the sla worker escalates it, while not one of the e-mails has gone
        wait_until(
            lambda: Complaint.objects.get(pk=overdue.pk).escalation_level >= 1,
            what="the sla worker to escalate the overdue case",
            processes=processes,
            logs=logs,
        )
        stuck = Notification.objects.filter(key__startswith="stuck-mail:")
        assert stuck.count() == 4
        assert not stuck.filter(emailed_at__isnull=False).exists()
    finally:
        mail_server.close()
        for process in processes.values():
            stop(process)
