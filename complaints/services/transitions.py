"""The one transition runner: lock → state → permission → conditions → input → transition → save
→ timeline, in one database transaction. Pages, API, admin and tasks all move cases through here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from accounts.models import User
from complaints.errors import (
    ConditionNotMet,
    Conflict,
    InvalidInput,
    PermissionDenied,
    TransitionNotAllowed,
    UnknownTransition,
)
from complaints.models import (
    CaseEvent,
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerText,
    RejectionReason,
)
from complaints.selectors import complaint_is_workable_by
from complaints.services.canned import canned_reply_chosen, canned_reply_data
from complaints.services.common import ensure_workable, lock_for_change, save_change
from complaints.services.contacts import log_contact
from complaints.services.customer_emails import (
    Delivery,
    delivery_for,
    merge_notice,
    rejection_notice,
)
from complaints.services.customer_texts import customer_text_on_commit
from complaints.services.notifications import notifications_settle_case
from complaints.services.reply import reply_email_on_commit
from complaints.timeline import BY_CUSTOMER, record_event
from sla.services.clocks import clocks_after_transition

Input = Mapping[str, Any]
CANNED = "canned_reply"


@dataclass(frozen=True)
class TransitionSpec:
    """What a transition needs besides its state and role: its input, and the rows it writes."""

    name: str
    label: Any
    validate: Callable[[Complaint, Input], dict[str, list[str]]] = lambda complaint, data: {}
    # Keyword arguments for the model's transition method, taken from the input.
    method_kwargs: Callable[[Input], dict[str, Any]] = lambda data: {}
    # Writes that belong to the transition (e.g. the reply's contact row); runs after the save.
    after: Callable[[Complaint, User | None, Input, datetime], dict[str, Any]] | None = None
    customer_visible: bool = False
    inputs: tuple[str, ...] = field(default=())
    # Takes `canned_reply` (optional): the canned reply the text was started from (issue 18 §3).
    canned: bool = False


def _text(data: Input, name: str) -> str:
    return str(data.get(name) or "").strip()


def _require(data: Input, *names: str) -> dict[str, list[str]]:
    return {name: [_("This field is required.")] for name in names if not _text(data, name)}


def _validate_reject(complaint: Complaint, data: Input) -> dict[str, list[str]]:
    reason = _text(data, "reason")
    if not reason:
        return {"reason": [_("Choose the ground for not accepting the complaint.")]}
    if reason not in RejectionReason.values:
        return {"reason": [_("Choose a ground from the list.")]}
    if reason == RejectionReason.OTHER and not _text(data, "comment"):
        return {"comment": [_("Explain the ground in the comment.")]}
    return {}


def _validate_reply(complaint: Complaint, data: Input) -> dict[str, list[str]]:
    errors = _require(data, "channel", "content")
    if "channel" not in errors and _text(data, "channel") not in Channel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
    return errors


def _after_reply(
    complaint: Complaint, actor: User | None, data: Input, at: datetime
) -> dict[str, Any]:
    contact = log_contact(
        complaint=complaint,
        actor=actor,
        channel=_text(data, "channel"),
        direction=ContactDirection.OUTBOUND,
        purpose=ContactPurpose.REPLY,
        summary=_text(data, "content"),
        at=at,
        canned_reply=data.get(CANNED),
    )
    emailed = reply_email_on_commit(complaint=complaint, contact=contact)
    # No e-mail address: a text tells them the answer is there, with the survey's link.
    texted = not emailed and customer_text_on_commit(
        complaint=complaint, kind=CustomerText.Kind.REPLY, key=f"reply:{contact.pk}"
    )
    return {
        "contact_id": contact.pk,
        "channel": contact.channel,
        "emailed": emailed,
        **({"texted": True} if texted else {}),
    }


def _after_reject(
    complaint: Complaint, actor: User | None, data: Input, at: datetime
) -> dict[str, Any]:
    # Merged as a duplicate (complaints.services.duplicates): the survivor comes as a case, which
    # no form or API body can send, and the customer is told the one reference to follow.
    survivor = data.get("merged_into")
    if isinstance(survivor, Complaint):
        return {
            "notice": merge_notice(duplicate=complaint, survivor=survivor, at=at),
            "merged_into": survivor.reference,
        }
    # The rules require the customer to be told the ground: by e-mail when we have an address.
    notice = delivery_for(complaint.customer)
    if notice == Delivery.EMAILED:
        rejection_notice(complaint=complaint, explanation=_text(data, "comment"), at=at)
    return {"notice": notice}


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in [
        TransitionSpec("start_triage", gettext_lazy("Start triage")),
        TransitionSpec("start_investigation", gettext_lazy("Send to investigation")),
        TransitionSpec(
            "answer_on_spot",
            gettext_lazy("Answer on the spot"),
            validate=lambda c, data: _require(data, "findings"),
            method_kwargs=lambda data: {"findings": _text(data, "findings")},
            inputs=("findings",),
            canned=True,
        ),
        TransitionSpec(
            "reject",
            gettext_lazy("Reject (不予受理)"),
            validate=_validate_reject,
            method_kwargs=lambda data: {"reason": _text(data, "reason")},
            after=_after_reject,
            customer_visible=True,
            inputs=("reason",),
        ),
        TransitionSpec(
            "complete_investigation",
            gettext_lazy("Complete investigation"),
            validate=lambda c, data: _require(data, "findings"),
            method_kwargs=lambda data: {"findings": _text(data, "findings")},
            inputs=("findings",),
        ),
        TransitionSpec("decide", gettext_lazy("Confirm decision")),
        TransitionSpec(
            "send_reply",
            gettext_lazy("Send reply to customer"),
            validate=_validate_reply,
            after=_after_reply,
            customer_visible=True,
            inputs=("channel", "content"),
            canned=True,
        ),
        TransitionSpec("close", pgettext_lazy("workflow step", "Close"), customer_visible=True),
        TransitionSpec("reopen", gettext_lazy("Reopen (second handling)"), customer_visible=True),
        TransitionSpec("withdraw", gettext_lazy("Withdraw"), customer_visible=True),
    ]
}


# What the customer may do through the public pages. They pass no staff permission or scope
# check (the signed link is their authority); state and conditions apply as for anyone: withdraw
# an open complaint, reopen it by a dissatisfied survey answer, close it by a satisfied one where
# COMPLAINTS_CLOSE_ON_SATISFIED_SURVEY says so.
CUSTOMER_TRANSITIONS = frozenset({"withdraw", "reopen", "close"})


def _method(complaint: Complaint, name: str) -> Any:
    """The bound transition method; Any, as django-fsm reads its `_django_fsm` attribute."""
    return getattr(complaint, name)


def transition_needs(name: str) -> tuple[str, ...]:
    """The role permission transition `name` asks (the model's `permission`), for the doors to
    check before they read a body or the case's state: a role that may never take this step hears
    403 whatever it sent and wherever the case stands. UnknownTransition for an unknown name."""
    if name not in TRANSITIONS:
        raise UnknownTransition()
    meta = getattr(Complaint, name)._django_fsm
    codenames = {transition.permission.codename for transition in meta.transitions.values()}
    return tuple(sorted(codenames))


def transitions_from_state(complaint: Complaint) -> list[str]:
    """Transition names that start from the case's current state (ignoring role and conditions)."""
    return [name for name in TRANSITIONS if can_proceed(_method(complaint, name), False)]


def available_transitions(*, complaint: Complaint, user: User) -> list[TransitionSpec]:
    """What `user` may do to the case right now: state, role and conditions all allow it."""
    if not complaint_is_workable_by(user=user, complaint=complaint):
        return []
    return [
        spec
        for name, spec in TRANSITIONS.items()
        if has_transition_perm(_method(complaint, name), user)
    ]


def unmet_conditions(complaint: Complaint, name: str) -> list[str]:
    method = _method(complaint, name)
    transition = method._django_fsm.get_transition(complaint.state)
    return [
        str(getattr(check, "unmet_message", check.__name__))
        for check in transition.conditions
        if not check(complaint)
    ]


def complaint_transition(
    *,
    complaint: Complaint,
    name: str,
    actor: User | None,
    data: Input | None = None,
    expected_version: int | None = None,
    by_customer: bool = False,
) -> Complaint:
    """Run transition `name` on the case as `actor`; returns the case as saved.

    `by_customer`: the customer acts from the public pages (`actor` None); only the transitions
    of CUSTOMER_TRANSITIONS, with no staff permission check, recorded as the customer's.

    Raises UnknownTransition, NotFound, Conflict, TransitionNotAllowed, PermissionDenied,
    ConditionNotMet or InvalidInput, in that order of checking, and changes nothing when it does.
    """
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise UnknownTransition()
    data = data or {}
    if by_customer:
        if actor is not None or name not in CUSTOMER_TRANSITIONS:
            raise PermissionDenied()
    elif actor is None:
        raise PermissionDenied()
    else:
        ensure_workable(actor=actor, complaint=complaint)
    try:
        with transaction.atomic():
            locked = lock_for_change(complaint, expected_version=expected_version)
            method = _method(locked, name)
            if not can_proceed(method, check_conditions=False):
                raise TransitionNotAllowed(
                    name=name,
                    state=locked.state,
                    allowed=[
                        allowed.name
                        for allowed in available_transitions(complaint=locked, user=actor)
                    ]
                    if actor is not None
                    else [],
                )
            transition = method._django_fsm.get_transition(locked.state)
            if actor is not None and not transition.has_perm(locked, actor):
                raise PermissionDenied()
            unmet = unmet_conditions(locked, name)
            if unmet:
                raise ConditionNotMet(unmet)
            errors = spec.validate(locked, data)
            canned = None
            if spec.canned:
                try:
                    canned = canned_reply_chosen(complaint=locked, value=data.get(CANNED))
                except InvalidInput as error:
                    errors = {**errors, **error.fields}
            if errors:
                raise InvalidInput(errors)
            data = {**data, CANNED: canned}

            at = timezone.now()
            from_state = locked.state
            method(at=at, **spec.method_kwargs(data))
            save_change(locked)
            extra = spec.after(locked, actor, data, at) if spec.after else {}
            clocks_after_transition(complaint=locked, name=name, at=at)
            # Reminders of clocks just met or stopped, and everything about an ended case, are done.
            notifications_settle_case(complaint=locked, by=actor, at=at)
            record_event(
                complaint=locked,
                kind=CaseEvent.Kind.TRANSITION,
                actor=actor,
                at=at,
                from_state=from_state,
                to_state=locked.state,
                transition=name,
                comment=_text(data, "comment"),
                customer_visible=spec.customer_visible,
                data={
                    **{key: data.get(key) for key in spec.inputs},
                    **(canned_reply_data(canned) if canned else {}),
                    **extra,
                    **(BY_CUSTOMER if by_customer else {}),
                },
            )
    except ConcurrentTransition as exc:
        # The row lock makes this rare; it still guards writers that bypass lock_for_change.
        raise Conflict() from exc
    return locked
