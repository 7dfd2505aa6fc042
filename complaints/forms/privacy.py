"""Forms of the personal-data pages: revealing a masked contact detail and the auditors' filter
of the reveal log; legal hold on the case page; people's requests about their data
(complaints.views.rights). Shape only; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.people import person_label
from complaints.forms.base import ServiceForm, datetime_local
from complaints.models import ContactField, RevealReason, RightsRequest
from complaints.services.legal_hold import REASON_MAX_LENGTH
from complaints.services.privacy import REVEAL_NOTE_MAX_LENGTH
from complaints.services.rights import NAME_MAX_LENGTH, TEXT_MAX_LENGTH


class RevealForm(ServiceForm):
    """Which masked details to show and why; the service checks and logs (contact_reveal)."""

    # The service names the details "fields"; a form's `fields` is its own attribute.
    service_fields = {"fields": "details"}

    details = forms.MultipleChoiceField(
        label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.ChoiceField(
        label=_("Why do you need them?"),
        choices=RevealReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=REVEAL_NOTE_MAX_LENGTH,
        help_text=_("Needed for “Other”; read by the auditors."),
    )

    def __init__(self, *args: Any, masked: Sequence[str], **kwargs: Any) -> None:
        kwargs.setdefault("id_prefix", "reveal")
        super().__init__(*args, **kwargs)
        labels = dict(ContactField.choices)
        details = self.fields["details"]
        details.choices = [(field, labels[field]) for field in masked]  # type: ignore[attr-defined]
        details.initial = list(masked)


def date_picker(attrs: dict[str, Any] | None = None) -> forms.DateInput:
    """A browser date picker: its value must be ISO (YYYY-MM-DD) whatever the language's date
    format, or the field shows empty after a search."""
    return forms.DateInput(attrs={"type": "date", **(attrs or {})}, format="%Y-%m-%d")


class PersonFilterField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


class RevealFilterForm(forms.Form):
    """The reveal report's filters; each one left empty does not narrow the list."""

    person = PersonFilterField(
        label=_("Person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    customer = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=254,
        help_text=_("Name, customer number (#123), or the whole phone number or e-mail address."),
    )
    field = forms.ChoiceField(
        label=_("Detail"),
        choices=[("", _("Any")), *ContactField.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=pgettext_lazy("report period", "From"), required=False, widget=date_picker()
    )
    date_to = forms.DateField(
        label=pgettext_lazy("report period", "To"),
        required=False,
        widget=date_picker(attrs={"aria-label": pgettext_lazy("report period", "To")}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_reveals_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


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
