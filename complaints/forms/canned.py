"""The canned reply picker (标准答复, issue 18 §3) of the reply, on-the-spot answer and contact forms.

A select whose options carry the reply's text already filled for the case (data-text); picking one
puts the text into the form's text box at the cursor (static/js/app.js, data-canned-into), and the
chosen id goes with the form so the service records which reply was used.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.selectors.canned import FilledReply, canned_replies_for_case

LANGUAGE_TAGS = {"zh-hans": "中", "en": "EN"}


class CannedSelect(forms.Select):
    """A select whose options say the text they insert."""

    def __init__(self, *args: Any, texts: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        text = self.texts.get(str(value))
        if text is not None:
            option["attrs"]["data-text"] = text
        return option


def canned_field(replies: list[FilledReply], *, into: str) -> forms.ChoiceField:
    """The picker for `replies`, inserting into the element with id `into`."""
    choices = [("", _("— write it yourself —"))] + [
        (
            str(reply.id),
            f"[{LANGUAGE_TAGS.get(reply.language, reply.language)}] {reply.title}"
            + (f" · {reply.category}" if reply.category else ""),
        )
        for reply in replies
    ]
    return forms.ChoiceField(
        label=_("Canned reply"),
        required=False,
        choices=choices,
        help_text=_(
            "Puts the text, filled in for this case, where the cursor is; edit it as needed."
        ),
        widget=CannedSelect(
            texts={str(reply.id): reply.text for reply in replies},
            attrs={"data-canned-into": into, "data-testid": "canned-reply"},
        ),
    )


def add_canned_field(form: forms.Form, *, complaint: Complaint, target: str) -> None:
    """Give `form` the picker before its field `target`, when a canned reply fits the case."""
    replies = canned_replies_for_case(complaint=complaint)
    if not replies:
        return
    into = form.auto_id % target if isinstance(form.auto_id, str) else f"id_{target}"
    field = canned_field(replies, into=into)
    fields = list(form.fields.items())
    position = next((i for i, (name, _f) in enumerate(fields) if name == target), len(fields))
    fields.insert(position, ("canned_reply", field))
    form.fields = dict(fields)  # type: ignore[assignment]
