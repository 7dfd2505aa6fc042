"""Seed 004's procedures on a case through the API: agreements (协议书) and the payments against
them (issue 16 §3), quality referrals and their answers (§7)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.api.serializers.fields import PlausibleDateTimeField, username_of
from complaints.models import (
    Agreement,
    AgreementPayment,
    PaymentMethod,
    QualityAnswer,
    QualityDepartment,
    QualityReferral,
)
from complaints.services.quality import quality_pending


def _money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in yuan, as decisions carry them."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class PaymentSerializer(serializers.ModelSerializer):
    """A payment made under an agreement with the customer."""

    paid_by = username_of("paid_by", help_text=_("Who recorded the payment (username)."))

    class Meta:
        model = AgreementPayment
        fields = [
            "id",
            "amount",
            "paid_on",
            "method",
            "reference",
            "note",
            "paid_by",
            "recorded_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The payment's id.")},
            "amount": {"help_text": _("The amount paid, in yuan.")},
            "paid_on": {"help_text": _("The day it was paid.")},
            "method": {"help_text": _("How it was paid.")},
            "note": {"help_text": _("A note on the payment.")},
            "recorded_at": {"help_text": _("When it was recorded.")},
        }


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement with the customer (compensation, replacement...): its terms, hand-over and
    payments."""

    decision_id = serializers.IntegerField(
        help_text=_("The approved decision the agreement carries out.")
    )
    approved_amount = _money(
        source="decision.amount",
        read_only=True,
        help_text=_("The amount the decision approved, in yuan; the payments may not exceed it."),
    )
    decision_state = serializers.CharField(
        source="decision.state",
        read_only=True,
        help_text=_("That decision's state (`approved` unless superseded since)."),
    )
    collected_by = username_of(
        "collected_by",
        help_text=_(
            "The person in charge who had the customer sign and took the original back (username)."
        ),
    )
    holder = serializers.CharField(
        source="holder.code",
        allow_null=True,
        default=None,
        help_text=_(
            "The code of the department holding the original (finance) after the hand-over; null before."
        ),
    )
    handed_over_by = username_of(
        "handed_over_by",
        null=True,
        default=None,
        help_text=_("Who handed it over (username); null before."),
    )
    evidence_id = serializers.IntegerField(
        allow_null=True,
        help_text=_("The evidence file with the signed agreement's scan; null if none."),
    )
    paid_total = serializers.SerializerMethodField(
        help_text=_("The payments made under it so far, in yuan.")
    )
    payments = PaymentSerializer(
        many=True, read_only=True, help_text=_("The payments made under it, oldest first.")
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "decision_id",
            "decision_state",
            "approved_amount",
            "amount",
            "signed_on",
            "collected_by",
            "evidence_id",
            "note",
            "status",
            "holder",
            "received_by_name",
            "handed_over_at",
            "handed_over_by",
            "paid_total",
            "payments",
            "created_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The agreement's id (for its hand-over and payments).")},
            "amount": {"help_text": _("The amount the agreement names, in yuan.")},
            "signed_on": {"help_text": _("The day the customer signed it.")},
            "note": {"help_text": _("A note on the agreement.")},
            "status": {
                "help_text": _(
                    "`signed`: with the person in charge; `held_by_finance`: handed to the finance cash office."
                )
            },
            "received_by_name": {
                "help_text": _(
                    "Who took the original at the finance cash office; empty before the hand-over."
                )
            },
            "handed_over_at": {
                "help_text": _(
                    "When the original was handed to the finance cash office; null before."
                )
            },
            "created_at": {"help_text": _("When it was recorded.")},
        }

    @extend_schema_field(_money())
    def get_paid_total(self, agreement: Agreement) -> str:
        total = sum((payment.amount for payment in agreement.payments.all()), 0)
        return f"{total:.2f}"


class AgreementInputSerializer(serializers.Serializer):
    """A new agreement with the customer, covered by an approved decision."""

    decision_id = serializers.IntegerField(
        help_text=_("An approved decision of the current round.")
    )
    amount = _money(
        min_value=0,
        help_text=_(
            "The amount the agreement names, in yuan; at most the decision's approved amount."
        ),
    )
    signed_on = serializers.DateField(
        help_text=_("The day the customer signed it; not in the future.")
    )
    evidence_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The scan, one of the case's files."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("A note on the agreement."),
    )


class HandOverInputSerializer(serializers.Serializer):
    """The signed original of an agreement, taken at the finance cash office."""

    received_by_name = serializers.CharField(
        max_length=100, help_text=_("Who took the original at the finance cash office.")
    )
    handed_over_at = PlausibleDateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Empty: now.")
    )


