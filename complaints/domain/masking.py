"""How a masked contact detail reads: enough to recognise it when the customer says it, never
enough to use it. Pure text functions; who sees which form is decided in complaints.privacy."""

from __future__ import annotations

import phonenumbers

ADDRESS_MASK = "***"


def mask_phone(phone: str) -> str:
    """+8613812345678 → 138****5678: enough to recognise a number read out, not to dial it."""
    if not phone:
        return ""
    try:
        national = str(phonenumbers.parse(phone, None).national_number)
    except phonenumbers.NumberParseException:
        national = "".join(char for char in phone if char.isdigit()) or phone
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


def mask_address(address: str) -> str:
    """Nothing of an address: the customer's region (a field of its own) says where they are."""
    return ADDRESS_MASK if address else ""
