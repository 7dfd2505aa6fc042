"""The outbound webhooks in the OpenAPI description (its `webhooks`, OpenAPI 3.1): one entry per
event type, its body the serializer the service builds that body with
(complaints.services.webhook_payloads), and the Standard Webhooks signature headers."""

from __future__ import annotations

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema

from complaints.models import WebhookEvent
from complaints.services.webhook_payloads import WEBHOOK_BODIES

_SIGNED = _(
    "Sent as a JSON `POST` to each endpoint subscribed to this event (admin → Webhook "
    "endpoints), after the change was committed, and signed the Standard Webhooks way "
    "(standardwebhooks.com): check `webhook-signature` with the endpoint's secret before "
    "trusting the body, and use `webhook-id` to ignore a delivery received twice. An answer "
    "other than 2xx, or none within 10 seconds, is retried with back-off (30 s, 1, 2, 4 … "
    "minutes, at most 6 hours apart, 8 attempts) with the same id and body."
)
_WHEN: dict[str, Any] = {
    WebhookEvent.CREATED: _("A complaint was recorded, whatever door it came in by."),
    WebhookEvent.TRANSITIONED: _("A complaint moved from one stage to another."),
    WebhookEvent.ASSIGNED: _(
        "A complaint was assigned, handed off, or its handler changed at triage."
    ),
    WebhookEvent.ESCALATED: _("A complaint was escalated (by its deadlines or by hand)."),
    WebhookEvent.DECISION_APPROVED: _("A decision on a complaint was approved."),
    WebhookEvent.REPLIED: _(
        "The reply was sent to the customer (also sent as `complaint.transitioned`)."
    ),
    WebhookEvent.CLOSED: _("A complaint was closed (also sent as `complaint.transitioned`)."),
    WebhookEvent.REOPENED: _(
        "A complaint was reopened for a second handling (also sent as `complaint.transitioned`)."
    ),
}
_RECEIVED = OpenApiResponse(
    description=_("Received; any 2xx status will do (the body is ignored).")
)

WEBHOOKS = [
    OpenApiWebhook(
        name=event.value,
        decorator=extend_schema(
            operation_id=f"webhook_{event.value.replace('.', '_')}",
            summary=event.label,
            description=format_lazy("{}\n\n{}", _WHEN[event], _SIGNED),
            tags=["webhooks"],
            request={"application/json": WEBHOOK_BODIES[event]},
            responses={200: _RECEIVED},
        ),
    )
    for event in WebhookEvent
]

# Standard Webhooks' headers (drf-spectacular takes no parameters for a webhook: added below).
_HEADERS = [
    (
        "webhook-id",
        _("The delivery's id (msg_…), the same on every attempt: ignore one you already have."),
        {"type": "string", "pattern": "^msg_[0-9a-f]{32}$"},
    ),
    (
        "webhook-timestamp",
        _("When this attempt was signed, in seconds since 1970 (UTC); refuse an old one."),
        {"type": "string", "pattern": "^[0-9]+$"},
    ),
    (
        "webhook-signature",
        _(
            "`v1,` and the base64 HMAC-SHA256, keyed with the secret's bytes after `whsec_`, of "
            "`<webhook-id>.<webhook-timestamp>.<body>`."
        ),
        {"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]+$"},
    ),
]


def webhook_components(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook, first of all: the components as they are once the
    webhooks' bodies are registered too. drf-spectacular builds the components before it
    registers those, so its enum hook would not see them (their coded lists would stay inline
    instead of naming the shared enums)."""
    result["components"] = generator.registry.build(spectacular_settings.APPEND_COMPONENTS)
    return result


def webhook_headers(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the signature headers of every webhook."""
    parameters = [
        {"in": "header", "name": name, "required": True, "description": str(text), "schema": schema}
        for name, text, schema in _HEADERS
    ]
    for item in result.get("webhooks", {}).values():
        for operation in item.values():
            operation["parameters"] = [dict(parameter) for parameter in parameters]
    return result
