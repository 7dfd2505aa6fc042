"""The intake form (投诉受理): what an agent records while the customer is on the phone or at the desk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.forms.base import MultipleFileField, ServiceForm, datetime_local
from complaints.forms.pickers import tree_picker
from complaints.models import Category, Channel, EvidenceFile, Remedy, Severity
from complaints.selectors.categories import categories_for_picker
from complaints.services import Flags
from complaints.services.intake_desk import EvidenceUpload

# Channels an agent records; web-form and partner-system complaints arrive by themselves.
STAFF_CHANNELS = [(value, label) for value, label in Channel.choices if value not in ("web", "api")]
FLAG_FIELDS = ("personal_injury", "media_involved", "regulator_involved", "legal_risk")

_text = forms.TextInput
_area = forms.Textarea


class IntakeForm(ServiceForm):
    service_fields = {
        "name": "customer_name",
        "phone": "customer_phone",
        "email": "customer_email",
    }

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=datetime_local(),
        help_text=_("When the complaint reached us; may be earlier than now, never later."),
    )

    customer_name = forms.CharField(label=_("Customer name"), max_length=100, required=False)
    customer_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=_text(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    customer_email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    customer_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    customer_region = forms.CharField(label=_("Region"), max_length=100, required=False)
    customer_language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=[("", _("— the site's language —")), *settings.LANGUAGES],
        required=False,
        help_text=_("The acknowledgment and later e-mails are written in it."),
    )

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("One line that says what the complaint is about."),
    )
    product_or_service = forms.CharField(
        label=_("Product or service"), max_length=200, required=False
    )
    order_ref = forms.CharField(label=_("Order reference"), max_length=100, required=False)
    description = forms.CharField(
        label=_("What happened"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=_area(attrs={"rows": 5}),
    )
    expected_resolution = forms.CharField(
        label=_("What the customer wants"),
        required=False,
        widget=_area(attrs={"rows": 3}),
        help_text=_("In the customer's own words."),
    )
    remedy_sought = forms.ChoiceField(
        label=_("Remedy sought"), choices=[("", "—"), *Remedy.choices], required=False
    )
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("— not known yet —"),
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("— from the category —")), *Severity.choices],
        required=False,
    )

    personal_injury = forms.BooleanField(label=_("Personal injury"), required=False)
    media_involved = forms.BooleanField(label=_("Media involved"), required=False)
    regulator_involved = forms.BooleanField(label=_("Regulator involved"), required=False)
    legal_risk = forms.BooleanField(label=_("Legal risk"), required=False)

    evidence_files = MultipleFileField(label=_("Evidence files"), required=False)
    evidence_kind = forms.ChoiceField(
        label=_("Kind of evidence"), choices=EvidenceFile.Kind.choices, initial="photo"
    )

    answered_on_spot = forms.BooleanField(label=_("Answered on the spot"), required=False)
    on_spot_answer = forms.CharField(
        label=_("Answer given to the customer"),
        required=False,
        widget=_area(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, can_answer_on_spot: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        tree_picker(self.fields["category"], categories_for_picker())
        # The browser asks for these at once; the service checks them again (and phone or e-mail).
        for name in ("customer_name", "subject", "description"):
            self.fields[name].widget.attrs["required"] = True
        # The order number, like the phone and e-mail, looks for possible duplicates as typed.
        self.fields["order_ref"].widget.attrs.update(
            {
                "hx-get": reverse("customer_lookup"),
                "hx-trigger": "input changed delay:500ms, change",
                "hx-target": "#customer-lookup",
                "hx-swap": "innerHTML",
                "hx-include": ", ".join(
                    f"#{self[name].auto_id}"
                    for name in ("customer_phone", "customer_email", "order_ref")
                ),
                "autocomplete": "off",
            }
        )
        if not can_answer_on_spot:
            del self.fields["answered_on_spot"]
            del self.fields["on_spot_answer"]

    def service_arguments(self) -> dict[str, Any]:
        """complaint_intake's keyword arguments (besides the actor) from the cleaned form."""
        data = self.cleaned_data
        on_spot = data.get("answered_on_spot", False)
        return {
            "channel": data["channel"],
            "received_at": data["received_at"],
            "subject": data["subject"],
            "description": data["description"],
            "customer_name": data["customer_name"],
            "customer_phone": data["customer_phone"],
            "customer_email": data["customer_email"],
            "customer_address": data["customer_address"],
            "customer_region": data["customer_region"],
            "customer_language": data["customer_language"],
            "product_or_service": data["product_or_service"],
            "order_ref": data["order_ref"],
            "expected_resolution": data["expected_resolution"],
            "remedy_sought": data["remedy_sought"],
            "amount_claimed": data["amount_claimed"],
            "category": data["category"],
            "severity": data["severity"],
            "flags": Flags(**{name: data[name] for name in FLAG_FIELDS}),
            "evidence": [
                EvidenceUpload(kind=data["evidence_kind"], upload=upload)
                for upload in data["evidence_files"]
            ],
            "on_spot_answer": data.get("on_spot_answer", "") if on_spot else None,
        }
