"""Canned replies' texts (标准答复, issue 18 §3): which placeholders a text may hold, and filling
them. Pure.

A text names its blanks in braces — {customer_name}, {reference}, {received_date},
{decision_date}, {amount} — and nothing else: no positions ({}), no attributes ({a.b}), no
indexes, no formats ({amount:.2f}), so a text typed in the admin can never reach into an object.
Braces meant literally are doubled ({{ and }}).
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

PLACEHOLDERS: tuple[str, ...] = (
    "customer_name",
    "reference",
    "received_date",
    "decision_date",
    "amount",
)
# What a blank reads when the case has no value for it yet (no decision): to be filled by hand.
BLANK = "____"


class PlaceholderError(ValueError):
    """A text that names something other than the placeholders, or is not well formed."""

    def __init__(self, message: str, *, names: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.names = names


def _pieces(text: str) -> list[tuple[str, str | None]]:
    """(literal, placeholder or None) pairs; PlaceholderError for anything not allowed."""
    try:
        parsed = list(Formatter().parse(text or ""))
    except ValueError as error:
        raise PlaceholderError(f"unbalanced braces: {error}") from error
    pieces: list[tuple[str, str | None]] = []
    unknown: list[str] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None))
            continue
        if spec or conversion or name not in PLACEHOLDERS:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            unknown.append(shown)
        pieces.append((literal, name))
    if unknown:
        raise PlaceholderError(f"unknown placeholders: {', '.join(unknown)}", names=tuple(unknown))
    return pieces


def placeholders_in(text: str) -> list[str]:
    """The placeholders `text` uses, in order of first use; PlaceholderError if it is not valid."""
    seen: list[str] = []
    for _literal, name in _pieces(text):
        if name is not None and name not in seen:
            seen.append(name)
    return seen


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by its value (BLANK when missing or empty)."""
    return "".join(
        literal + ("" if name is None else (str(values.get(name) or "") or BLANK))
        for literal, name in _pieces(text)
    )
