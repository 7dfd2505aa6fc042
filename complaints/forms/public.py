"""The customers' complaint form: shape only; complaints.services.public_intake decides the rest."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.forms.base import MultipleFileField, MultipleFileInput, ServiceForm
from complaints.forms.pickers import TreeChoiceIterator
from complaints.models import Category, Remedy
from complaints.selectors.categories import categories_for_picker, intake_category
from complaints.services import Flags
from complaints.services.public_intake import PRIVACY_NOTICE_VERSION

# What the file picker offers; the evidence service checks what the files really are.
ACCEPT = "image/*,application/pdf,video/*"
# The honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling robots.
HONEYPOT = "website"


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class IntakeCategoryField(forms.ModelChoiceField):
    """The category picker: offered from the queryset in tree order (as complaints.forms.pickers
    shows every category picker), but the category sent is found in the cached active categories
    (complaints.selectors.categories.intake_category), with the department it routes to: a sent
    form asks no query for it."""

    iterator = TreeChoiceIterator

    def to_python(self, value: Any) -> Category | None:
        if value in self.empty_values:
            return None
        try:
            category = intake_category(pk=int(value))
        except (TypeError, ValueError):
            category = None
        if category is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return category


class PublicComplaintForm(ServiceForm):
    service_fields = {
        "name": "customer_name",
        "phone": "customer_phone",
        "email": "customer_email",
        "file": "evidence_files",
    }

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    notice_version = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    customer_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    customer_phone = forms.CharField(
        label=_("Mobile or phone number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    customer_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("We send the confirmation and the tracking link to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    region = forms.CharField(
        label=_("Region (city or province)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    category = IntakeCategoryField(
        label=_("What is it about?"),
        # Lazy: read only when a page shows the picker.
        queryset=categories_for_picker(),
        required=False,
        empty_label=_("— not sure —"),
    )
    product_or_service = forms.CharField(
        label=_("Product or service"), max_length=200, required=False
    )
    order_ref = forms.CharField(
        label=_("Order or receipt number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        help_text=_("When and where it happened, who you dealt with, and what went wrong."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    personal_injury = forms.BooleanField(label=_("Someone was hurt"), required=False)
    remedy_sought = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=[("", _("— choose —")), *Remedy.choices],
        required=False,
    )
    expected_resolution = forms.CharField(
        label=_("In your own words (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed in CNY (optional)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    evidence_files = MultipleFileField(
        label=_("Photos, documents or videos (optional)"),
        required=False,
        # Empty files are refused by the evidence service, which names them.
        allow_empty_file=True,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my details are used as it says."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission_key"].initial = new_submission_key()
            self.fields["notice_version"].initial = PRIVACY_NOTICE_VERSION
        for name in ("customer_name", "description", "remedy_sought", "consent"):
            self.fields[name].widget.attrs["required"] = True
            self.fields[name].widget.attrs["aria-required"] = "true"

    @property
    def is_robot(self) -> bool:
        """The honeypot was filled in: a robot, answered calmly and ignored."""
        return bool((self.data.get(HONEYPOT) or "").strip())

    def service_arguments(self) -> dict[str, Any]:
        """complaint_submit_public's keyword arguments from the cleaned form."""
        data = self.cleaned_data
        return {
            "submission_key": data["submission_key"],
            "consent": data["consent"],
            "notice_version": data["notice_version"],
            "language": get_language(),
            "customer_name": data["customer_name"],
            "customer_phone": data["customer_phone"],
            "customer_email": data["customer_email"],
            "customer_region": data["region"],
            "region": data["region"],
            "category": data["category"],
            "product_or_service": data["product_or_service"],
            "order_ref": data["order_ref"],
            "description": data["description"],
            "remedy_sought": data["remedy_sought"],
            "expected_resolution": data["expected_resolution"],
            "amount_claimed": data["amount_claimed"],
            "flags": Flags(personal_injury=data["personal_injury"]),
            "evidence": data["evidence_files"],
        }
