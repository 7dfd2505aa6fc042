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
    statement_id = serializers.IntegerField(
        allow_null=True,
        help_text=_("The evidence file with their written statement; null if none."),
    )
    recorded_by = username_of("recorded_by", help_text=_("Who recorded the witness (username)."))

    class Meta:
        model = InjuryWitness
        fields = ["id", "name", "phone", "statement_id", "recorded_by", "recorded_at"]
        extra_kwargs = {
            "id": {"help_text": _("The witness's id.")},
            "name": {"help_text": _("The witness's name.")},
            "recorded_at": {"help_text": _("When the witness was recorded.")},
        }


class CompensationSerializer(serializers.ModelSerializer):
    """One head of the compensation breakdown (seed 004 §三.17): its amount and on what basis."""

    class Meta:
        model = InjuryCompensation
        fields = ["head", "amount", "basis"]
        extra_kwargs = {
            "head": {
                "help_text": _(
                    "The head of compensation (medical costs, lost earnings, nursing...)."
                )
            },
            "amount": {"help_text": _("Its amount, in yuan.")},
        }


class ItemSerializer(serializers.Serializer):
    """One item of the procedure: done, not applicable (its checklist step) or missing."""

    item = serializers.ChoiceField(
        choices=InjuryItem.choices, help_text=_("The item of the procedure.")
    )
    status = serializers.SerializerMethodField(
        help_text=_("`done`, `not_applicable` (its checklist step was ticked so) or `missing`.")
    )
    by = serializers.SerializerMethodField(
        help_text=_("Who recorded it (username); null while missing.")
    )
    at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was recorded; null while missing.")
    )
    due_at = serializers.SerializerMethodField(
        help_text=_("When its checklist step is due; null when it has none.")
    )

    def get_status(self, row: Any) -> str:
        return "done" if row.done else "not_applicable" if row.not_applicable else "missing"

    def get_by(self, row: Any) -> str | None:
        return row.by.username if row.by is not None else None

    def get_due_at(self, row: Any) -> str | None:
        step = row.step
        return serializers.DateTimeField().to_representation(step.due_at) if step else None


class InjuryRecordSerializer(serializers.Serializer):
    """The record as the case page shows it; empty fields before anything was recorded."""

    accompany = serializers.BooleanField(
        allow_null=True,
        help_text=_("Whether someone accompanies the customer to hospital; null while undecided."),
    )
    accompanied_by = username_of(
        "accompanied_by",
        null=True,
        default=None,
        help_text=_("The staff member who accompanies them (username); null if none."),
    )
    accompanied_by_name = serializers.CharField(
        help_text=_("The name of whoever accompanies them when not a user; empty otherwise.")
    )
    accompany_decided_by = username_of(
        "accompany_decided_by",
        null=True,
        default=None,
        help_text=_("Who decided it (username); null while undecided."),
    )
    accompany_decided_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was decided; null while undecided.")
    )
    advance = serializers.BooleanField(
        allow_null=True,
        help_text=_("Whether the medical costs are advanced; null while undecided."),
    )
    advance_amount = _money(
        allow_null=True, help_text=_("The amount advanced, in yuan; null when none.")
    )
    advance_decided_by = username_of(
        "advance_decided_by",
        null=True,
        default=None,
        help_text=_("Who decided the advance (username); null while undecided."),
    )
    advance_requested_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the advance was requested from finance; null before.")
    )
    advance_approved_by = username_of(
        "advance_approved_by",
        null=True,
        default=None,
        help_text=_("Who approved the advance (username); null before."),
    )
    advance_approved_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was approved; null before.")
    )
    advance_paid_on = serializers.DateField(
        allow_null=True, help_text=_("The day the advance was paid; null before.")
    )
    receipts_exception_by = username_of(
        "receipts_exception_by",
        null=True,
        default=None,
        help_text=_(
            "The senior manager who allowed an advance without the original receipts (username); null if none."
        ),
    )
    receipts_exception_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When that exception was made; null if none.")
    )
    receipts_exception_reason = serializers.CharField(
        help_text=_("Why the exception was made; empty if none.")
    )
    police_called_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the police (110) were called; null if not.")
    )
    ambulance_called_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When an ambulance (120) was called; null if not.")
    )
    insurer_body_id = serializers.IntegerField(
        allow_null=True,
        help_text=_("The insurer's record among the case's outside bodies; null if none."),
    )
    insurer_notified_on = serializers.DateField(
        allow_null=True, help_text=_("The day the insurer was notified; null before.")
    )
    insurer_claim_number = serializers.CharField(
        help_text=_("The insurer's claim number; empty before.")
    )
    insurer_opinion_id = serializers.IntegerField(
        allow_null=True,
        help_text=_("The evidence file with the insurer's written opinion; null before."),
    )
    insurer_covered = serializers.BooleanField(
        allow_null=True,
        help_text=_("Whether the insurer covers the injury; null before its opinion."),
    )
    witnesses = serializers.SerializerMethodField(
        help_text=_("The witnesses recorded, oldest first.")
    )
    compensation = serializers.SerializerMethodField(
        help_text=_("The compensation breakdown, one row per head.")
    )
    compensation_total = serializers.SerializerMethodField(
        help_text=_("The breakdown's total, in yuan; it becomes the decision's amount.")
    )
    items = serializers.SerializerMethodField(
        help_text=_("The items of the procedure, each done, not applicable or missing.")
    )

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

    accompany = serializers.BooleanField(
        help_text=_(
            "Whether someone accompanies the customer to hospital (then give `staff` or `name`)."
        )
    )
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

    advance = serializers.BooleanField(
        help_text=_("Whether the medical costs are advanced (then give `amount`).")
    )
    amount = _money(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text=_("The amount to advance, in yuan."),
    )


