"""The bodies of the outbound webhooks (complaints.services.webhooks), one serializer per shape.

The fan-out builds every body with these serializers, and the OpenAPI description documents the
webhooks with the same ones (complaints.api.webhooks): a field added here is sent and documented
at once, and a field the service cannot fill fails the fan-out instead of going undocumented.
They live among the services because the service writes with them and services may not import
the API layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import (
    CaseEvent,
    EscalationLevel,
    Outcome,
    Remedy,
    State,
    WebhookEvent,
)
from complaints.services.transitions import TRANSITIONS

# The event types of each body shape (a stage change: the transition and both states).
CASE_TYPES = [WebhookEvent.CREATED, WebhookEvent.ASSIGNED]
TRANSITION_TYPES = [
    WebhookEvent.TRANSITIONED,
    WebhookEvent.REPLIED,
    WebhookEvent.CLOSED,
    WebhookEvent.REOPENED,
]
ESCALATION_TYPES = [WebhookEvent.ESCALATED]
DECISION_TYPES = [WebhookEvent.DECISION_APPROVED]


def _choices(types: list[WebhookEvent]) -> list[tuple[str, Any]]:
    return [(event.value, event.label) for event in types]


@dataclass(frozen=True)
class WebhookMessage:
    """What one body is made of: the event type, when the body was made, the timeline entry."""

    type: str
    timestamp: datetime
    event: CaseEvent


class WebhookCaseSerializer(serializers.Serializer):
    """The case as it is after the event: codes and ids only, no customer data (read more
    through the API with your own token)."""

    reference = serializers.CharField(
        source="complaint.reference",
        help_text=_("The case's reference, e.g. CP-2026-000123 (GET /api/v1/complaints/{ref}/)."),
    )
    state = serializers.ChoiceField(
        choices=State.choices,
        source="complaint.state",
        help_text=_("Where the case is in the workflow now."),
    )
    department = serializers.CharField(
        source="complaint.department.code",
        allow_null=True,
        help_text=_("The owning department's code (GET /api/v1/departments/); null if none."),
    )
    assignee = serializers.CharField(
        source="complaint.assignee.username",
        allow_null=True,
        help_text=_("The handler's username; null while unassigned."),
    )
    escalation_level = serializers.ChoiceField(
        choices=EscalationLevel.choices,
        source="complaint.escalation_level",
        help_text=_(
            "How far up the case is escalated: 0 not escalated, 1 department head, "
            "2 complaint manager, 3 senior management."
        ),
    )
    reopen_count = serializers.IntegerField(
        source="complaint.reopen_count",
        help_text=_("How many times the case was reopened for another handling round."),
    )
    timeline_entry = serializers.IntegerField(
        source="pk",
        help_text=_("The id of the timeline entry this event is (GET .../events/ lists them)."),
    )
    at = serializers.DateTimeField(help_text=_("When the event happened (ISO 8601)."))


class WebhookTransitionSerializer(WebhookCaseSerializer):
    """The case after a stage change, with the transition and the states before and after."""

    transition = serializers.ChoiceField(
        choices=[(name, spec.label) for name, spec in TRANSITIONS.items()],
        help_text=_("The transition performed (the name `transitions/{name}/` takes)."),
    )
    from_state = serializers.ChoiceField(
        choices=State.choices, help_text=_("The state before the change.")
    )
    to_state = serializers.ChoiceField(
        choices=State.choices, help_text=_("The state after the change.")
    )


class _Kept:
    """A value the timeline entry kept in its data, under the field's name (None if it kept none).
    A plain field, not a method field: the schema must not call the body's values read-only."""

    def get_attribute(self, event: CaseEvent) -> Any:
        name = self.field_name  # type: ignore[attr-defined]  # set by the Field it is mixed into
        return (event.data or {}).get(name)


class _KeptChoice(_Kept, serializers.ChoiceField):
    pass


