from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import (
    VIEW_ALL,
    ExactContactSearch,
    ReadOnlyInline,
    can_see_pii,
    mask_email,
    mask_phone,
    mask_text,
    scope_to_visible,
)
from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.errors import InvalidInput
from complaints.models import Complaint, Customer
from complaints.selectors import complaints_visible_to

PII_FIELDS = {"phone": "masked_phone", "email": "masked_email", "address": "masked_address"}


class CustomerForm(forms.ModelForm):
    """Phones are kept in E.164 so that intake finds the customer again however it is written."""

    class Meta:
        model = Customer
        fields = ("name", "phone", "email", "address", "region", "language", "note")

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
    readonly_fields = ("created_at", "updated_at")
    fields = (
        "name",
        "phone",
        "email",
        "address",
        "region",
        "language",
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
        masked = [] if can_see_pii(request.user) else list(PII_FIELDS.values())
        return [*self.readonly_fields, *masked]

    def _pii_names(self, request: HttpRequest, names) -> list[str]:
        if can_see_pii(request.user):
            return list(names)
        return [PII_FIELDS.get(name, name) for name in names]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A customer record starts with their first complaint (complaints.services.complaint_create).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        # Erasure and anonymisation follow the retention rules, not a delete button.
        return False

    @admin.display(description=_("complaints"), ordering="_complaint_count")
    def complaint_count(self, customer: Customer) -> int:
        return customer._complaint_count

    @admin.display(description=_("phone"))
    def masked_phone(self, customer: Customer) -> str:
        return mask_phone(customer.phone)

    @admin.display(description=_("e-mail"))
    def masked_email(self, customer: Customer) -> str:
        return mask_email(customer.email)

    @admin.display(description=_("address"))
    def masked_address(self, customer: Customer) -> str:
        return mask_text(customer.address)
