"""Decisions (处理决策) and their approvals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from complaints.api.serializers.fields import username_of
from complaints.models import Decision, DecisionApproval, Outcome, Remedy


class DecisionInputSerializer(serializers.Serializer):
    """A proposed resolution of the case; an amount above the proposer's approval limit waits for
    approval."""

    remedy = serializers.ChoiceField(
        choices=Remedy.choices, help_text=_("What the customer is offered.")
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        help_text=_("Whether the complaint is upheld, partly upheld or not upheld."),
    )
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("Above the proposer's approval limit, the decision waits for an approver."),
    )
    rationale = serializers.CharField(
        help_text=_("Why: the facts and the rule the decision rests on.")
    )
    root_cause = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What caused the problem, for the reports."),
    )
    requested_approver = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Ask this person to approve; otherwise everyone eligible is asked."),
    )


class DecisionVerdictInputSerializer(serializers.Serializer):
    """An approver's verdict on a pending decision, with an optional comment."""

    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when refusing."),
    )


class ApprovalSerializer(serializers.Serializer):
    """One approver's verdict on a decision."""

    approver = username_of("approver", help_text=_("The approver's username."))
    verdict = serializers.ChoiceField(
        choices=DecisionApproval.Verdict.choices, help_text=_("Approved or refused.")
    )
    approver_limit = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("The approver's own approval limit at the time, in yuan."),
    )
    within_own_limit = serializers.BooleanField(
        help_text=_("Approved as proposed, within the proposer's own approval limit.")
    )
    comment = serializers.CharField(
        source="reason_text",
        help_text=_(
            "The approver's comment; for an automatic approval, its reason in your language."
        ),
    )
    at = serializers.DateTimeField(help_text=_("When the verdict was given."))


class DecisionSerializer(serializers.Serializer):
    """A proposed or approved resolution of the case (remedy, outcome, amount) with its approvals."""

    id = serializers.IntegerField(help_text=_("The decision's id (for approve and reject)."))
    round = serializers.IntegerField(help_text=_("Handling round: 0, then 1 after a reopen..."))
    remedy = serializers.ChoiceField(
        choices=Remedy.choices, help_text=_("What the customer is offered.")
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        help_text=_("Whether the complaint is upheld, partly upheld or not upheld."),
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text=_("The amount offered, in yuan.")
    )
    rationale = serializers.CharField(
        help_text=_("Why: the facts and the rule the decision rests on.")
    )
    root_cause = serializers.CharField(help_text=_("What caused the problem, for the reports."))
    state = serializers.ChoiceField(
        choices=Decision.Status.choices,
        help_text=_("Pending approval, approved, refused or superseded."),
    )
    proposed_by = username_of("proposed_by", help_text=_("Who proposed it (username)."))
    requested_approver = username_of(
        "requested_approver",
        null=True,
        help_text=_("Who was asked to approve it (username); null: everyone eligible."),
    )
    approved_by = username_of(
        "approved_by", null=True, help_text=_("Who approved it (username); null until approved.")
    )
    approved_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was approved; null until then.")
    )
    created_at = serializers.DateTimeField(help_text=_("When it was proposed."))
    approvals = ApprovalSerializer(
        many=True, help_text=_("The verdicts given on it, oldest first.")
    )
