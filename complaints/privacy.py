"""Customers' contact details are masked for roles without `view_customer_pii`.

Pages and API render contact details only through `contact_details`, so the rule lives here once.
Unmasking one case's customer is a deliberate, logged act (services/customers.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from accounts.models import User
from complaints.models import Customer


def can_see_contact_details(user: User) -> bool:
    return user.has_perm("complaints.view_customer_pii")


def mask_phone(phone: str) -> str:
    """+8613812345678 → 138****5678: enough to recognise a number read out, not to dial it."""
    if not phone:
        return ""
    try:
        national = str(phonenumbers.parse(phone, None).national_number)
    except phonenumbers.NumberParseException:
        national = phone.lstrip("+")
    if len(national) <= 4:
        return "*" * len(national)
    keep_head = 3 if len(national) >= 10 else 0
    return national[:keep_head] + "*" * (len(national) - keep_head - 4) + national[-4:]


def mask_email(email: str) -> str:
    """wang.wei@example.com → w***@example.com."""
    if not email or "@" not in email:
        return "***" if email else ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


@dataclass(frozen=True)
class ContactDetails:
    phone: str
    email: str
    address: str
    masked: bool


def contact_details(*, customer: Customer, user: User, unmasked: bool = False) -> ContactDetails:
    """What `user` may read of the customer's contacts; `unmasked` once they revealed them (logged)."""
    if unmasked or can_see_contact_details(user):
        return ContactDetails(customer.phone, customer.email, customer.address, masked=False)
    return ContactDetails(
        mask_phone(customer.phone),
        mask_email(customer.email),
        "***" if customer.address else "",
        masked=True,
    )
