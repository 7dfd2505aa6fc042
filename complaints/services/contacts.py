"""Contacts with the customer and follow-up visits (回访)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import ConditionNotMet, InvalidInput
from complaints.models import (
    CannedReply,
    CaseEvent,
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerContact,
    FollowUp,
    FollowUpMethod,
    State,
)
from complaints.services.canned import canned_reply_chosen, canned_reply_data
from complaints.services.common import Needs, ensure_can_act, lock_for_change, save_change
from complaints.services.notifications import notifications_settle_case
from complaints.timeline import BY_CUSTOMER, new_event, record_event, record_events
from sla.models import Stage
from sla.services.clocks import clocks_meet


def log_contact(
    *,
    complaint: Complaint,
    actor: User | None,
    channel: str,
    direction: str,
    summary: str,
    purpose: str = ContactPurpose.GENERAL,
    at: datetime | None = None,
    by_customer: bool = False,
    timeline: list[CaseEvent] | None = None,
    canned_reply: CannedReply | None = None,
) -> CustomerContact:
    """Write the contact row and its timeline entry; the caller holds the case lock.

    The first outbound contact by a person is the first response; an automatic message is not.
    `by_customer`: the customer wrote on the public pages (inbound, shown back to them).
    `timeline` given: the entry is added to it, for the caller to store with its own entries in
    one insert (complaints.timeline.record_events), in the same transaction.
    `canned_reply`: the canned reply the text was started from, kept on the row and the entry.
    """
    contact = CustomerContact.objects.create(
        complaint=complaint,
        channel=channel,
        direction=direction,
        purpose=purpose,
        summary=summary,
        by=actor,
        at=at or timezone.now(),
        canned_reply=canned_reply,
    )
    is_staff_reply = actor is not None and direction == ContactDirection.OUTBOUND
    if is_staff_reply and complaint.first_response_at is None:
        complaint.first_response_at = contact.at
    entry = new_event(
        complaint=complaint,
        kind=CaseEvent.Kind.CONTACT,
        actor=actor,
        at=contact.at,
        comment=summary,
        customer_visible=by_customer or direction == ContactDirection.OUTBOUND,
        data={
            "contact_id": contact.pk,
            "channel": channel,
            "direction": direction,
            "purpose": purpose,
            **(canned_reply_data(canned_reply) if canned_reply else {}),
            **(BY_CUSTOMER if by_customer else {}),
        },
    )
    if timeline is not None:
        timeline.append(entry)
    else:
        record_events(events=[entry])
    return contact


def validate_contact(*, channel: str, summary: str, field: str = "summary") -> None:
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
    if not (summary or "").strip():
        errors[field] = [_("Write what was said.")]
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def contact_record(
    *,
    complaint: Complaint,
    actor: User,
    channel: str,
    direction: str,
    summary: str,
    purpose: str = ContactPurpose.GENERAL,
    at: datetime | None = None,
    canned_reply: CannedReply | int | str | None = None,
) -> CustomerContact:
    """Log a call or message with the customer; `canned_reply`: the canned reply (or its id) the
    text was started from."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.CONTACT)
    validate_contact(channel=channel, summary=summary)
    chosen = canned_reply_chosen(complaint=complaint, value=canned_reply)
    if direction not in ContactDirection.values:
        raise InvalidInput({"direction": [_("Choose a direction.")]})
    if purpose not in ContactPurpose.values:
        raise InvalidInput({"purpose": [_("Choose a purpose.")]})
    if at is not None and at > timezone.now():
        raise InvalidInput({"at": [_("A contact cannot be in the future.")]})
    locked = lock_for_change(complaint, must_be_current=False)
    first_response_before = locked.first_response_at
    contact = log_contact(
        complaint=locked,
        actor=actor,
        channel=channel,
        direction=direction,
        summary=summary.strip(),
        purpose=purpose,
        at=at,
        canned_reply=chosen,
    )
    # log_contact sets the first response once; it never clears it.
    if locked.first_response_at is not None and locked.first_response_at != first_response_before:
        save_change(locked, fields=["first_response_at"])
        clocks_meet(complaint=locked, stages=[Stage.FIRST_RESPONSE], at=locked.first_response_at)
        notifications_settle_case(complaint=locked, by=actor)
    return contact


@transaction.atomic
def follow_up_record(
    *,
    complaint: Complaint,
    actor: User,
    method: str,
    reached: bool,
    satisfaction: int | None = None,
    resolved: bool | None = None,
    comment: str = "",
) -> FollowUp:
    """Record one follow-up attempt; a visit that reached the customer needs their verdict."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.FOLLOW_UP)
    locked = lock_for_change(complaint, must_be_current=False)
    if locked.state != State.FOLLOW_UP:
        raise ConditionNotMet([_("Follow-up visits are recorded after the reply is sent.")])
    errors: dict[str, list[str]] = {}
    if method not in FollowUpMethod.values or method == FollowUpMethod.WEB:
        errors["method"] = [_("Choose how the customer was contacted.")]
    if reached:
        if satisfaction is None or not 1 <= satisfaction <= 5:
            errors["satisfaction"] = [_("Give the customer's satisfaction from 1 to 5.")]
        if resolved is None:
            errors["resolved"] = [_("Say whether the customer considers the matter resolved.")]
    elif satisfaction is not None or resolved is not None:
        errors["reached"] = [_("A visit that did not reach the customer has no verdict.")]
    if errors:
        raise InvalidInput(errors)
    follow_up = FollowUp.objects.create(
        complaint=locked,
        case_department_id=locked.department_id,
        case_assignee_id=locked.assignee_id,
        round=locked.reopen_count,
        method=method,
        reached=reached,
        satisfaction=satisfaction,
        resolved=resolved,
        comment=(comment or "").strip(),
        by=actor,
        at=timezone.now(),
    )
    if reached:
        clocks_meet(complaint=locked, stages=[Stage.FOLLOW_UP], at=follow_up.at)
        notifications_settle_case(complaint=locked, by=actor, at=follow_up.at)
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.FOLLOW_UP,
        actor=actor,
        at=follow_up.at,
        comment=follow_up.comment,
        data={
            "follow_up_id": follow_up.pk,
            "method": method,
            "reached": reached,
            "satisfaction": satisfaction,
            "resolved": resolved,
        },
    )
    return follow_up
