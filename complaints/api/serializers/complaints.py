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

    id = serializers.IntegerField(help_text=_("The customer's id (GET /customers/{id}/)."))
    name = serializers.CharField(help_text=_("The customer's name."))
    phone = ContactDetailField(ContactField.PHONE)
    email = ContactDetailField(ContactField.EMAIL)
    region = serializers.CharField(help_text=_("Where the customer lives, as given."))
    masked = ContactMaskedField(help_text=_("Whether phone and e-mail are shown masked."))


class FlagsSerializer(serializers.Serializer):
    """The urgent facts of a case; any of them set escalates it at once."""

    personal_injury = serializers.BooleanField(help_text=_("Someone was hurt."))
    media_involved = serializers.BooleanField(
        help_text=_("The media know of it or the customer threatens to go to them.")
    )
    regulator_involved = serializers.BooleanField(
        help_text=_("A regulator, 12315 or a consumer association is involved.")
    )
    legal_risk = serializers.BooleanField(
        help_text=_("A lawsuit or a lawyer's letter is threatened or under way.")
    )


class DeadlineSerializer(serializers.Serializer):
    """One deadline of the case (acknowledgement, first response, resolution...), on the business
    calendar."""

    stage = serializers.ChoiceField(
        choices=Stage.choices,
        help_text=_("Which deadline: acknowledgement, first response or resolution."),
    )
    due_at = serializers.DateTimeField(help_text=_("When it is due, pauses taken into account."))
    met_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was met; null while open.")
    )
    breached = serializers.BooleanField(help_text=_("Whether it was missed."))
    paused = serializers.BooleanField(help_text=_("Whether its clock is paused now."))
    provisional = serializers.BooleanField(
        help_text=_("The deadline falls in a year whose holidays are not confirmed yet.")
    )


class ComplaintSerializer(serializers.Serializer):
    """A complaint as the API shows it: what was reported, where it stands in the workflow, who
    owns it and its deadlines."""

    reference = serializers.CharField(
        help_text=_(
            "The case's reference, e.g. CP-2026-000123; it names the case in every other address."
        )
    )
    version = serializers.IntegerField(
        help_text=_("Send it back (or as If-Match) with a change; a stale one is a 409.")
    )
    state = serializers.ChoiceField(
        choices=State.choices, help_text=_("Where the case is in the workflow.")
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, help_text=_("How the complaint arrived.")
    )
    received_at = serializers.DateTimeField(help_text=_("When it arrived."))
    customer = CustomerSummarySerializer(help_text=_("Who complains."))
    subject = serializers.CharField(help_text=_("What the complaint is about, in one line."))
    description = serializers.CharField(help_text=_("The complaint in the customer's words."))
    product_or_service = serializers.CharField(
        help_text=_("The product or service complained about.")
    )
    order_ref = serializers.CharField(
        help_text=_("The customer's order, contract or invoice number.")
    )
    expected_resolution = serializers.CharField(
        help_text=_("What the customer asks for, in their words.")
    )
    remedy_sought = serializers.ChoiceField(
        choices=Remedy.choices,
        allow_blank=True,
        help_text=_("The remedy the customer asks for; empty when not said."),
    )
    amount_claimed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text=_("The amount the customer claims, in yuan; null when none."),
    )
    category = code_of(
        "category", null=True, help_text=_("The category's code (GET /categories/).")
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices, help_text=_("How serious the case is; decides its deadlines.")
    )
    flags = FlagsSerializer(source="*", help_text=_("Urgent facts of the case."))
    department = code_of(
        "department", null=True, help_text=_("The owning department's code (GET /departments/).")
    )
    assignee = username_of(
        "assignee", null=True, help_text=_("The handler's username; null while unassigned.")
    )
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
    deadlines = serializers.SerializerMethodField(
        help_text=_("The case's deadlines of the current handling round.")
    )
    created_at = serializers.DateTimeField(help_text=_("When the case was recorded."))
    updated_at = serializers.DateTimeField(help_text=_("When the case last changed."))

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

    personal_injury = serializers.BooleanField(required=False, help_text=_("Someone was hurt."))
    media_involved = serializers.BooleanField(
        required=False, help_text=_("The media know of it or the customer threatens to go to them.")
    )
    regulator_involved = serializers.BooleanField(
        required=False, help_text=_("A regulator, 12315 or a consumer association is involved.")
    )
    legal_risk = serializers.BooleanField(
        required=False, help_text=_("A lawsuit or a lawyer's letter is threatened or under way.")
    )


class CustomerInputSerializer(serializers.Serializer):
    """Give a phone number or an e-mail address; a known customer is found again by them."""

    name = serializers.CharField(max_length=100, help_text=_("The customer's name."))
    phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A phone number; give it or an e-mail address."),
    )
    # No default: "" is not an e-mail address, so the schema could not declare it as one.
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text=_("An e-mail address; give it or a phone number."),
    )
    address = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A postal address, when replies go by post."),
    )
    region = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Where the customer lives."),
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What we write to the customer in (`zh-hans`, `en`); the site's when empty."),
    )


def _optional_text(max_length: int | None = None, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


class ComplaintCreateSerializer(serializers.Serializer):
    """A new complaint: who complains, about what, and how it arrived. Routing and severity follow
    the category and the flags unless given."""

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
    customer = CustomerInputSerializer(help_text=_("Who complains."))
    subject = serializers.CharField(
        max_length=200, help_text=_("What the complaint is about, in one line.")
    )
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, help_text=_("The complaint in the customer's words.")
    )
    product_or_service = _optional_text(
        200, help_text=_("The product or service complained about.")
    )
    order_ref = _optional_text(
        100, help_text=_("The customer's order, contract or invoice number.")
    )
    expected_resolution = _optional_text(help_text=_("What the customer asks for, in their words."))
    remedy_sought = serializers.ChoiceField(
        choices=Remedy.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The remedy the customer asks for, if they said."),
    )
    amount_claimed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The amount the customer claims, in yuan."),
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A category's code (GET /categories/); routes the case and sets its severity."),
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
    flags = FlagsInputSerializer(
        required=False, help_text=_("Urgent facts; any of them escalates the case at once.")
    )
    region = _optional_text(
        100, help_text=_("Where the matter happened, when not where the customer lives.")
    )


class ComplaintTriageSerializer(serializers.Serializer):
    """Only the fields sent are changed; null clears category, department or assignee."""

    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("A category's code; null clears it."),
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        help_text=_("How serious the case is; decides its deadlines."),
    )
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The owning department's code; null clears it."),
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The handler's username; null unassigns."),
    )
    flags = FlagsInputSerializer(
        required=False, help_text=_("Urgent facts to set or clear; a change needs a `comment`.")
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Why; required when a flag changes (an urgent fact escalates at once)."),
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The complaint's version this change is based on (or send If-Match)."),
    )
