"""Phone numbers and e-mail addresses in the one form they are stored and searched in."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from complaints.errors import InvalidInput


def normalize_phone(raw: str) -> str:
    """E.164 form of a phone number written any usual way ("138 1234 5678", "+86-138…", "010-…")."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, settings.COMPLAINTS_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput({"phone": [_("Not a phone number.")]}) from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput({"phone": [_("Not a phone number.")]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    return (raw or "").strip().lower()
