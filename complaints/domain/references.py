"""Case references (CP-2026-000123): how they are written and how they are recognised.

One place for the shape, so that the case page's address, the search box and the mailbox agree.
The number is zero-padded to six digits and simply grows past 999,999 (CP-2026-1000000): a
million complaints in a year must still open, be found and route their mail.
"""

from __future__ import annotations

import re

PREFIX = "CP"
MIN_DIGITS = 6
MAX_DIGITS = 12  # the model's column holds 20 characters: "CP-" + year + "-" + 12 digits

# Usable inside a larger pattern (the URL converter); letter case is the caller's choice.
# Six digits (zeros in front), or more without them: exactly what format_reference writes.
REFERENCE_REGEX = (
    rf"{PREFIX}-\d{{4}}-(?:\d{{{MIN_DIGITS}}}|[1-9]\d{{{MIN_DIGITS},{MAX_DIGITS - 1}}})"
)
# Any letter case, for addresses and text people type.
URL_REGEX = rf"(?i:{REFERENCE_REGEX})"

_EXACT = re.compile(rf"{REFERENCE_REGEX}", re.IGNORECASE)
# Bounded by anything but ASCII letters, digits and hyphens, so "投诉CP-2026-000123已收到" counts.
_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9-]){REFERENCE_REGEX}(?![0-9])", re.IGNORECASE)


def format_reference(year: int, number: int) -> str:
    """The reference of the year's nth complaint."""
    return f"{PREFIX}-{year}-{number:0{MIN_DIGITS}d}"


def parse_reference(text: str) -> str:
    """The reference `text` is (spaces around and letter case aside), upper-cased; else ""."""
    text = (text or "").strip()
    return text.upper() if _EXACT.fullmatch(text) else ""


def find_reference(text: str) -> str:
    """The first reference written in `text` (an e-mail subject), upper-cased; else ""."""
    found = _IN_TEXT.search(text or "")
    return found.group(0).upper() if found else ""
