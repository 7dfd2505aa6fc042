"""E-mails to customers: the acknowledgment of a complaint, the notice of non-acceptance (不予受理)
and the reply. One path for all three.

Each is rendered in the customer's language (theirs, or the site's) inside the transaction of what
caused it, recorded as an outbound e-mail contact on the case, stored as a `CustomerEmail`, and
handed to the mail server by the notify queue after the commit: a change that rolls back sends
nothing, and a broker or mail server that is down never undoes a change already recorded. The
resend job (beat, every five minutes) sends what the broker never got; each e-mail is locked and
marked sent in one short transaction, so it goes out once (at least once if a worker dies between
the SMTP hand-off and the commit), as the staff notifications do.

Automatic messages are recorded without a person (`by` empty): they never count as the first
response, whose clock keeps running until someone actually talks to the customer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from complaints.models import (
    CaseEvent,
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    Customer,
    CustomerContact,
    CustomerEmail,
    CustomerText,
)
from complaints.public_links import tracking_url
from complaints.services.contacts import log_contact
from complaints.services.customer_texts import customer_text_on_commit
from complaints.services.notifications import (
    case_thread_id,
    outbox_resend_ids,
    outbox_send_each,
    render_message,
)
from config.dispatch import dispatch_after_commit
from sla.models import Clock, EscalationSettings, Stage

logger = logging.getLogger(__name__)

# complaints.tasks.send_customer_emails_task, queued by name (config.dispatch).
SEND_TASK = "complaints.tasks.send_customer_emails_task"


class Delivery:
    """Whether an automatic e-mail could go, as stored in the timeline's data (a code)."""

    EMAILED = "emailed"
    NO_ADDRESS = "no_email"  # no e-mail address, and not reached by text either
    TEXTED = "texted"  # a mobile number and no e-mail address: by text (customer_texts)
    SWITCHED_OFF = "email_off"  # the organisation has e-mail switched off (the demo history)


def customer_language(customer: Customer) -> str:
    """The language we write to the customer in: theirs, or the site's."""
    return customer.language or settings.LANGUAGE_CODE


def delivery_for(customer: Customer) -> str:
    """Whether an e-mail to this customer can go now (a Delivery code)."""
    if not customer.email:
        return Delivery.NO_ADDRESS
    if not EscalationSettings.current().send_email:
        return Delivery.SWITCHED_OFF
    return Delivery.EMAILED


def customer_email_send(
    *,
    complaint: Complaint,
    purpose: str,
    template: str,
    context: dict[str, Any] | None = None,
    contact: CustomerContact | None = None,
    at: datetime | None = None,
    timeline: list[CaseEvent] | None = None,
) -> CustomerEmail | None:
    """E-mail templates/emails/<template>.* to the complaint's customer after the commit.

    `contact` given: the e-mail belongs to that contact (a reply a person recorded). Otherwise it
    is an automatic message, recorded here as the system's outbound e-mail contact with what was
    sent as its summary. Returns None, recording nothing, when it cannot go (see `delivery_for`).
    The caller holds the case lock. `timeline`: as for log_contact (the contact's entry is added
    to it, for the caller to store).
    """
    customer = complaint.customer
    if delivery_for(customer) != Delivery.EMAILED:
        return None
    language = customer_language(customer)
    subject, text, html = render_message(
        template=template,
        context={**(context or {}), "complaint": complaint, "customer": customer},
        language=language,
    )
    if contact is None:
        contact = log_contact(
            complaint=complaint,
            actor=None,
            channel=Channel.EMAIL,
            direction=ContactDirection.OUTBOUND,
            purpose=purpose,
            summary=f"{subject}\n\n{text}".strip(),
            at=at,
            timeline=timeline,
        )
    email = CustomerEmail.objects.create(
        contact=contact,
        to=customer.email,
        language=language,
        subject=subject,
        body=text,
        body_html=html,
        created_at=timezone.now(),
    )
    dispatch_after_commit(SEND_TASK, [email.pk])
    return email


