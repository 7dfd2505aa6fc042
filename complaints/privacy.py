"""Who reads customers' personal data in clear: the one place that decides (个人信息保护法).

Contact details (the customer's phone, e-mail and address; `ContactField`):
- in clear for a role holding `complaints.view_customer_pii` (complaint managers), masked for every
  other role (`contact_in_clear`), at every door: the pages, the API, the exports and the admin
  read them only through `contact_details`, `contact_value` or `contact_masker`;
- a role holding `complaints.unmask_customer_pii` may reveal one case's customer's details, field
  by field and with a reason: each reveal is logged (complaints.services.privacy.contact_reveal);
- e-mails to staff carry none of them, whoever reads them: a mailbox is outside this check
  (forwarded, kept on phones), and a message is rendered once for all its readers.

Evidence of a sensitive kind (medical records, identity documents; `SENSITIVE_EVIDENCE_KINDS`) is
listed to everyone who sees the case, but its name, description and bytes only to the roles named
in the COMPLAINTS_SENSITIVE_EVIDENCE_ROLES setting (`evidence_restricted`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from complaints.domain.masking import mask_address, mask_email, mask_phone
from complaints.models import ContactField, Customer, EvidenceFile

# Who reads: a signed-in person, or nobody known (a shell, a task): then everything is masked.
Reader = User | AnonymousUser

VIEW_PII = "complaints.view_customer_pii"
REVEAL_PII = "complaints.unmask_customer_pii"
CONTACT_FIELDS: tuple[str, ...] = tuple(ContactField.values)

_MASKS: dict[str, Callable[[str], str]] = {
    ContactField.PHONE: mask_phone,
    ContactField.EMAIL: mask_email,
    ContactField.ADDRESS: mask_address,
}


def contact_in_clear(*, user: Reader, field: str) -> bool:
    """The rule: whether `user`'s role reads the customer's `field` in clear without revealing it.

    Roles and their permissions are stated in accounts.roles; today one permission covers all
    three details, and a rule per detail would be written here.
    """
    if field not in _MASKS:
        raise ValueError(f"not a contact detail: {field!r}")
    return user.has_perm(VIEW_PII)


def may_reveal(*, user: Reader) -> bool:
    """Whether `user`'s role may reveal masked details (on a case they work on; logged)."""
    return user.has_perm(REVEAL_PII)


def contact_masker(*, user: Reader, revealed: Collection[str] = ()) -> Callable[[str, str], str]:
    """`(field, value) → what user reads`, decided once for a list (an export, a page of rows)."""
    clear = {
        field
        for field in CONTACT_FIELDS
        if field in revealed or contact_in_clear(user=user, field=field)
    }

    def show(field: str, value: str) -> str:
        value = value or ""
        return value if field in clear else _MASKS[field](value)

    return show


def contact_value(
    *, customer: Customer, field: str, user: Reader, revealed: Collection[str] = ()
) -> str:
    return contact_masker(user=user, revealed=revealed)(field, getattr(customer, field))


@dataclass(frozen=True)
class ContactDetails:
    """The customer's contact details as one reader may read them."""

    phone: str
    email: str
    address: str
    # The details that have a value and are shown masked: what a reveal could show.
    masked_fields: tuple[str, ...]

    @property
    def masked(self) -> bool:
        return bool(self.masked_fields)


def contact_details(
    *, customer: Customer, user: Reader, revealed: Collection[str] = ()
) -> ContactDetails:
    """What `user` may read of the customer's contacts; `revealed`: the details they just
    revealed (logged by the reveal service)."""
    return contact_details_of(
        phone=customer.phone,
        email=customer.email,
        address=customer.address,
        user=user,
        revealed=revealed,
    )


def contact_details_of(
    *,
    phone: str = "",
    email: str = "",
    address: str = "",
    user: Reader,
    revealed: Collection[str] = (),
) -> ContactDetails:
    """Contact details kept elsewhere than on the customer record (a data request's requester),
    as `user` may read them: by the same rule."""
    show = contact_masker(user=user, revealed=revealed)
    given = {"phone": phone or "", "email": email or "", "address": address or ""}
    values = {field: show(field, given[field]) for field in CONTACT_FIELDS}
    masked = tuple(
        field for field in CONTACT_FIELDS if given[field] and values[field] != given[field]
    )
    return ContactDetails(**values, masked_fields=masked)


# --- sensitive evidence ------------------------------------------------------------------------

SENSITIVE_EVIDENCE_KINDS = frozenset(
    {EvidenceFile.Kind.MEDICAL_RECORD, EvidenceFile.Kind.IDENTITY_DOCUMENT}
)


def _group_names(user: Reader) -> frozenset[str]:
    cached = getattr(user, "_privacy_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._privacy_group_names = cached  # type: ignore[attr-defined]
    return cached


def sees_sensitive_evidence(*, user: Reader) -> bool:
    """Whether `user` may read sensitive evidence: a role named in the setting, or a superuser."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(_group_names(user) & set(settings.COMPLAINTS_SENSITIVE_EVIDENCE_ROLES))


def evidence_restricted(*, user: Reader, kind: str | None) -> bool:
    """Whether `user` sees only that an evidence item of `kind` exists: no name, no content."""
    return kind in SENSITIVE_EVIDENCE_KINDS and not sees_sensitive_evidence(user=user)


def evidence_event_for(*, user: Reader, data: dict[str, Any], comment: str) -> tuple[dict, str]:
    """A timeline entry about evidence as `user` may read it: the file's name and description
    left out when its kind is restricted to other roles."""
    if not evidence_restricted(user=user, kind=data.get("kind")):
        return data, comment
    kept = {key: data[key] for key in ("evidence_id", "kind") if key in data}
    return {**kept, "restricted": True}, ""
