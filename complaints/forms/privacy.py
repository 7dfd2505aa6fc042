"""Forms of the personal-data pages: legal hold on the case page, and people's requests about
their data (complaints.views.rights). Shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.forms.base import ServiceForm, datetime_local
from complaints.models import RightsRequest
from complaints.services.legal_hold import REASON_MAX_LENGTH
from complaints.services.rights import NAME_MAX_LENGTH, TEXT_MAX_LENGTH


class LegalHoldForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The case number of the court or the regulator, not the customer's personal details: "
            "the reason stays in the audit log."
        ),
    )


class RightsRequestForm(ServiceForm):
    kind = forms.ChoiceField(
        label=_("The person asks for"),
        choices=RightsRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    requester_name = forms.CharField(label=_("Person's name"), max_length=NAME_MAX_LENGTH)
    requester_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("The number or address they used with us: it finds their records."),
    )
    requester_email = forms.EmailField(label=_("E-mail"), required=False)
    identity_check = forms.ChoiceField(
        label=_("Identity checked by"),
        choices=[("", "—"), *RightsRequest.IdentityCheck.choices],
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        required=False,
        widget=datetime_local(),
        help_text=_("Empty: now. The answer is due a set number of working days later."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefuseRequestForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason given to the person"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EraseForm(ServiceForm):
    confirm = forms.BooleanField(
        label=_(
            "I have checked the person's identity and understand that the erasure cannot be undone."
        ),
    )
