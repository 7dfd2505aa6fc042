"""The local SMS backends: console, file and in-memory, as Django's e-mail backends are."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings

from complaints import sms
from complaints.sms import BaseSmsBackend, Text, sms_segments


def _render(text: Text) -> str:
    params = ", ".join(f"{name}={value}" for name, value in text.params.items())
    return (
        f"SMS to: {text.to}\n"
        f"Key: {text.key}\n"
        f"Template: {text.template_code} ({params})\n"
        f"Segments: {sms_segments(text.body)}\n\n"
        f"{text.body}\n" + "-" * 79 + "\n"
    )


class ConsoleBackend(BaseSmsBackend):
    """Writes each text to standard output (or `stream`)."""

    _lock = threading.Lock()

    def __init__(self, *, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream

    def send(self, text: Text) -> str:
        with self._lock:
            stream = self.stream or sys.stdout
            stream.write(_render(text))
            stream.flush()
        return ""


class FileBackend(BaseSmsBackend):
    """Appends each text to a file of this process under COMPLAINTS_SMS_FILE_PATH."""

    def __init__(self, *, file_path: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.folder = Path(file_path or settings.COMPLAINTS_SMS_FILE_PATH)
        self.name = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{id(self)}.log"

    def send(self, text: Text) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / self.name).open("a", encoding="utf-8") as stream:
            stream.write(_render(text))
        return ""


class LocmemBackend(BaseSmsBackend):
    """Keeps each text in `complaints.sms.outbox` (tests)."""

    def send(self, text: Text) -> str:
        sms.outbox.append(text)
        return f"locmem-{len(sms.outbox)}"
