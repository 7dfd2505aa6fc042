"""Decisions (处理决策) and their approvals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from complaints.api.serializers.fields import username_of
from complaints.models import Decision, DecisionApproval, Outcome, Remedy


class DecisionInputSerializer(serializers.Serializer):
    remedy = serializers.ChoiceField(choices=Remedy.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("Above the proposer's approval limit, the decision waits for an approver."),
    )
    rationale = serializers.CharField()
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    requested_approver = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Ask this person to approve; otherwise everyone eligible is asked."),
    )


class DecisionVerdictInputSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when refusing."),
    )


class ApprovalSerializer(serializers.Serializer):
    approver = username_of("approver")
    verdict = serializers.ChoiceField(choices=DecisionApproval.Verdict.choices)
    approver_limit = serializers.DecimalField(max_digits=12, decimal_places=2)
    within_own_limit = serializers.BooleanField(
        help_text=_("Approved as proposed, within the proposer's own approval limit.")
    )
    comment = serializers.CharField(
        source="reason_text",
        help_text=_(
            "The approver's comment; for an automatic approval, its reason in your language."
        ),
    )
    at = serializers.DateTimeField()


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(help_text=_("Handling round: 0, then 1 after a reopen..."))
    remedy = serializers.ChoiceField(choices=Remedy.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    rationale = serializers.CharField()
    root_cause = serializers.CharField()
    state = serializers.ChoiceField(choices=Decision.Status.choices)
    proposed_by = username_of("proposed_by")
    requested_approver = username_of("requested_approver", null=True)
    approved_by = username_of("approved_by", null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    approvals = ApprovalSerializer(many=True)
