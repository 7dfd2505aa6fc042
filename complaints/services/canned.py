"""Canned replies (标准答复, issue 18 §3): checking a text's placeholders when it is saved, and the
choice of one when staff write to the customer (recorded with what they wrote)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from complaints.domain.canned import PLACEHOLDERS, PlaceholderError, placeholders_in
from complaints.errors import InvalidInput
from complaints.models import CannedReply, Complaint
from complaints.selectors.canned import canned_replies_fitting


def canned_body_errors(body: str) -> list[str]:
    """What is wrong with a canned reply's text (empty when nothing): unknown placeholders named."""
    try:
        placeholders_in(body)
    except PlaceholderError as error:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        if error.names:
            return [
                _("Unknown placeholder: %(names)s. Use only %(known)s.")
                % {"names": ", ".join(error.names), "known": known}
            ]
        return [
            _(
                "A brace is not closed. Write {{ or }} for a brace itself; placeholders are %(known)s."
            )
            % {"known": known}
        ]
    return []


def canned_reply_chosen(*, complaint: Complaint, value: Any) -> CannedReply | None:
    """The canned reply picked for a text about `complaint` (an id, a row, or empty: none).

    InvalidInput when it is not an active reply fitting the case's category.
    """
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, CannedReply) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    reply = canned_replies_fitting(complaint=complaint).filter(pk=pk).first() if pk > 0 else None
    if reply is None:
        raise InvalidInput({"canned_reply": [_("Choose a canned reply from the list.")]})
    return reply


def canned_reply_data(reply: CannedReply) -> dict[str, object]:
    """What the timeline keeps of the canned reply used: its id, and its title as it was then."""
    return {"canned_reply_id": reply.pk, "canned_reply_title": reply.title}
