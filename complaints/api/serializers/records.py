"""What is recorded on a case besides its fields: timeline, notes, contacts, follow-ups, handoffs,
clock pauses, and the transitions themselves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department, User
from complaints.api.serializers.fields import PlausibleDateTimeField, code_of, username_of
from complaints.models import (
    CaseEvent,
    Channel,
    ContactDirection,
    ContactPurpose,
    FollowUpMethod,
    RejectionReason,
    State,
)
from complaints.privacy import evidence_event_for
from sla.models import CaseChecklistStep, PauseReason


class EventSerializer(serializers.Serializer):
    """One entry of the case's timeline: who did what, when."""

    id = serializers.IntegerField(help_text=_("The entry's id."))
    kind = serializers.ChoiceField(choices=CaseEvent.Kind.choices, help_text=_("What happened."))
    at = serializers.DateTimeField(help_text=_("When it happened."))
    actor = username_of("actor", null=True, help_text=_("Null when the system acted."))
    from_state = serializers.CharField(
        help_text=_("The state before, for a transition; empty otherwise.")
    )
    to_state = serializers.CharField(
        help_text=_("The state after, for a transition; empty otherwise.")
    )
    transition = serializers.CharField(
        help_text=_("The transition's name, for a transition; empty otherwise.")
    )
    comment = serializers.CharField(help_text=_("What was said with it."))
    customer_visible = serializers.BooleanField(
        help_text=_("Whether the customer sees this entry on their tracking page.")
    )
    # A declared field, taken out of the class by SerializerMetaclass: it never replaces
    # Serializer.data at run time, which the stubs cannot know.
    data = serializers.DictField(  # type: ignore[assignment]
        help_text=_(
            "Details of the entry; keys depend on `kind`. Evidence of a kind restricted from you "
            "has `restricted` true and no name (and no comment)."
        )
    )

    def to_representation(self, event: CaseEvent) -> dict[str, Any]:
        data = super().to_representation(event)
        if event.kind == CaseEvent.Kind.EVIDENCE:
            request = self.context.get("request")
            reader = getattr(request, "user", None) or AnonymousUser()
            data["data"], data["comment"] = evidence_event_for(
                user=reader, data=data["data"], comment=data["comment"]
            )
        return data


class NoteInputSerializer(serializers.Serializer):
    """An internal note on the case (never shown to the customer)."""

    text = serializers.CharField(help_text=_("An internal note, never shown to the customer."))


class ContactInputSerializer(serializers.Serializer):
    """A contact with the customer (a call, a message...) to record on the case."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=ContactDirection.choices)
    summary = serializers.CharField()
    purpose = serializers.ChoiceField(
        choices=ContactPurpose.choices, required=False, default=ContactPurpose.GENERAL
    )
    at = PlausibleDateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Now when not given.")
    )


class ContactSerializer(serializers.Serializer):
    """A recorded contact with the customer."""

    id = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=ContactDirection.choices)
    purpose = serializers.ChoiceField(choices=ContactPurpose.choices)
    summary = serializers.CharField()
    by = username_of("by", null=True)
    at = serializers.DateTimeField()


class FollowUpInputSerializer(serializers.Serializer):
    """The customer's answer when asked whether the resolution satisfied them."""

    method = serializers.ChoiceField(choices=FollowUpMethod.staff_choices())
    reached = serializers.BooleanField(
        help_text=_("False records a failed attempt (no satisfaction, no verdict).")
    )
    satisfaction = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("1 (very unhappy) to 5.")
    )
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.Serializer):
    """A recorded follow-up with the customer after the resolution."""

    id = serializers.IntegerField()
    round = serializers.IntegerField()
    method = serializers.ChoiceField(choices=FollowUpMethod.choices)
    reached = serializers.BooleanField()
    satisfaction = serializers.IntegerField(allow_null=True)
    resolved = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    # Null for the customer's own answer to the online survey (method `web`).
    by = username_of("by", null=True)
    at = serializers.DateTimeField()


class HandoffInputSerializer(serializers.Serializer):
    """Passing the case to another department or handler, with the reason."""

    to_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all()
    )
    to_user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    note = serializers.CharField(help_text=_("What is handed over and why."))
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class HandoffSerializer(serializers.Serializer):
    """A recorded hand-off of the case."""

    id = serializers.IntegerField()
    from_department = code_of("from_department", null=True)
    from_user = username_of("from_user", null=True)
    to_department = code_of("to_department")
    to_user = username_of("to_user", null=True)
    note = serializers.CharField()
    handed_off_by = username_of("handed_off_by")
    at = serializers.DateTimeField()


class PauseInputSerializer(serializers.Serializer):
    """Pausing the case's deadlines while waiting on the customer or a third party."""

    reason = serializers.ChoiceField(choices=PauseReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required for `other`.")
    )


class TransitionSerializer(serializers.Serializer):
    """A transition the user may perform on the case now, and the fields it takes."""

    name = serializers.CharField(help_text=_("The name to post to (transitions/{name}/)."))
    target = serializers.ChoiceField(
        choices=State.choices, help_text=_("The state the case moves to.")
    )
    label = serializers.CharField(
        help_text=_("The action's name for people, in the request's language.")
    )  # type: ignore[assignment]  # declared field, see EventSerializer
    inputs = serializers.ListField(
        child=serializers.CharField(), help_text=_("Fields this transition needs.")
    )


class TransitionInputSerializer(serializers.Serializer):
    """The fields of every transition; each uses those it needs (see `inputs`)."""

    comment = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Why, in a few words; shown on the timeline.")
    )
    reason = serializers.ChoiceField(
        choices=RejectionReason.choices, required=False, help_text=_("`reject`: the ground.")
    )
    findings = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("`answer_on_spot`, `complete_investigation`."),
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, help_text=_("`send_reply`: how it was sent.")
    )
    content = serializers.CharField(
        required=False, allow_blank=True, help_text=_("`send_reply`: what the customer was told.")
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The complaint's version this change is based on (or send If-Match)."),
    )


class ChecklistStepSerializer(serializers.Serializer):
    """One step of the case's procedure checklist (issue 16 §8), in the reader's language."""

    id = serializers.IntegerField()
    checklist = serializers.CharField(source="local_template_name")
    position = serializers.IntegerField()
    text = serializers.CharField(source="local_text")
    who = serializers.CharField(source="local_who")
    evidence_required = serializers.BooleanField()
    due_at = serializers.DateTimeField()
    outcome = serializers.CharField(
        help_text=_("`done` or `not_applicable`; empty while the step is open.")
    )
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = username_of("done_by", null=True)
    note = serializers.CharField()
    evidence_id = serializers.IntegerField(allow_null=True)


class ChecklistTickInputSerializer(serializers.Serializer):
    """Ticking a step of the case's procedure checklist."""

    outcome = serializers.ChoiceField(choices=CaseChecklistStep.Outcome.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Required when the step does not apply."),
    )
    evidence_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("One of the case's evidence files; required by steps that need evidence."),
    )