def promised_deadlines(complaint: Complaint) -> dict[str, datetime]:
    """The running deadlines of this round that the customer is promised, by stage."""
    clocks = (
        Clock.objects.filter(
            complaint=complaint,
            round=complaint.reopen_count,
            stage__in=[Stage.FIRST_RESPONSE, Stage.DECISION],
            met_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by()  # Meta.ordering would join the case for its receipt time
        .values_list("stage", "due_at")
    )
    return dict(clocks)


def acknowledge_receipt(
    *,
    complaint: Complaint,
    clocks: Sequence[Clock] | None = None,
    timeline: list[CaseEvent] | None = None,
) -> CustomerEmail | None:
    """Tell the customer the complaint is recorded: its reference, what happens next and by when,
    and the signed link to follow it online.

    Called by complaint_create once the clocks are open, with those clocks (`clocks`: the
    deadlines are taken from them rather than read back), and with its timeline entries not
    stored yet (`timeline`: the contact's entry joins them, one insert); never counted as the
    first response.
    """
    if clocks is None:
        due = promised_deadlines(complaint)
    else:  # what promised_deadlines would read
        due = {
            clock.stage: clock.due_at
            for clock in clocks
            if clock.round == complaint.reopen_count
            and clock.stage in (Stage.FIRST_RESPONSE, Stage.DECISION)
            and clock.met_at is None
            and clock.cancelled_at is None
        }
    return customer_email_send(
        complaint=complaint,
        purpose=ContactPurpose.ACKNOWLEDGEMENT,
        template="customer_acknowledgement",
        context={
            "first_response_due": due.get(Stage.FIRST_RESPONSE),
            "decision_due": due.get(Stage.DECISION),
            "tracking_url": tracking_url(complaint),
        },
        timeline=timeline,
    )


def rejection_notice(
    *, complaint: Complaint, explanation: str = "", at: datetime | None = None
) -> CustomerEmail | None:
    """Tell the customer the complaint is not accepted (不予受理): the ground (rendered from its
    code in their language), the staff's explanation if any, and where else they can turn.
    Called in the reject transition's transaction."""
    return customer_email_send(
        complaint=complaint,
        purpose=ContactPurpose.REJECTION,
        template="customer_rejection",
        context={"explanation": explanation},
        at=at,
    )


def merge_notice(*, duplicate: Complaint, survivor: Complaint, at: datetime | None = None) -> str:
    """Tell the customer their complaint `duplicate` is handled together with `survivor`: the one
    reference to follow, by e-mail (recorded on the duplicate) or else by text (on the survivor,
    whose link it carries). Another customer's case is named by its reference only, never
    linked, and never texted. Returns the Delivery code. Called in the merge's transaction."""
    same_customer = duplicate.customer_id == survivor.customer_id
    delivery = delivery_for(duplicate.customer)
    if delivery == Delivery.EMAILED:
        customer_email_send(
            complaint=duplicate,
            purpose=ContactPurpose.MERGED,
            template="customer_merged",
            context={
                "survivor": survivor,
                "tracking_url": tracking_url(survivor) if same_customer else "",
            },
            at=at,
        )
        return delivery
    if same_customer and customer_text_on_commit(
        complaint=survivor, kind=CustomerText.Kind.MERGED, key=f"merged:{duplicate.pk}"
    ):
        return Delivery.TEXTED
    return delivery


def customer_emails_send(*, email_ids: Iterable[int]) -> tuple[int, list[Exception]]:
    """Send the given customer e-mails not sent yet; returns how many went and what failed."""
    return outbox_send_each(
        CustomerEmail.objects.select_related("contact"),
        email_ids,
        recipient=lambda email: email.to,
        what="customer",
        headers=_thread_headers,
    )


def _thread_headers(email: CustomerEmail) -> dict[str, str]:
    """Every e-mail of a case answers the case's thread, so the customer's mail client shows one
    conversation and their reply carries the case (complaints.services.notifications
    .read_message_id); the reference is in every subject too (templates/emails/customer_*)."""
    thread = case_thread_id(email.contact.complaint_id)
    return {"In-Reply-To": thread, "References": thread}


def customer_emails_resend(*, now: datetime | None = None) -> int:
    """Send the customer e-mails that were due but never went (the broker was down at the commit)."""
    ids = outbox_resend_ids(CustomerEmail.objects.all(), now=now or timezone.now())
    sent, failures = customer_emails_send(email_ids=ids)
    if failures:
        logger.warning("%d of %d unsent customer e-mails failed again", len(failures), len(ids))
    return sent
