"""`Idempotency-Key` on create: a client retrying after a timeout gets the first answer again.

How it stays correct when two retries arrive at once: the key row is inserted first, inside the
same transaction as the complaint and the stored answer. The unique (user, key) index makes a
second insert wait for the first transaction; when that commits, the second gets an IntegrityError
and replays the committed answer; when it rolls back (the create failed), the second proceeds as
the first. So there is never a second complaint and never a half-stored answer.

Only successful answers are stored: a refused request (400, 403...) leaves no key behind, so the
client can correct it and retry with the same key. Keys are kept for RETENTION (24 hours unless
settings.COMPLAINTS_API_IDEMPOTENCY_HOURS says otherwise); an older key counts as new, and
`idempotency_keys_purge` deletes expired rows (run it daily).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from accounts.models import User
from complaints.models import Complaint, IdempotencyKey
from config.api_errors import ApiError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def retention() -> timedelta:
    return timedelta(hours=settings.COMPLAINTS_API_IDEMPOTENCY_HOURS)


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: dict[str, Any]
    complaint_reference: str
    replayed: bool


def idempotency_key(request: Request) -> str | None:
    """The request's key, None without one; a malformed key is a 400 on the header."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    # Printable ASCII only: the key is an opaque token (a UUID, usually), stored and compared as is.
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise ValidationError(
            {HEADER: [_("Use 1 to 255 printable ASCII characters, e.g. a UUID.")]}
        )
    return key


def request_fingerprint(request: Request) -> str:
    """What makes two requests "the same": method, path and the parsed body, keys sorted."""
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent_create(
    *,
    user: User,
    key: str,
    fingerprint: str,
    create: Callable[[], tuple[Complaint, int, dict[str, Any]]],
) -> StoredAnswer:
    """Run `create` once per (user, key); `create` returns the complaint, status and body."""
    with transaction.atomic():
        record, is_new = _claim(user=user, key=key, fingerprint=fingerprint)
        if not is_new:
            if record.fingerprint != fingerprint:
                raise ApiError(
                    status_code=422,
                    code="idempotency_key_reused",
                    message=_(
                        "This Idempotency-Key was already used for a different request. "
                        "Use a new key for a new complaint."
                    ),
                )
            status, body = record.response_status, record.response_body
            if status is None or body is None:
                # Never: a key row commits only together with its answer (see the module's doc).
                raise RuntimeError(f"Idempotency key {record.pk} has no stored answer.")
            return StoredAnswer(
                status=status,
                body=body,
                complaint_reference=body.get("reference", ""),
                replayed=True,
            )
        complaint, status, body = create()
        record.complaint = complaint
        record.response_status = status
        record.response_body = body
        record.save(update_fields=["complaint", "response_status", "response_body"])
        return StoredAnswer(
            status=status, body=body, complaint_reference=complaint.reference, replayed=False
        )


def _claim(*, user: User, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Insert the key row, or return the existing one (locked) when the key is taken."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return (
                IdempotencyKey.objects.create(
                    user=user, key=key, fingerprint=fingerprint, created_at=now
                ),
                True,
            )
    except IntegrityError:
        pass
    record = IdempotencyKey.objects.select_for_update().get(user=user, key=key)
    if record.created_at < now - retention():
        # Expired: the key starts afresh for this request.
        record.fingerprint, record.created_at = fingerprint, now
        record.complaint, record.response_status, record.response_body = None, None, None
        record.save()
        return record, True
    return record, False


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete keys older than the retention period; returns how many were deleted."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
