"""Outbound webhooks (issue 17, §3): the systems told of what happens to complaints, and what was
sent to them. Written by complaints.services.webhooks only."""

from __future__ import annotations

import base64
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from .complaint import State
from .timeline import CaseEvent


class WebhookEvent(models.TextChoices):
    """What a subscriber can be told of; each a timeline entry (complaints.timeline) or a stage
    change of one."""

    CREATED = "complaint.created", _("Complaint received")
    TRANSITIONED = "complaint.transitioned", _("Stage changed")
    ASSIGNED = "complaint.assigned", _("Assigned or handed off")
    ESCALATED = "complaint.escalated", _("Escalated")
    DECISION_APPROVED = "decision.approved", _("Decision approved")
    REPLIED = "complaint.replied", _("Reply sent to the customer")
    CLOSED = "complaint.closed", _("Complaint closed")
    REOPENED = "complaint.reopened", _("Reopened for a second handling")


# Whether any endpoint is active, as last counted (None: not known): no task is queued for the
# timeline entries of an installation without webhooks (complaints.timeline). Forgotten
# whenever an endpoint changes (complaints.services.webhooks.webhook_endpoints_changed).
ACTIVE_KEY = "complaints:webhooks:active"
ACTIVE_SECONDS = 300  # how long the flag is trusted
FAN_OUT_TASK = "complaints.tasks.webhooks_fan_out_task"


def webhook_types(event: CaseEvent) -> list[str]:
    """The webhook event types a timeline entry stands for (none for most)."""
    kind = event.kind
    if kind == CaseEvent.Kind.CREATED:
        return [WebhookEvent.CREATED]
    if kind == CaseEvent.Kind.TRANSITION:
        types = [WebhookEvent.TRANSITIONED]
        if event.transition == "send_reply":
            types.append(WebhookEvent.REPLIED)
        if event.to_state == State.CLOSED:
            types.append(WebhookEvent.CLOSED)
        if event.transition == "reopen":
            types.append(WebhookEvent.REOPENED)
        return types
    if kind in (CaseEvent.Kind.ASSIGNED, CaseEvent.Kind.HANDOFF):
        return [WebhookEvent.ASSIGNED]
    if kind == CaseEvent.Kind.TRIAGED and "assignee" in (event.data or {}).get("changes", {}):
        return [WebhookEvent.ASSIGNED]
    if kind == CaseEvent.Kind.ESCALATED:
        return [WebhookEvent.ESCALATED]
    if kind == CaseEvent.Kind.DECISION_APPROVED:
        return [WebhookEvent.DECISION_APPROVED]
    return []


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """A system that wants to be told: where, with which secret, of which events."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_(
            "Give it to the receiving system: it checks each delivery's signature with it."
        ),
    )
    events = models.JSONField(_("events"), default=list)  # WebhookEvent values
    is_active = models.BooleanField(_("active"), default=True)
    # Attempts that failed in a row; reset by a success. At WEBHOOKS_DISABLE_AFTER_FAILURES the
    # endpoint is switched off and the administrators are told.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: the body as signed and sent (the same on every attempt) and
    how it went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, to be tried again")
        GAVE_UP = "gave_up", _("Given up")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        "complaints.CaseEvent",
        verbose_name=_("timeline entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    event_type = models.CharField(_("event"), max_length=40)
    message_id = models.CharField(_("message id"), max_length=60, unique=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One delivery of an event type per timeline entry and endpoint, however often the
            # fan-out runs.
            models.UniqueConstraint(
                fields=["endpoint", "event", "event_type"], name="webhookdelivery_once"
            ),
        ]
        indexes = [
            # The retry job's question: which failed ones are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "failed"]),
                name="webhookdelivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"
