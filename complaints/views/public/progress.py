"""A case's progress in the customer's words: its stage, its steps, and its timeline as the
customer reads it. Built from customer-visible entries only, and never from who did what: staff
names, internal notes and contact summaries other than our answer never reach the customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from complaints.models import CaseEvent, Channel, ContactPurpose, RejectionReason, State
from complaints.timeline import by_customer

Kind = CaseEvent.Kind

# The stage, as the customer reads it: a title and one sentence about what happens now.
STAGE_WORDS = {
    State.INTAKE: (
        pgettext_lazy("customer stage", "Received"),
        gettext_lazy("We have received your complaint and are passing it to the right team."),
    ),
    State.TRIAGE: (
        pgettext_lazy("customer stage", "Received"),
        gettext_lazy("We have received your complaint and are passing it to the right team."),
    ),
    State.INVESTIGATION: (
        gettext_lazy("Being looked into"),
        gettext_lazy("We are finding out what happened and may contact you with questions."),
    ),
    State.DECISION: (
        gettext_lazy("Deciding"),
        gettext_lazy("We are deciding how to put things right."),
    ),
    State.REPLY: (
        gettext_lazy("Answer on its way"),
        gettext_lazy("We have decided and are preparing our answer to you."),
    ),
    State.FOLLOW_UP: (
        gettext_lazy("Answered"),
        gettext_lazy("We have sent you our answer. Please tell us whether the matter is settled."),
    ),
    State.CLOSED: (
        gettext_lazy("Closed"),
        gettext_lazy("Your complaint is closed. Thank you for telling us."),
    ),
    State.REJECTED: (
        gettext_lazy("Not accepted"),
        gettext_lazy("We could not accept your complaint; the reason is below."),
    ),
    State.WITHDRAWN: (
        gettext_lazy("Withdrawn"),
        gettext_lazy("This complaint was withdrawn and is no longer handled."),
    ),
}

# The steps shown as a progress bar, and which step each state is at.
STEPS = [
    pgettext_lazy("customer stage", "Received"),
    gettext_lazy("Looking into it"),
    gettext_lazy("Decision"),
    gettext_lazy("Answer"),
    gettext_lazy("Done"),
]
STEP_OF_STATE = {
    State.INTAKE: 0,
    State.TRIAGE: 0,
    State.INVESTIGATION: 1,
    State.DECISION: 2,
    State.REPLY: 2,
    State.FOLLOW_UP: 3,
    State.CLOSED: 4,
}


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    current: bool


def steps_for(state: str) -> list[Step]:
    """The progress bar; none for a case that ended off the main path (rejected, withdrawn)."""
    at = STEP_OF_STATE.get(state)
    if at is None:
        return []
    return [
        # Answered (follow-up) and closed: their own step is done too.
        Step(
            label=str(name),
            done=number < at or (number == at and state in (State.FOLLOW_UP, State.CLOSED)),
            current=number == at,
        )
        for number, name in enumerate(STEPS)
    ]


@dataclass(frozen=True)
class PublicEntry:
    at: datetime
    sentence: str
    text: str = ""
    mine: bool = False  # the customer's own entry


def _channel(value: str | None) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return ""


def public_entry(event: CaseEvent) -> PublicEntry | None:
    """One customer-visible entry in the customer's words; None for what they need not read."""
    data = event.data or {}
    at = event.at
    if by_customer(event):
        if event.kind == Kind.CONTACT:
            return PublicEntry(at, _("You wrote to us."), event.comment, mine=True)
        if event.kind == Kind.EVIDENCE:
            return PublicEntry(
                at, _("You sent a file: %(name)s") % {"name": data.get("name", "")}, mine=True
            )
        if event.kind == Kind.FOLLOW_UP:
            verdict = _("resolved") if data.get("resolved") else _("not resolved")
            return PublicEntry(
                at,
                _("You answered our survey: %(score)s/5, %(verdict)s.")
                % {"score": data.get("satisfaction"), "verdict": verdict},
                event.comment,
                mine=True,
            )
        if event.kind == Kind.TRANSITION and event.transition == "withdraw":
            return PublicEntry(at, _("You withdrew the complaint."), event.comment, mine=True)
        if event.kind == Kind.TRANSITION and event.transition == "reopen":
            return PublicEntry(at, _("We are looking into your complaint again."))
        if event.kind == Kind.TRANSITION and event.transition == "close":
            return PublicEntry(at, _("Your complaint was closed."))
        return None
    if event.kind == Kind.CREATED:
        return PublicEntry(at, _("We received your complaint."))
    if event.kind == Kind.TRANSITION:
        return _transition(event)
    if event.kind == Kind.CONTACT and data.get("direction") == "outbound":
        return _contact(event, data)
    return None


def _transition(event: CaseEvent) -> PublicEntry | None:
    data = event.data or {}
    if event.transition == "reject":
        try:
            ground = str(RejectionReason(data.get("reason")).label)
        except ValueError:
            ground = ""
        text = "\n".join(filter(None, [ground, event.comment]))
        return PublicEntry(event.at, _("We could not accept your complaint."), text)
    # send_reply says nothing of its own: its contact entry carries the answer itself.
    sentences = {
        "close": _("Your complaint was closed."),
        "reopen": _("We are looking into your complaint again."),
        "withdraw": _("The complaint was withdrawn."),
    }
    sentence = sentences.get(event.transition)
    return PublicEntry(event.at, sentence) if sentence else None


def _contact(event: CaseEvent, data: dict) -> PublicEntry | None:
    purpose = data.get("purpose")
    channel = _channel(data.get("channel"))
    if purpose == ContactPurpose.ACKNOWLEDGEMENT:
        return PublicEntry(
            event.at, _("We confirmed receipt (%(channel)s).") % {"channel": channel}
        )
    if purpose == ContactPurpose.TRACKING_LINK:
        return PublicEntry(
            event.at, _("We sent you a new tracking link (%(channel)s).") % {"channel": channel}
        )
    if purpose == ContactPurpose.REJECTION:
        return None  # the rejection's own entry says it, with the ground
    if purpose == ContactPurpose.REPLY:
        # Our answer, as it was sent to the customer.
        return PublicEntry(
            event.at, _("Our answer (%(channel)s):") % {"channel": channel}, event.comment
        )
    return PublicEntry(event.at, _("We contacted you (%(channel)s).") % {"channel": channel})


def public_entries(events: list[CaseEvent]) -> list[PublicEntry]:
    """Newest first."""
    entries = [entry for entry in map(public_entry, events) if entry is not None]
    return entries[::-1]
