"""The case page's forms for outside bodies (complaints.services.outside_bodies). Each form of
one body or order carries its id, so the page reopens the one refused with its errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.forms.base import ServiceForm, datetime_local
from complaints.forms.case import PersonChoiceField, active_people
from complaints.forms.privacy import date_picker
from complaints.models import BodyKind, EvidenceFile, OutsideBody, OutsideBodyDocument
from complaints.models.outside_bodies import SigningText

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class OutsideBodyForm(ServiceForm):
    """Record that a body took the case up (a folded panel: its people list is read when opened)."""

    service_fields = {"contact_id": "contact"}

    kind = forms.ChoiceField(label=_("Kind of body"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Body"), max_length=200)
    channel = forms.ChoiceField(label=_("How it came"), choices=OutsideBody.Channel.choices)
    their_reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    received_at = forms.DateTimeField(label=_("Received at"), widget=datetime_local())
    contact = PersonChoiceField(label=_("Our contact person"), queryset=active_people())
    their_deadline = forms.DateField(
        label=_("Deadline on their notice"),
        required=False,
        widget=date_picker(),
        help_text=_("Empty: the time allowed for this kind of body counts from receipt."),
    )
    notice = forms.CharField(
        label=_("What they ask"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if user is not None and getattr(user, "department_id", None):
            self.fields["contact"].initial = user.pk


class BodyItemForm(ServiceForm):
    body = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BodyDocumentForm(BodyItemForm):
    service_fields = {"upload": "file"}

    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=OutsideBodyDocument.Direction.choices,
        widget=forms.RadioSelect,
        initial=OutsideBodyDocument.Direction.RECEIVED,
    )
    evidence_kind = forms.ChoiceField(
        label=_("Kind of evidence"),
        choices=EvidenceFile.Kind.choices,
        initial=EvidenceFile.Kind.CORRESPONDENCE,
    )
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class BodySignForm(BodyItemForm):
    """What the company wrote when signing the body's document: a signing text of seed 004 §三.13
    (offered in the reader's language; the Chinese sentence is what is recorded) and more."""

    signing_text = forms.ChoiceField(label=_("Signing text"), required=False)
    text = forms.CharField(
        label=_("Also written"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    amount_agreed = forms.DecimalField(label=_("Amount agreed (元)"), required=False, **MONEY)
    signed_at = forms.DateTimeField(label=_("Signed at"), required=False, widget=datetime_local())
    service_fields = {"signing_text_code": "signing_text"}

    def __init__(self, *args: Any, texts: Sequence[SigningText] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signing_text"].choices = [
            ("", "—"),
            *[(text.code, text.local_text.replace("{amount}", "____")) for text in texts],
        ]
        self.texts = list(texts)

    def insertable(self) -> list[dict[str, str]]:
        """The signing texts as staff may put them into the text box while they write (a small
        script, static/js/app.js `data-insert-text`): in the reader's language, and in Chinese as
        written on the paper when the reader's language is another; `{amount}` is filled in from
        the amount agreed when typed."""
        return [
            {
                "code": text.code,
                "shown": text.local_text.replace("{amount}", "____"),
                "local": text.local_text,
                "chinese": text.text if text.local_text != text.text else "",
            }
            for text in self.texts
        ]


class BodyCloseForm(BodyItemForm):
    result = forms.ChoiceField(label=_("Result"), choices=OutsideBody.Result.choices)
    note = forms.CharField(
        label=_("How it ended"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount_agreed = forms.DecimalField(label=_("Amount agreed (元)"), required=False, **MONEY)


class OffSaleForm(BodyItemForm):
    product = forms.CharField(label=_("Product"), max_length=200)
    order_reference = forms.CharField(label=_("Order reference"), max_length=100, required=False)
    ordered_on = forms.DateField(label=_("Order dated"), widget=date_picker())
    evidence = forms.TypedChoiceField(
        label=_("The written order"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("One of the case's evidence files (add it first)."),
    )
    service_fields = {"evidence_id": "evidence"}

    def __init__(self, *args: Any, evidence: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [("", "—"), *evidence]


class OffSaleDoneForm(ServiceForm):
    order = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    done_at = forms.DateTimeField(
        label=_("Taken off sale at"), required=False, widget=datetime_local()
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who took it off sale, if not you; what was agreed with the supplier."),
    )
