"""Scrubbing personal data out of free text (the case library's copy, issue 18 §2). Pure.

Two passes: the literal values known to belong to people on the case (the customer's name, phone,
e-mail, address, order reference; staff names), then the shapes that look personal whoever they
belong to (e-mail addresses, phone and ID-card numbers, order and case numbers). Each match
becomes `REDACTED`. It errs on the side of removing: a long number that was an amount reads
`***` too; dates written 2026-03-15 are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***"

# Polite forms a Chinese surname is said with (王先生, 李女士 ...).
_HONORIFICS = ("先生", "女士", "小姐", "老师", "师傅", "阿姨", "大爷", "总", "经理")
_CJK = re.compile(r"[\u3400-\u9fff]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Chinese resident ID (18 characters, the last a digit or X; or the old 15 digits).
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# An order, case or account number: letters then digits, with or without dashes (JD2026..., CP-2026-000123).
_CODE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{1,8}[-_/]?\d[\d\-_/]{3,}[0-9A-Za-z]*")
# Seven digits or more, spaces and dashes between them allowed: phone numbers and the like.
_DIGITS = re.compile(r"\+?\d(?:[\s\-]?\d){6,}")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def _literal_patterns(value: str) -> list[re.Pattern[str]]:
    """How a known value may appear in text: itself, and for a person's name its usual forms."""
    value = (value or "").strip()
    if len(value) < 2:
        return []
    patterns = [re.compile(re.escape(value), re.IGNORECASE)]
    if _CJK.match(value) and len(value) <= 4:
        surname = re.escape(value[0])
        patterns.append(re.compile(surname + "(?:" + "|".join(_HONORIFICS) + ")"))
        # The given name alone (伟伟, 小伟): two characters or more only, one would eat words.
        if len(value) >= 3 and value[1:] not in _HONORIFICS:
            patterns.append(re.compile(re.escape(value[1:])))
    else:
        for part in re.split(r"[\s.,]+", value):
            if len(part) >= 3:
                patterns.append(re.compile(rf"\b{re.escape(part)}\b", re.IGNORECASE))
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7 and digits != value:
        # A phone written differently (+86 138 1234 5678 → 13812345678).
        patterns.append(re.compile(r"\+?\d*?" + r"[\s\-]?".join(re.escape(d) for d in digits[-8:])))
    return patterns


def redact_text(text: str, *, known: Iterable[str] = ()) -> str:
    """`text` without the `known` values and without anything shaped like personal data."""
    if not text:
        return ""
    result = text
    for value in sorted({v for v in known if v}, key=len, reverse=True):
        for pattern in _literal_patterns(value):
            result = pattern.sub(REDACTED, result)
    result = _EMAIL.sub(REDACTED, result)
    result = _ID_CARD.sub(REDACTED, result)
    result = _CODE.sub(REDACTED, result)
    return _DIGITS.sub(
        lambda match: match.group(0) if _DATE.fullmatch(match.group(0)) else REDACTED, result
    )


def left_over(text: str, *, known: Iterable[str] = ()) -> list[str]:
    """The known values still readable in `text` (empty when it is clean): for tests and checks."""
    lowered = (text or "").lower()
    return [value for value in known if value and len(value) >= 2 and value.lower() in lowered]