class _KeptAmount(_Kept, serializers.DecimalField):
    pass


class _Level(serializers.ChoiceField):
    """The level the entry says the case was escalated to (the case's own level if it says none)."""

    def get_attribute(self, event: CaseEvent) -> Any:
        return (event.data or {}).get("level", event.complaint.escalation_level)


class WebhookEscalationSerializer(WebhookCaseSerializer):
    """The case after it was escalated, with the level it was escalated to."""

    level = _Level(
        choices=EscalationLevel.choices,
        help_text=_("The level escalated to (1 department head, 2 complaint manager, 3 senior)."),
    )


class WebhookDecisionSerializer(WebhookCaseSerializer):
    """The case after a decision was approved, with the decision's outcome, remedy and amount
    (as its timeline entry kept them)."""

    outcome = _KeptChoice(
        choices=Outcome.choices,
        help_text=_("Whether the complaint is upheld, partly upheld or not upheld."),
    )
    remedy = _KeptChoice(choices=Remedy.choices, help_text=_("What the customer is offered."))
    amount = _KeptAmount(
        max_digits=12,
        decimal_places=2,
        help_text=_("The amount offered, in yuan, as a decimal string."),
    )


class _MessageSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(
        help_text=_("When this body was made (the first attempt; retries send it unchanged).")
    )


class WebhookCaseEventSerializer(_MessageSerializer):
    """The body of `complaint.created` and `complaint.assigned`."""

    type = serializers.ChoiceField(choices=_choices(CASE_TYPES), help_text=_("The event type."))
    # A declared field (the body's `data`), taken out of the class by SerializerMetaclass: it
    # never replaces Serializer.data at run time, which the stubs cannot know.
    data = WebhookCaseSerializer(  # type: ignore[assignment]
        source="event", help_text=_("The case after the event.")
    )


class WebhookTransitionEventSerializer(_MessageSerializer):
    """The body of `complaint.transitioned`, `complaint.replied`, `complaint.closed` and
    `complaint.reopened` (a reply, a closing and a reopening are stage changes too)."""

    type = serializers.ChoiceField(
        choices=_choices(TRANSITION_TYPES), help_text=_("The event type.")
    )
    data = WebhookTransitionSerializer(  # type: ignore[assignment]
        source="event", help_text=_("The case after the change, with the change.")
    )


class WebhookEscalationEventSerializer(_MessageSerializer):
    """The body of `complaint.escalated`."""

    type = serializers.ChoiceField(
        choices=_choices(ESCALATION_TYPES), help_text=_("The event type.")
    )
    data = WebhookEscalationSerializer(  # type: ignore[assignment]
        source="event", help_text=_("The case after the escalation, with its level.")
    )


class WebhookDecisionEventSerializer(_MessageSerializer):
    """The body of `decision.approved`."""

    type = serializers.ChoiceField(choices=_choices(DECISION_TYPES), help_text=_("The event type."))
    data = WebhookDecisionSerializer(  # type: ignore[assignment]
        source="event", help_text=_("The case after the approval, with the decision.")
    )


# Event type → the serializer of its body.
WEBHOOK_BODIES: dict[str, type[serializers.Serializer]] = {
    **dict.fromkeys(CASE_TYPES, WebhookCaseEventSerializer),
    **dict.fromkeys(TRANSITION_TYPES, WebhookTransitionEventSerializer),
    **dict.fromkeys(ESCALATION_TYPES, WebhookEscalationEventSerializer),
    **dict.fromkeys(DECISION_TYPES, WebhookDecisionEventSerializer),
}


def webhook_body(*, event: CaseEvent, event_type: str, timestamp: datetime) -> dict[str, Any]:
    """The body sent for `event` as `event_type` (a plain, JSON-ready dict)."""
    message = WebhookMessage(type=event_type, timestamp=timestamp, event=event)
    return dict(WEBHOOK_BODIES[event_type](message).data)
