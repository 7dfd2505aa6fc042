"""Text messages (SMS): a backend interface in the shape of Django's e-mail backends.

`COMPLAINTS_SMS_BACKEND` names the class (a dotted path) that hands texts over:

- complaints.sms.backends.ConsoleBackend: writes each text to standard output (the embedded demo);
- complaints.sms.backends.FileBackend: appends them to a file per process under
  COMPLAINTS_SMS_FILE_PATH;
- complaints.sms.backends.LocmemBackend: keeps them in `complaints.sms.outbox` (the tests);
- complaints.sms.aliyun.AliyunBackend: Alibaba Cloud SMS (dysmsapi SendSms) over HTTPS.

A text carries both what the customer reads (`body`, rendered in their language, signature and
opt-out hint included, for the local backends and the case's contact log) and what a provider
needs (the registered template's code and its parameters: Chinese providers send only approved
templates). Nothing here reads the database; the outbox rows and their rules live in
complaints.services.customer_texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

# What LocmemBackend sent, in order (tests empty it between tests).
outbox: list[Text] = []


@dataclass(frozen=True)
class Text:
    """One text to one mobile number (E.164, e.g. +8613812345678)."""

    to: str
    body: str
    template_code: str = ""
    params: dict[str, str] = field(default_factory=dict)
    # The same on every attempt at this message: providers that take one de-duplicate with it,
    # and it names the message in the provider's records (Aliyun's OutId).
    key: str = ""


class SmsError(Exception):
    """The text did not go. `retry` False: the provider refused it for good (a bad number, a
    template not approved), so trying again cannot help."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class SmsUncertain(SmsError):
    """The request reached the provider and no answer came back: the text may have gone. Never
    retried (a duplicate text costs money and annoys; a missing one is seen on the case)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retry=False)


class BaseSmsBackend:
    """Subclasses implement `send`, which returns the provider's id for the text (or "")."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, text: Text) -> str:
        raise NotImplementedError


def get_backend(path: str | None = None, **options: Any) -> BaseSmsBackend:
    """An instance of the configured backend (or of `path`)."""
    backend_class = import_string(path or settings.COMPLAINTS_SMS_BACKEND)
    return backend_class(**options)


# --- length: how many segments a text costs ---------------------------------------------------

# The GSM 03.38 basic character set (the escape table's characters count two).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"


def sms_units(body: str) -> tuple[int, int, int]:
    """(length in the encoding's units, units in one text, units per part of a long text).

    GSM-7 when every character is in the GSM alphabet (160 in one text, 153 per part), else
    UCS-2, which any Chinese character forces (70 in one text, 67 per part)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in body):
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in body), 160, 153
    # Characters outside the Basic Multilingual Plane take two UCS-2 units.
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in body), 70, 67


def sms_segments(body: str) -> int:
    """How many billed segments the provider splits `body` into."""
    length, single, part = sms_units(body)
    if length <= single:
        return 1
    return -(-length // part)
