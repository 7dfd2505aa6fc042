"""Phone numbers and e-mail addresses in the one form they are stored and searched in."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from complaints.errors import InvalidInput


def normalize_phone(raw: str) -> str:
    """E.164 form of a phone number written any usual way ("138 1234 5678", "+86-138…", "010-…")."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    e164 = _e164(raw, settings.COMPLAINTS_DEFAULT_PHONE_REGION)
    if e164 is None:
        raise InvalidInput({"phone": [_("Not a phone number.")]})
    return e164


# One sent form reads its number four or five times (the rate limit's key, the form's checks,
# the customer look-up): it is parsed once. Pure, so shared by threads; a few hundred kB at most.
@lru_cache(maxsize=4096)
def _e164(raw: str, region: str) -> str | None:
    """The E.164 form of `raw` read in `region`, or None when it is not a phone number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    return (raw or "").strip().lower()
