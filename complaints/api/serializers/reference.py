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

    id = serializers.IntegerField(help_text=_("The customer's id."))
    name = serializers.CharField(help_text=_("The customer's name."))
    phone = ContactDetailField(ContactField.PHONE)
    email = ContactDetailField(ContactField.EMAIL)
    region = serializers.CharField(help_text=_("Where the customer lives, as given."))
    masked = ContactMaskedField()


class CustomerComplaintSerializer(serializers.Serializer):
    """One of the customer's complaints, as annotated by `customer_complaints` (one query)."""

    reference = serializers.CharField(help_text=_("The case's reference."))
    state = serializers.ChoiceField(
        choices=State.choices, help_text=_("Where the case is in the workflow.")
    )
    subject = serializers.CharField(help_text=_("What the complaint is about, in one line."))
    received_at = serializers.DateTimeField(help_text=_("When it arrived."))
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
    complaints = CustomerComplaintSerializer(
        many=True, help_text=_("The customer's complaints you may see, newest first.")
    )

    def to_representation(self, customer: Customer) -> dict[str, Any]:
        data = super().to_representation(customer)
        data["complaints"] = CustomerComplaintSerializer(
            self.context["complaints"], many=True, context=self.context
        ).data
        return data


class DepartmentSerializer(serializers.Serializer):
    """A department that can own complaints."""

    code = serializers.CharField(
        help_text=_("Stable code; name a department by it (e.g. in a new complaint).")
    )
    name = serializers.CharField(help_text=_("The name in Chinese."))
    name_en = serializers.CharField(help_text=_("English name; empty when not set."))
    display_name = serializers.CharField(
        source="local_name", help_text=_("The name in the request's language.")
    )
    kind = serializers.ChoiceField(
        choices=Department.Kind.choices,
        help_text=_("What the department does in complaint handling."),
    )
    # SerializerMetaclass takes declared fields out of the class, so `parent` never replaces
    # Field.parent at run time; the stubs cannot know that.
    parent = code_of(
        "parent", null=True, help_text=_("The parent department's code; null at the top.")
    )  # type: ignore[assignment]
    head = username_of("head", null=True, help_text=_("The head's username; null when none."))
    is_active = serializers.BooleanField(help_text=_("Inactive departments take no new cases."))


class CategorySerializer(serializers.Serializer):
    """A complaint category and the department it routes to by default."""

    code = serializers.CharField(
        help_text=_("Stable code; name a category by it (e.g. in a new complaint).")
    )
    name = serializers.CharField(help_text=_("The name in Chinese."))
    name_en = serializers.CharField(help_text=_("English name; empty when not set."))
    display_name = serializers.CharField(
        source="local_name", help_text=_("The name in the request's language.")
    )
    parent = code_of(
        "parent", null=True, help_text=_("The parent category's code; null at the top.")
    )  # type: ignore[assignment]  # as in DepartmentSerializer
    default_department = code_of(
        "default_department",
        null=True,
        help_text=_("The department its cases go to by default (code)."),
    )
    default_severity = serializers.ChoiceField(
        choices=Severity.choices, help_text=_("The severity its cases start with.")
    )
    is_active = serializers.BooleanField(help_text=_("Inactive categories take no new cases."))


class MeSerializer(serializers.Serializer):
    """The signed-in user: role, department and approval limit."""

    username = serializers.CharField(help_text=_("Your username."))
    name = serializers.CharField(help_text=_("Your name."))
    email = serializers.CharField(help_text=_("Your e-mail address."))
    department = serializers.CharField(allow_null=True, help_text=_("Department code."))
    roles = serializers.ListField(child=serializers.CharField(), help_text=_("Your roles."))
    approval_limit = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("The largest amount you may approve alone, in yuan."),
    )
    permissions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Complaint permissions the user holds, e.g. `triage_complaint`."),
    )


class TokenInputSerializer(serializers.Serializer):
    """A username and password (and the authenticator code when the account uses two-factor
    sign-in)."""

    username = serializers.CharField(help_text=_("Your username."))
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, help_text=_("Your password.")
    )
    otp_token = serializers.CharField(
        required=False,
        help_text=_(
            "For an account with two-factor sign-in: the authenticator app's current code, or "
            "one of its backup codes."
        ),
    )


class TokenSerializer(serializers.Serializer):
    """An API token; send it as `Authorization: Token <token>`."""

    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))
