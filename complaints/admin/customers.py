from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.services import audit_actor
from complaints.admin.common import (
    VIEW_ALL,
    ExactContactSearch,
    ReadOnlyInline,
    scope_to_visible,
)
from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.errors import InvalidInput
from complaints.models import Complaint, ContactField, Customer
from complaints.privacy import contact_in_clear, contact_value
from complaints.selectors import complaints_visible_to

# A contact column → the read-only column shown instead to a role that reads it masked.
PII_FIELDS = {
    ContactField.PHONE: "masked_phone",
    ContactField.EMAIL: "masked_email",
    ContactField.ADDRESS: "masked_address",
}


class CustomerForm(forms.ModelForm):
    """Phones are kept in E.164 so that intake finds the customer again however it is written."""

    class Meta:
        model = Customer
        fields = (
            "name",
            "phone",
            "email",
            "address",
            "region",
            "language",
            "urgent_contact",
            "note",
        )

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data.get("phone", ""))
        except InvalidInput as error:
            raise forms.ValidationError(error.fields["phone"]) from error

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data.get("email", ""))


class CustomerComplaintInline(ReadOnlyInline):
    model = Complaint
    fk_name = "customer"
    fields = ("reference", "subject", "state", "severity", "department", "received_at")
    related = ("department",)
    verbose_name_plural = _("complaints of this customer")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return scope_to_visible(super().get_queryset(request), user=request.user, path="pk")


@admin.register(Customer)
class CustomerAdmin(ExactContactSearch, admin.ModelAdmin):
    """客户档案. Customers are created at intake; contact details are masked for staff without
    the right to see them (个人信息保护法)."""

    form = CustomerForm
    inlines = [CustomerComplaintInline]
    list_filter = ("region",)
    # Phone and e-mail are searched exactly (ExactContactSearch), never as substrings.
    search_fields = ("name",)
    # Texts refused: set only by the customer's STOP / 退订 reply.
    readonly_fields = ("sms_opted_out_at", "created_at", "updated_at")
    fields = (
        "name",
        "phone",
        "email",
        "address",
        "region",
        "language",
        "urgent_contact",
        "sms_opted_out_at",
        "note",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        customers = super().get_queryset(request).annotate(_complaint_count=Count("complaints"))
        if request.user.has_perm(VIEW_ALL):
            return customers
        visible = complaints_visible_to(user=request.user).values("customer_id")
        return customers.filter(pk__in=visible)

    def get_list_display(self, request: HttpRequest):
        columns = self._pii_names(request, ("name", "phone", "email", "region"))
        return (*columns, "complaint_count", "created_at")

    def get_fields(self, request: HttpRequest, obj: Customer | None = None):
        return self._pii_names(request, self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Customer | None = None):
        masked = [
            column
            for field, column in PII_FIELDS.items()
            if not contact_in_clear(user=request.user, field=field)
        ]
        return [*self.readonly_fields, *masked]

    def _pii_names(self, request: HttpRequest, names) -> list[str]:
        """The column names for this reader: a masked column for each detail read masked
        (complaints.privacy decides), so the form never holds the value in clear."""
        return [
            PII_FIELDS[name]
            if name in PII_FIELDS and not contact_in_clear(user=request.user, field=name)
            else name
            for name in names
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A customer record starts with their first complaint (complaints.services.complaint_create).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        # Erasure and anonymisation follow the retention rules, not a delete button.
        return False

    @admin.display(description=_("complaints"), ordering="_complaint_count")
    def complaint_count(self, customer: Customer) -> int:
        return customer._complaint_count

    # Shown only to a reader the columns above are masked for; with no request (a shell) masked.
    @admin.display(description=_("phone"))
    def masked_phone(self, customer: Customer) -> str:
        return _masked(customer, ContactField.PHONE)

    @admin.display(description=_("e-mail"))
    def masked_email(self, customer: Customer) -> str:
        return _masked(customer, ContactField.EMAIL)

    @admin.display(description=_("address"))
    def masked_address(self, customer: Customer) -> str:
        return _masked(customer, ContactField.ADDRESS)


def _masked(customer: Customer, field: str) -> str:
    return contact_value(customer=customer, field=field, user=audit_actor() or AnonymousUser())
