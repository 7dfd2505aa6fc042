"""Revealing a masked contact detail: a deliberate act with a reason, logged every time.

A role that reads the customer's contact details masked (complaints.privacy) and holds
`unmask_customer_pii` may reveal them on a case it works on, one or more details at a time. Each
detail shown is one row of the reveal log (`ContactReveal`: who, which detail of which customer,
on which case, when, why, from which address) and the case timeline says so too. Logged every
time, even for a second look: the log answers "who read this number, and when".
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.client_address import client_ip
from accounts.models import User
from accounts.services import current_request
from complaints.errors import InvalidInput
from complaints.models import CaseEvent, Complaint, ContactField, ContactReveal, RevealReason
from complaints.privacy import contact_details
from complaints.services.common import ensure_can_act
from complaints.timeline import record_event

REVEAL_NOTE_MAX_LENGTH: int = ContactReveal._meta.get_field("note").max_length or 500


def contact_reveal_errors(
    *, complaint: Complaint, actor: User, fields: Collection[str], reason: str, note: str
) -> dict[str, list[str]]:
    """What is wrong with a reveal request (empty when nothing), every field at once."""
    errors: dict[str, list[str]] = {}
    masked = contact_details(customer=complaint.customer, user=actor).masked_fields
    if not fields:
        errors["fields"] = [_("Choose which contact details to show.")]
    elif not set(fields) <= set(ContactField.values):
        errors["fields"] = [_("Choose contact details from the list.")]
    elif not set(fields) <= set(masked):
        errors["fields"] = [_("Only details that are masked for you can be revealed.")]
    if reason not in RevealReason.values:
        errors["reason"] = [_("Say why you need the contact details.")]
    elif reason == RevealReason.OTHER and not note:
        errors["note"] = [_("Explain why you need the contact details.")]
    if len(note) > REVEAL_NOTE_MAX_LENGTH:
        errors["note"] = [
            _("Keep the explanation under %(limit)d characters.")
            % {"limit": REVEAL_NOTE_MAX_LENGTH}
        ]
    return errors


def contact_reveal(
    *,
    complaint: Complaint,
    actor: User,
    fields: Collection[str],
    reason: str,
    note: str = "",
) -> list[ContactReveal]:
    """Show `actor` the customer's `fields` of this case in clear, for `reason`: one log row per
    detail and one timeline entry, in one transaction. Returns the rows written."""
    ensure_can_act(actor=actor, complaint=complaint, perms=("unmask_customer_pii",))
    note = (note or "").strip()
    errors = contact_reveal_errors(
        complaint=complaint, actor=actor, fields=fields, reason=reason, note=note
    )
    if errors:
        raise InvalidInput(errors)
    chosen = [field for field in ContactField.values if field in set(fields)]
    request = current_request.get()
    ip_address = client_ip(request) if request is not None else None
    now = timezone.now()
    with transaction.atomic():
        rows = ContactReveal.objects.bulk_create(
            ContactReveal(
                at=now,
                actor=actor,
                customer_id=complaint.customer_id,
                complaint=complaint,
                field=field,
                reason=reason,
                note=note,
                ip_address=ip_address,
            )
            for field in chosen
        )
        record_event(
            complaint=complaint,
            kind=CaseEvent.Kind.PII_UNMASKED,
            actor=actor,
            at=now,
            comment=note,
            data={"fields": chosen, "reason": reason},
        )
    return rows
