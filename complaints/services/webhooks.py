"""Outbound webhooks (issue 17, §3): other systems told of what happens to complaints.

Every change of a case writes its timeline (complaints.timeline), whatever door it came through;
the timeline queues its new entries that stand for a webhook event (models.webhook_types) for
the fan-out below. After the commit (a change that rolls back tells nobody)
a task on the `hooks` queue fans them out: one `WebhookDelivery` per subscribed endpoint and
event type, its body fixed then, signed the Standard Webhooks way (`webhook-id`,
`webhook-timestamp`, `webhook-signature` headers; standardwebhooks.org) and POSTed. A failure is
tried again with exponential back-off by beat's minute job; WEBHOOKS_DISABLE_AFTER_FAILURES
failures in a row switch the endpoint off and tell the administrators once. Targets on private,
loopback or link-local addresses are refused unless WEBHOOKS_ALLOW_PRIVATE_TARGETS (the check is
made on the addresses the name resolves to, and the connection goes to the address checked).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import socket
import ssl
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from complaints.models import (
    CaseEvent,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    webhook_types,
)
from complaints.models.webhooks import ACTIVE_KEY, ACTIVE_SECONDS
from complaints.services.notifications import notify
from complaints.services.webhook_payloads import webhook_body
from sla.services.alerts import calendar_alert_recipients

logger = logging.getLogger(__name__)

# A body the receiver sends back is read up to this much (it is only logged).
RESPONSE_READ_BYTES = 2048
# Back-off: the n-th failed attempt is tried again after RETRY_BASE × 2^(n-1), at most RETRY_MAX.
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=6)


def webhook_endpoints_changed() -> None:
    """Forget the cached flag (an endpoint was added, changed or removed)."""
    try:
        cache.delete(ACTIVE_KEY)
    except Exception:  # the cache is down; the flag expires on its own
        logger.warning("webhooks: could not forget the cached endpoint flag")


def webhooks_fan_out(*, event_ids: Sequence[int]) -> list[int]:
    """One delivery per subscribed active endpoint and event type of these timeline entries;
    returns the new deliveries' ids (already made ones are not made again)."""
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    try:
        cache.set(ACTIVE_KEY, bool(endpoints), ACTIVE_SECONDS)
    except Exception:
        logger.warning("webhooks: could not cache the endpoint flag")
    if not endpoints:
        return []
    events = CaseEvent.objects.filter(pk__in=list(event_ids)).select_related(
        "complaint__department", "complaint__assignee"
    )
    now = timezone.now()
    made: list[int] = []
    with transaction.atomic():
        for event in events:
            for event_type in webhook_types(event):
                for endpoint in endpoints:
                    if event_type not in endpoint.events:
                        continue
                    delivery, created = WebhookDelivery.objects.get_or_create(
                        endpoint=endpoint,
                        event=event,
                        event_type=event_type,
                        defaults={
                            "message_id": f"msg_{uuid.uuid4().hex}",
                            "payload": webhook_body(
                                event=event, event_type=event_type, timestamp=now
                            ),
                            "created_at": now,
                            "next_attempt_at": now,
                        },
                    )
                    if created:
                        made.append(delivery.pk)
    return made


def target_problem(url: str) -> str:
    """Why `url` may not be a webhook target ("" if it may): only http(s), and only public
    addresses unless WEBHOOKS_ALLOW_PRIVATE_TARGETS."""
    try:
        _addresses(url)
    except ValidationError as error:
        return error.messages[0]
    return ""


def _addresses(url: str) -> list[tuple[str, int]]:
    """The (address, port) pairs `url`'s host resolves to, all of them allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("A webhook URL starts with https:// or http:// and names a host."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise ValidationError(
            _("The host %(host)s was not found.") % {"host": parts.hostname}
        ) from error
    addresses = [(str(info[4][0]), port) for info in found]
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        for address, _port in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise ValidationError(
                    _(
                        "%(host)s is a private, loopback or reserved address (%(address)s): "
                        "webhooks go to public addresses only."
                    )
                    % {"host": parts.hostname, "address": address}
                )
    return addresses


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST to the address checked (not a second lookup the DNS could answer otherwise); the
    TLS certificate is still checked against the host name. No redirects are followed."""
    parts = urlsplit(url)
    address, port = _addresses(url)[0]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPS(parts.hostname or "", address, port, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=timeout)
    try:
        host = parts.hostname or ""
        connection.request(
            "POST", path, body=body, headers={"Host": parts.netloc or host, **headers}
        )
        response = connection.getresponse()
        text = response.read(RESPONSE_READ_BYTES).decode("utf-8", "replace")
        return response.status, text
    finally:
        connection.close()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a given address, the certificate checked for the host name."""

    def __init__(self, hostname: str, address: str, port: int, *, timeout: float) -> None:
        super().__init__(address, port, timeout=timeout, context=ssl.create_default_context())
        self._hostname = hostname

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._hostname)  # type: ignore[attr-defined]


def signed_headers(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: str, at: datetime
) -> dict[str, str]:
    signature = Webhook(endpoint.secret).sign(delivery.message_id, at, body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "complaints-webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Try one delivery (if it is still to be sent and its endpoint active); returns its status.
    Locked while it is sent: two workers never send it at once."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(
                pk=delivery_id,
                status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED],
            )
            .first()
        )
        if delivery is None:
            return ""
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            return delivery.status
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
        try:
            status, text = _post(
                endpoint.url, body.encode(), signed_headers(endpoint, delivery, body, now)
            )
            error = "" if 200 <= status < 300 else f"HTTP {status}: {text[:200]}"
        except (OSError, ValidationError, http.client.HTTPException) as problem:
            status, error = 0, str(problem)[:300] or problem.__class__.__name__
        delivery.attempts += 1
        delivery.last_status_code = status or None
        delivery.last_error = error
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            endpoint.consecutive_failures = 0
        else:
            _failed(delivery, endpoint, now)
        delivery.save()
        endpoint.save(update_fields=["consecutive_failures", "is_active", "disabled_at"])
    return delivery.status


def _failed(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> None:
    endpoint.consecutive_failures += 1
    if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.GAVE_UP
        delivery.next_attempt_at = None
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = now + min(RETRY_BASE * 2 ** (delivery.attempts - 1), RETRY_MAX)
    if (
        endpoint.is_active
        and endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES
    ):
        endpoint.is_active = False
        endpoint.disabled_at = now
        transaction.on_commit(webhook_endpoints_changed)
        _tell_administrators(endpoint, delivery)


def _tell_administrators(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    notify(
        recipients=calendar_alert_recipients(),
        kind=Notification.Kind.WEBHOOK,
        complaint=None,
        key=f"webhook-off:{endpoint.pk}:{endpoint.disabled_at:%Y%m%d%H%M%S}",
        template="webhook_disabled",
        context={
            "endpoint": endpoint,
            "delivery": delivery,
            "failures": endpoint.consecutive_failures,
        },
    )


def webhook_deliveries_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """The deliveries to try now: new ones the after-commit task never sent, failed ones whose
    back-off has passed (active endpoints only), oldest first."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING) | Q(status=WebhookDelivery.Status.FAILED),
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Switch an endpoint back on (after its receiver was fixed): failures counted from zero;
    its failed deliveries are tried again at the next minute."""
    with transaction.atomic():
        endpoint.is_active = True
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
        endpoint.save(update_fields=["is_active", "consecutive_failures", "disabled_at"])
        WebhookDelivery.objects.filter(
            endpoint=endpoint, status=WebhookDelivery.Status.FAILED
        ).update(next_attempt_at=timezone.now())
    webhook_endpoints_changed()
    return endpoint