class AdvanceRequestInputSerializer(serializers.Serializer):
    """The advance requested from finance (when; now if not given)."""

    requested_at = PlausibleDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the advance was requested from finance; now when not given."),
    )


class AdvancePaidInputSerializer(serializers.Serializer):
    """The approved advance paid out (the day it was paid)."""

    paid_on = serializers.DateField(
        help_text=_("The day the advance was paid: not before its approval, not in the future.")
    )


class ReceiptsExceptionInputSerializer(serializers.Serializer):
    """Senior management's exception: an advance without the original receipts, and why."""

    reason = serializers.CharField(
        max_length=2000,
        help_text=_(
            "Why the advance may go without the original receipts (senior management only)."
        ),
    )


class WitnessInputSerializer(serializers.Serializer):
    """A witness to record: name, phone, and the evidence file of their written statement."""

    name = serializers.CharField(max_length=100, help_text=_("The witness's name."))
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        help_text=_("The witness's phone, to reach them again."),
    )
    statement_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("One of the case's evidence files with their written statement, if any."),
    )


class DocumentInputSerializer(serializers.Serializer):
    """A paper of the procedure (accident report, transfer or discharge certificate, receipts)
    recorded as one of the case's evidence files."""

    item = serializers.ChoiceField(
        choices=[(item.value, item.label) for item in DOCUMENT_ITEMS],
        help_text=_("Which paper: the accident report, the transfer or the discharge certificate."),
    )
    evidence_id = serializers.IntegerField(
        help_text=_("One of the case's evidence files holding it.")
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("A note on the paper."),
    )


class CallInputSerializer(serializers.Serializer):
    """The police (110) or an ambulance (120) called, and when."""

    service = serializers.ChoiceField(
        choices=[("police", "110"), ("ambulance", "120")],
        help_text=_("`police` (110) or `ambulance` (120)."),
    )
    called_at = PlausibleDateTimeField(help_text=_("When they were called; not in the future."))


class InsurerInputSerializer(serializers.Serializer):
    """The insurer notified: the day, their claim number, and the outside-body record if any."""

    notified_on = serializers.DateField(
        help_text=_("The day the insurer was notified; not in the future.")
    )
    claim_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text=_("The insurer's claim number, when given."),
    )
    body_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The insurer's record among the case's outside bodies, if there is one."),
    )


class InsurerOpinionInputSerializer(serializers.Serializer):
    """The insurer's written opinion (an evidence file) and whether the injury is covered."""

    evidence_id = serializers.IntegerField(
        help_text=_("One of the case's evidence files with the insurer's written opinion.")
    )
    covered = serializers.BooleanField(help_text=_("Whether the insurer covers the injury."))


class CompensationHeadInputSerializer(serializers.Serializer):
    """One head of the breakdown to record: the head, its amount and its basis."""

    head = serializers.ChoiceField(
        choices=CompensationHead.choices,
        help_text=_("The head of compensation (medical costs, lost earnings, nursing...)."),
    )
    amount = _money(min_value=0, help_text=_("Its amount, in yuan."))
    basis = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text=_("What the amount rests on: receipts, the doctor's note, the insurer's word."),
    )


class CompensationInputSerializer(serializers.Serializer):
    """The whole compensation breakdown, each head at most once; its total becomes the decision
    amount."""

    heads = CompensationHeadInputSerializer(
        many=True,
        allow_empty=True,
        help_text=_("The whole breakdown, each head at most once; it replaces the one recorded."),
    )

    def validate_heads(self, value: list[dict]) -> list[dict]:
        heads = [row["head"] for row in value]
        if len(set(heads)) != len(heads):
            raise serializers.ValidationError(_("Give each head once."))
        return value
