"""A mail server the tests can count across processes: each message one file in a folder.

A worker process is started with EMAIL_BACKEND=tests.mailbox.FolderBackend and EMAIL_FILE_PATH
set to the test's folder; the test reads the folder. A file `hold` in the folder makes the backend
stop, like a mail server that stops answering, so a test can kill the worker at a chosen point:
`before N` waits before handing over the message that would be the (N+1)th in the folder (the
server never got it), `after N` waits just after the Nth was handed over (the server has it, the
worker has not recorded it yet). While it waits, a file `holding` says so; removing `hold` lets
it go on.
"""

from __future__ import annotations

import email
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class FolderBackend(BaseEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(settings.EMAIL_FILE_PATH)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            self._hold("before")
            name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
            temporary = self.folder / f".{name}"
            temporary.write_bytes(message.message().as_bytes())
            temporary.rename(self.folder / name)  # whole or not at all, like an accepted message
            self._hold("after")
        return len(email_messages)

    def _hold(self, when: str) -> None:
        hold = self.folder / "hold"
        while hold.exists():
            kind, _space, count = hold.read_text().partition(" ")
            if kind != when or len(messages_in(self.folder)) < int(count):
                return
            (self.folder / "holding").touch()
            time.sleep(0.05)


def messages_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9]*.eml"))


def message_ids(folder: Path) -> Counter[str]:
    """How many times each Message-ID arrived."""
    return Counter(
        email.message_from_bytes(path.read_bytes())["Message-ID"] for path in messages_in(folder)
    )
