"""Seed 004's procedures on a case through the API: agreements (协议书) and the payments against
them (issue 16 §3), quality referrals and their answers (§7)."""

from __future__ import annotations

from typing import Any

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

    paid_by = username_of("paid_by")

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


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement with the customer (compensation, replacement...): its terms, hand-over and
    payments."""

    decision_id = serializers.IntegerField()
    approved_amount = _money(source="decision.amount", read_only=True)
    decision_state = serializers.CharField(source="decision.state", read_only=True)
    collected_by = username_of("collected_by")
    holder = serializers.CharField(source="holder.code", allow_null=True, default=None)
    handed_over_by = username_of("handed_over_by", null=True, default=None)
    evidence_id = serializers.IntegerField(allow_null=True)
    paid_total = serializers.SerializerMethodField()
    payments = PaymentSerializer(many=True, read_only=True)

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

    @extend_schema_field(_money())
    def get_paid_total(self, agreement: Agreement) -> str:
        total = sum((payment.amount for payment in agreement.payments.all()), 0)
        return f"{total:.2f}"


class AgreementInputSerializer(serializers.Serializer):
    """A new agreement with the customer, covered by an approved decision."""

    decision_id = serializers.IntegerField(help_text="An approved decision of the current round.")
    amount = _money(min_value=0)
    signed_on = serializers.DateField()
    evidence_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The scan, one of the case's files.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class HandOverInputSerializer(serializers.Serializer):
    """The signed original of an agreement, taken at the finance cash office."""

    received_by_name = serializers.CharField(
        max_length=100, help_text="Who took the original at the finance cash office."
    )
    handed_over_at = PlausibleDateTimeField(
        required=False, allow_null=True, default=None, help_text="Empty: now."
    )


class PaymentInputSerializer(serializers.Serializer):
    """A payment to record under an agreement; it must be covered by an approved decision."""

    amount = _money(min_value=0)
    paid_on = serializers.DateField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class QualityAnswerSerializer(serializers.ModelSerializer):
    """A quality department's answer to a referral: its finding and the actions taken."""

    recorded_by = username_of("recorded_by")

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


class QualityReferralSerializer(serializers.ModelSerializer):
    """A referral of the case to a quality department, with its answers."""

    referred_by = username_of("referred_by")
    pending = serializers.SerializerMethodField()
    answers = QualityAnswerSerializer(many=True, read_only=True)

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

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=QualityDepartment.choices))
    )
    def get_pending(self, referral: QualityReferral) -> list[str]:
        """The departments that have not answered yet."""
        return quality_pending(referral)


class QualityReferralInputSerializer(serializers.Serializer):
    """A new referral of the case to a quality department."""

    product = serializers.CharField(max_length=200)
    product_code = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    supplier = serializers.CharField(max_length=200)
    problem = serializers.CharField(max_length=4000)


class QualityAnswerInputSerializer(serializers.Serializer):
    """A quality department's answer to record on a referral."""

    department = serializers.ChoiceField(choices=QualityDepartment.choices)
    answered_on = serializers.DateField()
    finding = serializers.ChoiceField(
        choices=QualityAnswer.Finding.choices, required=False, allow_blank=True, default=""
    )
    supplier_contacted = serializers.BooleanField(required=False, default=False)
    taken_off_sale = serializers.BooleanField(required=False, default=False)
    returned_to_supplier = serializers.BooleanField(required=False, default=False)
    compensated_by_supplier = serializers.BooleanField(required=False, default=False)
    compensation_amount = _money(min_value=0, required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
