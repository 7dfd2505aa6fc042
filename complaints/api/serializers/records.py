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

    channel = serializers.ChoiceField(
        choices=Channel.choices,
        help_text=_("How the contact was made (phone, e-mail, walk-in...)."),
    )
    direction = serializers.ChoiceField(
        choices=ContactDirection.choices,
        help_text=_("`inbound`: the customer contacted us; `outbound`: we contacted them."),
    )
    summary = serializers.CharField(
        help_text=_("What was said, in a few sentences; internal, not shown to the customer.")
    )
    purpose = serializers.ChoiceField(
        choices=ContactPurpose.choices,
        required=False,
        default=ContactPurpose.GENERAL,
        help_text=_("Why the contact was made; a general contact when not given."),
    )
    at = PlausibleDateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Now when not given.")
    )
    canned_reply = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The canned reply the summary was started from (its id), if any."),
    )


class ContactSerializer(serializers.Serializer):
    """A recorded contact with the customer."""

    id = serializers.IntegerField(help_text=_("The contact's id."))
    channel = serializers.ChoiceField(
        choices=Channel.choices, help_text=_("How the contact was made.")
    )
    direction = serializers.ChoiceField(
        choices=ContactDirection.choices,
        help_text=_("`inbound`: the customer contacted us; `outbound`: we contacted them."),
    )
    purpose = serializers.ChoiceField(
        choices=ContactPurpose.choices, help_text=_("Why the contact was made.")
    )
    summary = serializers.CharField(
        help_text=_("What was said; internal, not shown to the customer.")
    )
    by = username_of(
        "by", null=True, help_text=_("Who recorded it (username); null when the system did.")
    )
    at = serializers.DateTimeField(help_text=_("When the contact took place."))


class FollowUpInputSerializer(serializers.Serializer):
    """The customer's answer when asked whether the resolution satisfied them."""

    method = serializers.ChoiceField(
        choices=FollowUpMethod.staff_choices(),
        help_text=_("How the customer was asked (phone, SMS, e-mail, visit...)."),
    )
    reached = serializers.BooleanField(
        help_text=_("False records a failed attempt (no satisfaction, no verdict).")
    )
    satisfaction = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("1 (very unhappy) to 5.")
    )
    resolved = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The customer's verdict: true resolved, false not resolved (the case may be reopened); null when not reached or not said."
        ),
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the customer said, in a few words."),
    )


class FollowUpSerializer(serializers.Serializer):
    """A recorded follow-up with the customer after the resolution."""

    id = serializers.IntegerField(help_text=_("The follow-up's id."))
    round = serializers.IntegerField(
        help_text=_("Handling round it belongs to: 0, then 1 after a reopen...")
    )
    method = serializers.ChoiceField(
        choices=FollowUpMethod.choices,
        help_text=_("How the customer was asked; `web` is their own answer to the online survey."),
    )
    reached = serializers.BooleanField(
        help_text=_("Whether the customer was reached; false records a failed attempt.")
    )
    satisfaction = serializers.IntegerField(
        allow_null=True,
        help_text=_("1 (very unhappy) to 5 (very happy); null when not reached or not given."),
    )
    resolved = serializers.BooleanField(
        allow_null=True,
        help_text=_(
            "The customer's verdict: true resolved, false not resolved; null when not reached or not said."
        ),
    )
    comment = serializers.CharField(help_text=_("What the customer said."))
    # Null for the customer's own answer to the online survey (method `web`).
    by = username_of(
        "by",
        null=True,
        help_text=_(
            "Who recorded it (username); null for the customer's own answer to the online survey."
        ),
    )
    at = serializers.DateTimeField(help_text=_("When it was recorded."))


class HandoffInputSerializer(serializers.Serializer):
    """Passing the case to another department or handler, with the reason."""

    to_department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        help_text=_("The code of the department that takes the case over (GET /departments/)."),
    )
    to_user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The username of an active member of that department who takes it over; null: left to the department to assign."
        ),
    )
    note = serializers.CharField(help_text=_("What is handed over and why."))
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The complaint's version this change is based on (or send If-Match)."),
    )


class HandoffSerializer(serializers.Serializer):
    """A recorded hand-off of the case."""

    id = serializers.IntegerField(help_text=_("The hand-off's id."))
    from_department = code_of(
        "from_department",
        null=True,
        help_text=_("The code of the department that had the case; null if none."),
    )
    from_user = username_of(
        "from_user",
        null=True,
        help_text=_("The handler who had the case (username); null if unassigned."),
    )
    to_department = code_of(
        "to_department", help_text=_("The code of the department that took the case over.")
    )
    to_user = username_of(
        "to_user",
        null=True,
        help_text=_("The handler who took it over (username); null when left to the department."),
    )
    note = serializers.CharField(help_text=_("What was handed over and why."))
    handed_off_by = username_of("handed_off_by", help_text=_("Who handed it off (username)."))
    at = serializers.DateTimeField(help_text=_("When it was handed off."))


class PauseInputSerializer(serializers.Serializer):
    """Pausing the case's deadlines while waiting on the customer or a third party."""

    reason = serializers.ChoiceField(
        choices=PauseReason.choices,
        help_text=_(
            "Why the deadlines stop: waiting on the customer, on a third party...; `other` needs a `note`."
        ),
    )
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
    canned_reply = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "`send_reply`, `answer_on_spot`: the canned reply the text was started from (its id), "
            "if any; it must fit the case's category."
        ),
    )

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The complaint's version this change is based on (or send If-Match)."),
    )


class ChecklistStepSerializer(serializers.Serializer):
    """One step of the case's procedure checklist (issue 16 §8), in the reader's language."""

    id = serializers.IntegerField(help_text=_("The step's id (for ticking it)."))
    checklist = serializers.CharField(
        source="local_template_name",
        help_text=_(
            "The name of the procedure checklist the step belongs to, in the reader's language."
        ),
    )
    position = serializers.IntegerField(help_text=_("The step's place in its checklist, from 0."))
    text = serializers.CharField(
        source="local_text", help_text=_("What must be done, in the reader's language.")
    )
    who = serializers.CharField(
        source="local_who",
        help_text=_(
            "Who does it (a role or a person), in the reader's language; empty when not said."
        ),
    )
    evidence_required = serializers.BooleanField(
        help_text=_("Whether ticking it `done` needs one of the case's evidence files.")
    )
    due_at = serializers.DateTimeField(
        help_text=_("When the step is due, on the business calendar of the case's department.")
    )
    outcome = serializers.CharField(
        help_text=_("`done` or `not_applicable`; empty while the step is open.")
    )
    done_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the step was ticked; null while open.")
    )
    done_by = username_of(
        "done_by", null=True, help_text=_("Who ticked it (username); null while open.")
    )
    note = serializers.CharField(
        help_text=_("What was noted when ticking it (required for `not_applicable`).")
    )
    evidence_id = serializers.IntegerField(
        allow_null=True, help_text=_("The evidence file that shows it done; null if none.")
    )


class ChecklistTickInputSerializer(serializers.Serializer):
    """Ticking a step of the case's procedure checklist."""

    outcome = serializers.ChoiceField(
        choices=CaseChecklistStep.Outcome.choices,
        help_text=_("`done`, or `not_applicable` (with a `note` saying why)."),
    )
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
