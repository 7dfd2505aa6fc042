"""The complaint as the API shows it, and the input of create (POST) and triage (PATCH).

Input serializers check shape and types only; the services decide what is allowed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from complaints.api.serializers.fields import (
    ContactDetailField,
    ContactMaskedField,
    PlausibleDateTimeField,
    code_of,
    username_of,
)
from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ContactField,
    EscalationLevel,
    Remedy,
    Severity,
    State,
)
from sla.models import Stage
from sla.selectors import complaint_deadlines

FLAG_NAMES = ("personal_injury", "media_involved", "regulator_involved", "legal_risk")


class CustomerSummarySerializer(serializers.Serializer):
    """Contact details are masked for roles without `view_customer_pii` (complaints.privacy)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = ContactDetailField(ContactField.PHONE)
    email = ContactDetailField(ContactField.EMAIL)
    region = serializers.CharField()
    masked = ContactMaskedField(help_text=_("Whether phone and e-mail are shown masked."))


class FlagsSerializer(serializers.Serializer):
    personal_injury = serializers.BooleanField()
    media_involved = serializers.BooleanField()
    regulator_involved = serializers.BooleanField()
    legal_risk = serializers.BooleanField()


class DeadlineSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    breached = serializers.BooleanField()
    paused = serializers.BooleanField()
    provisional = serializers.BooleanField(
        help_text=_("The deadline falls in a year whose holidays are not confirmed yet.")
    )


class ComplaintSerializer(serializers.Serializer):
    reference = serializers.CharField()
    version = serializers.IntegerField(
        help_text=_("Send it back (or as If-Match) with a change; a stale one is a 409.")
    )
    state = serializers.ChoiceField(choices=State.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField()
    customer = CustomerSummarySerializer()
    subject = serializers.CharField()
    description = serializers.CharField()
    product_or_service = serializers.CharField()
    order_ref = serializers.CharField()
    expected_resolution = serializers.CharField()
    remedy_sought = serializers.ChoiceField(choices=Remedy.choices, allow_blank=True)
    amount_claimed = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    category = code_of("category", null=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    flags = FlagsSerializer(source="*")
    department = code_of("department", null=True)
    assignee = username_of("assignee", null=True)
    escalation_level = serializers.ChoiceField(
        choices=EscalationLevel.choices,
        help_text=_(
            "How far up the case has been escalated: 0 not escalated, 1 department head, "
            "2 complaint manager, 3 senior management."
        ),
    )
    reopen_count = serializers.IntegerField(
        help_text=_("How many times the case was reopened for another handling round.")
    )
    deadlines = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, complaint: Complaint) -> list[dict[str, Any]]:
        # Uses the prefetched clocks: no query per complaint in a list. One child serializer
        # serves every row (building one per complaint was most of a page's rendering time).
        if not hasattr(self, "_deadline"):
            self._deadline = DeadlineSerializer()
        return [
            self._deadline.to_representation(deadline)
            for deadline in complaint_deadlines(complaint=complaint)
        ]


class FlagsInputSerializer(serializers.Serializer):
    """Urgent facts; on create a missing flag is false, on PATCH it is left as it is."""

    personal_injury = serializers.BooleanField(required=False)
    media_involved = serializers.BooleanField(required=False)
    regulator_involved = serializers.BooleanField(required=False)
    legal_risk = serializers.BooleanField(required=False)


class CustomerInputSerializer(serializers.Serializer):
    """Give a phone number or an e-mail address; a known customer is found again by them."""

    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    # No default: "" is not an e-mail address, so the schema could not declare it as one.
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What we write to the customer in (`zh-hans`, `en`); the site's when empty."),
    )


def _optional_text(max_length: int | None = None) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default=""
    )


class ComplaintCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.API,
        help_text=_(
            "How the complaint arrived; `api` (partner system) when not given. A referral from "
            "12315, a consumer association or a government department sets the regulator flag, "
            "`media` the media flag, `legal_notice` the legal-risk flag."
        ),
    )
    received_at = PlausibleDateTimeField(
        required=False,
        help_text=_("When it arrived (now when not given); may be earlier, never in the future."),
    )
    customer = CustomerInputSerializer()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    product_or_service = _optional_text(200)
    order_ref = _optional_text(100)
    expected_resolution = _optional_text()
    remedy_sought = serializers.ChoiceField(
        choices=Remedy.choices, required=False, allow_blank=True, default=""
    )
    amount_claimed = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        help_text=_("Raised automatically when the flags or the amount call for more."),
    )
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The owning department; the category's default when not given."),
    )
    flags = FlagsInputSerializer(required=False)
    region = _optional_text(100)


class ComplaintTriageSerializer(serializers.Serializer):
    """Only the fields sent are changed; null clears category, department or assignee."""

    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    flags = FlagsInputSerializer(required=False)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Why; required when a flag changes (an urgent fact escalates at once)."),
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
