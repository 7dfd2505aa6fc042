"""The personal-injury record through the API (issue 16 §1; seed 004 §三)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from complaints.api.serializers.fields import (
    KeptContactDetailField,
    PlausibleDateTimeField,
    username_of,
)
from complaints.models import (
    DOCUMENT_ITEMS,
    CompensationHead,
    ContactField,
    InjuryCompensation,
    InjuryItem,
    InjuryWitness,
)


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class WitnessSerializer(serializers.ModelSerializer):
    """A witness of the injury: name, phone (masked like customers' phones) and the evidence
    file holding their written statement, if any."""

    # A witness's phone is personal data: read by the customers' contact rule.
    phone = KeptContactDetailField(ContactField.PHONE, attribute="phone")
    statement_id = serializers.IntegerField(allow_null=True)
    recorded_by = username_of("recorded_by")

    class Meta:
        model = InjuryWitness
        fields = ["id", "name", "phone", "statement_id", "recorded_by", "recorded_at"]


class CompensationSerializer(serializers.ModelSerializer):
    """One head of the compensation breakdown (seed 004 §三.17): its amount and on what basis."""

    class Meta:
        model = InjuryCompensation
        fields = ["head", "amount", "basis"]


class ItemSerializer(serializers.Serializer):
    """One item of the procedure: done, not applicable (its checklist step) or missing."""

    item = serializers.ChoiceField(choices=InjuryItem.choices)
    status = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.SerializerMethodField()

    def get_status(self, row: Any) -> str:
        return "done" if row.done else "not_applicable" if row.not_applicable else "missing"

    def get_by(self, row: Any) -> str | None:
        return row.by.username if row.by is not None else None

    def get_due_at(self, row: Any) -> str | None:
        step = row.step
        return serializers.DateTimeField().to_representation(step.due_at) if step else None


class InjuryRecordSerializer(serializers.Serializer):
    """The record as the case page shows it; empty fields before anything was recorded."""

    accompany = serializers.BooleanField(allow_null=True)
    accompanied_by = username_of("accompanied_by", null=True, default=None)
    accompanied_by_name = serializers.CharField()
    accompany_decided_by = username_of("accompany_decided_by", null=True, default=None)
    accompany_decided_at = serializers.DateTimeField(allow_null=True)
    advance = serializers.BooleanField(allow_null=True)
    advance_amount = _money(allow_null=True)
    advance_decided_by = username_of("advance_decided_by", null=True, default=None)
    advance_requested_at = serializers.DateTimeField(allow_null=True)
    advance_approved_by = username_of("advance_approved_by", null=True, default=None)
    advance_approved_at = serializers.DateTimeField(allow_null=True)
    advance_paid_on = serializers.DateField(allow_null=True)
    receipts_exception_by = username_of("receipts_exception_by", null=True, default=None)
    receipts_exception_at = serializers.DateTimeField(allow_null=True)
    receipts_exception_reason = serializers.CharField()
    police_called_at = serializers.DateTimeField(allow_null=True)
    ambulance_called_at = serializers.DateTimeField(allow_null=True)
    insurer_body_id = serializers.IntegerField(allow_null=True)
    insurer_notified_on = serializers.DateField(allow_null=True)
    insurer_claim_number = serializers.CharField()
    insurer_opinion_id = serializers.IntegerField(allow_null=True)
    insurer_covered = serializers.BooleanField(allow_null=True)
    witnesses = serializers.SerializerMethodField()
    compensation = serializers.SerializerMethodField()
    compensation_total = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    # The rows come from the card (complaints.selectors.injury.InjuryCard) in the context: the
    # record is an unsaved blank before anything was recorded.
    @extend_schema_field(WitnessSerializer(many=True))
    def get_witnesses(self, record: Any) -> Any:
        return WitnessSerializer(
            self.context["card"].witnesses, many=True, context=self.context
        ).data

    @extend_schema_field(CompensationSerializer(many=True))
    def get_compensation(self, record: Any) -> Any:
        return CompensationSerializer(self.context["card"].compensation, many=True).data

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_compensation_total(self, record: Any) -> str:
        return f"{self.context['card'].total:.2f}"

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, record: Any) -> Any:
        return ItemSerializer(self.context["card"].items, many=True).data


class AccompanyInputSerializer(serializers.Serializer):
    """The duty manager's decision whether someone accompanies the customer to hospital, and who."""

    accompany = serializers.BooleanField()
    staff = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The staff member who accompanies the customer (username)."),
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text=_("Or the name of whoever accompanies them."),
    )


class AdvanceInputSerializer(serializers.Serializer):
    """The decision whether to advance the medical costs, and how much."""

    advance = serializers.BooleanField()
    amount = _money(required=False, allow_null=True, default=None, min_value=0)


class AdvanceRequestInputSerializer(serializers.Serializer):
    """The advance requested from finance (when; now if not given)."""

    requested_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)


class AdvancePaidInputSerializer(serializers.Serializer):
    """The approved advance paid out (the day it was paid)."""

    paid_on = serializers.DateField()


class ReceiptsExceptionInputSerializer(serializers.Serializer):
    """Senior management's exception: an advance without the original receipts, and why."""

    reason = serializers.CharField(max_length=2000)


class WitnessInputSerializer(serializers.Serializer):
    """A witness to record: name, phone, and the evidence file of their written statement."""

    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    statement_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class DocumentInputSerializer(serializers.Serializer):
    """A paper of the procedure (accident report, transfer or discharge certificate, receipts)
    recorded as one of the case's evidence files."""

    item = serializers.ChoiceField(choices=[(item.value, item.label) for item in DOCUMENT_ITEMS])
    evidence_id = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CallInputSerializer(serializers.Serializer):
    """The police (110) or an ambulance (120) called, and when."""

    service = serializers.ChoiceField(choices=[("police", "110"), ("ambulance", "120")])
    called_at = PlausibleDateTimeField()


class InsurerInputSerializer(serializers.Serializer):
    """The insurer notified: the day, their claim number, and the outside-body record if any."""

    notified_on = serializers.DateField()
    claim_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    body_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class InsurerOpinionInputSerializer(serializers.Serializer):
    """The insurer's written opinion (an evidence file) and whether the injury is covered."""

    evidence_id = serializers.IntegerField()
    covered = serializers.BooleanField()


class CompensationHeadInputSerializer(serializers.Serializer):
    """One head of the breakdown to record: the head, its amount and its basis."""

    head = serializers.ChoiceField(choices=CompensationHead.choices)
    amount = _money(min_value=0)
    basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class CompensationInputSerializer(serializers.Serializer):
    """The whole compensation breakdown, each head at most once; its total becomes the decision
    amount."""

    heads = CompensationHeadInputSerializer(many=True, allow_empty=True)

    def validate_heads(self, value: list[dict]) -> list[dict]:
        heads = [row["head"] for row in value]
        if len(set(heads)) != len(heads):
            raise serializers.ValidationError(_("Give each head once."))
        return value
