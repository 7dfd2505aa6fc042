"""Customers, the organisation, the category tree, the signed-in user, and the token exchange."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department
from complaints.api.serializers.fields import (
    ContactDetailField,
    ContactMaskedField,
    code_of,
    username_of,
)
from complaints.models import ContactField, Customer, Outcome, Severity, State


class CustomerSerializer(serializers.Serializer):
    """Contact details are masked for roles without `view_customer_pii` (complaints.privacy)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = ContactDetailField(ContactField.PHONE)
    email = ContactDetailField(ContactField.EMAIL)
    region = serializers.CharField()
    masked = ContactMaskedField()


class CustomerComplaintSerializer(serializers.Serializer):
    """One of the customer's complaints, as annotated by `customer_complaints` (one query)."""

    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    subject = serializers.CharField()
    received_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(
        source="decided_outcome",
        choices=Outcome.choices,
        allow_null=True,
        help_text=_("The outcome of the latest approved decision, if any."),
    )
    satisfaction = serializers.IntegerField(
        allow_null=True,
        help_text=_("1–5, from the latest follow-up visit that reached the customer, if any."),
    )


class CustomerDetailSerializer(CustomerSerializer):
    address = ContactDetailField(ContactField.ADDRESS)
    complaints = CustomerComplaintSerializer(many=True)

    def to_representation(self, customer: Customer) -> dict[str, Any]:
        data = super().to_representation(customer)
        data["complaints"] = CustomerComplaintSerializer(
            self.context["complaints"], many=True, context=self.context
        ).data
        return data


class DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(help_text=_("English name; empty when not set."))
    display_name = serializers.CharField(
        source="local_name", help_text=_("The name in the request's language.")
    )
    kind = serializers.ChoiceField(choices=Department.Kind.choices)
    # SerializerMetaclass takes declared fields out of the class, so `parent` never replaces
    # Field.parent at run time; the stubs cannot know that.
    parent = code_of("parent", null=True)  # type: ignore[assignment]
    head = username_of("head", null=True)
    is_active = serializers.BooleanField()


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField(help_text=_("English name; empty when not set."))
    display_name = serializers.CharField(
        source="local_name", help_text=_("The name in the request's language.")
    )
    parent = code_of("parent", null=True)  # type: ignore[assignment]  # as in DepartmentSerializer
    default_department = code_of("default_department", null=True)
    default_severity = serializers.ChoiceField(choices=Severity.choices)
    is_active = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    department = serializers.CharField(allow_null=True, help_text=_("Department code."))
    roles = serializers.ListField(child=serializers.CharField())
    approval_limit = serializers.DecimalField(max_digits=12, decimal_places=2)
    permissions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Complaint permissions the user holds, e.g. `triage_complaint`."),
    )


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(
        required=False,
        help_text=_(
            "For an account with two-factor sign-in: the authenticator app's current code, or "
            "one of its backup codes."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