class PaymentInputSerializer(serializers.Serializer):
    """A payment to record under an agreement; it must be covered by an approved decision."""

    amount = _money(
        min_value=0,
        help_text=_(
            "The amount paid, in yuan; all payments together stay within the agreement's and the approved decision's amounts."
        ),
    )
    paid_on = serializers.DateField(
        help_text=_("The day it was paid: not before the agreement was signed, not in the future.")
    )
    method = serializers.ChoiceField(choices=PaymentMethod.choices, help_text=_("How it was paid."))
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text=_("The voucher, transfer or transaction number."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("A note on the payment."),
    )


class QualityAnswerSerializer(serializers.ModelSerializer):
    """A quality department's answer to a referral: its finding and the actions taken."""

    recorded_by = username_of("recorded_by", help_text=_("Who recorded the answer (username)."))

    class Meta:
        model = QualityAnswer
        fields = [
            "id",
            "department",
            "finding",
            "supplier_contacted",
            "taken_off_sale",
            "returned_to_supplier",
            "compensated_by_supplier",
            "compensation_amount",
            "notes",
            "answered_on",
            "recorded_by",
            "recorded_at",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The answer's id.")},
            "department": {"help_text": _("Which quality department answered.")},
            "finding": {"help_text": _("What it found; empty when it did not say.")},
            "supplier_contacted": {"help_text": _("Whether the supplier was contacted.")},
            "taken_off_sale": {"help_text": _("Whether the product was taken off sale.")},
            "returned_to_supplier": {
                "help_text": _("Whether the goods were returned to the supplier.")
            },
            "compensated_by_supplier": {"help_text": _("Whether the supplier paid compensation.")},
            "compensation_amount": {
                "help_text": _("The supplier's compensation, in yuan; null when none.")
            },
            "notes": {"help_text": _("What else the department said.")},
            "answered_on": {"help_text": _("The day the department answered.")},
            "recorded_at": {"help_text": _("When it was recorded.")},
        }


class QualityReferralSerializer(serializers.ModelSerializer):
    """A referral of the case to a quality department, with its answers."""

    referred_by = username_of("referred_by", help_text=_("Who passed it on (username)."))
    pending = serializers.SerializerMethodField(
        help_text=_("The quality departments that have not answered yet.")
    )
    answers = QualityAnswerSerializer(
        many=True, read_only=True, help_text=_("The departments' answers, oldest first.")
    )

    class Meta:
        model = QualityReferral
        fields = [
            "id",
            "product",
            "product_code",
            "supplier",
            "problem",
            "referred_by",
            "referred_at",
            "pending",
            "answers",
        ]
        extra_kwargs = {
            "id": {"help_text": _("The referral's id (for recording answers).")},
            "product": {"help_text": _("The product concerned.")},
            "product_code": {"help_text": _("Its item number or batch; empty when not known.")},
            "supplier": {"help_text": _("The product's supplier.")},
            "problem": {"help_text": _("The quality problem, as passed on.")},
            "referred_at": {"help_text": _("When it was passed on.")},
        }

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=QualityDepartment.choices))
    )
    def get_pending(self, referral: QualityReferral) -> list[str]:
        """The departments that have not answered yet."""
        return quality_pending(referral)


class QualityReferralInputSerializer(serializers.Serializer):
    """A new referral of the case to a quality department."""

    product = serializers.CharField(max_length=200, help_text=_("The product concerned."))
    product_code = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text=_("Its item number or batch, when known."),
    )
    supplier = serializers.CharField(max_length=200, help_text=_("The product's supplier."))
    problem = serializers.CharField(
        max_length=4000,
        help_text=_("The quality problem, for quality control and purchasing to look into."),
    )


class QualityAnswerInputSerializer(serializers.Serializer):
    """A quality department's answer to record on a referral."""

    department = serializers.ChoiceField(
        choices=QualityDepartment.choices,
        help_text=_("Which quality department answers (quality control or purchasing)."),
    )
    answered_on = serializers.DateField(help_text=_("The day it answered."))
    finding = serializers.ChoiceField(
        choices=QualityAnswer.Finding.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What it found; empty when it did not say."),
    )
    supplier_contacted = serializers.BooleanField(
        required=False, default=False, help_text=_("Whether the supplier was contacted.")
    )
    taken_off_sale = serializers.BooleanField(
        required=False, default=False, help_text=_("Whether the product was taken off sale.")
    )
    returned_to_supplier = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Whether the goods were returned to the supplier."),
    )
    compensated_by_supplier = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Whether the supplier paid compensation (then give the amount)."),
    )
    compensation_amount = _money(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The supplier's compensation, in yuan."),
    )
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        help_text=_("What else the department said."),
    )
