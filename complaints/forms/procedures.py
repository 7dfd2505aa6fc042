"""The case page's forms for seed 004's agreements (协议书) and quality referrals (issue 16 §3, §7).

Shape only; complaints.services.agreements and complaints.services.quality decide the rest. The
choices of the agreement form (decisions, evidence files) come from what the page has loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.forms.base import ServiceForm, datetime_local
from complaints.models import PaymentMethod, QualityAnswer, QualityDepartment

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0"})


def _today() -> Any:
    return timezone.localdate()


class AgreementForm(ServiceForm):
    decision = forms.TypedChoiceField(label=_("Approved decision"), coerce=int)
    amount = forms.DecimalField(
        label=_("Agreed amount (CNY)"), min_value=0, max_digits=12, decimal_places=2, widget=_MONEY
    )
    signed_on = forms.DateField(label=_("Signed on"), initial=_today, widget=_DATE)
    evidence = forms.TypedChoiceField(
        label=_("Scan of the agreement"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Optional: the scan added to the case's evidence. The original stays here."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_fields = {"evidence_id": "evidence", "decision_id": "decision"}

    def __init__(
        self,
        *args: Any,
        decisions: Sequence[tuple[int, str]] = (),
        evidence: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = list(decisions)
        self.fields["evidence"].choices = [("", "—"), *evidence]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "decision_id": data["decision"],
            "amount": data["amount"],
            "signed_on": data["signed_on"],
            "evidence_id": data["evidence"],
            "note": data["note"],
        }


class HandOverForm(ServiceForm):
    agreement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    received_by_name = forms.CharField(
        label=_("Received at the cash office by"), max_length=100, required=False
    )
    handed_over_at = forms.DateTimeField(
        label=_("Handed over at"),
        required=False,
        widget=datetime_local(),
        help_text=_("Empty: now."),
    )


class PaymentForm(ServiceForm):
    agreement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    amount = forms.DecimalField(
        label=_("Amount paid (CNY)"), min_value=0, max_digits=12, decimal_places=2, widget=_MONEY
    )
    paid_on = forms.DateField(label=_("Paid on"), initial=_today, widget=_DATE)
    method = forms.ChoiceField(label=_("Method"), choices=[("", "—"), *PaymentMethod.choices])
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class QualityReferralForm(ServiceForm):
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    product_code = forms.CharField(label=_("Item number or batch"), max_length=100, required=False)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    problem = forms.CharField(
        label=_("The quality problem"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QualityAnswerForm(ServiceForm):
    referral = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    department = forms.ChoiceField(
        label=_("Answer of"), choices=QualityDepartment.choices, widget=forms.RadioSelect
    )
    finding = forms.ChoiceField(
        label=_("Finding"), required=False, choices=[("", "—"), *QualityAnswer.Finding.choices]
    )
    supplier_contacted = forms.BooleanField(label=_("Supplier contacted"), required=False)
    taken_off_sale = forms.BooleanField(label=_("Taken off sale"), required=False)
    returned_to_supplier = forms.BooleanField(label=_("Returned to the supplier"), required=False)
    compensated_by_supplier = forms.BooleanField(
        label=_("Compensated by the supplier"), required=False
    )
    compensation_amount = forms.DecimalField(
        label=_("Supplier's compensation (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=_MONEY,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answered_on = forms.DateField(label=_("Answered on"), initial=_today, widget=_DATE)
