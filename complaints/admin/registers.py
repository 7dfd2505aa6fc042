"""The registers beside the cases in the admin (seed 004 §九, §五.3 H): listed, filtered, searched
and read; never added, changed or deleted here, because only their services write them (the pages
and the API call those)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import admin_reader
from complaints.models import LegalDocument, LegalDocumentFile, LostProperty
from complaints.privacy import contact_details_of
from complaints.selectors.registers import legal_documents_visible_to, lost_property_visible_to


class RegisterAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return [field.name for field in self.model._meta.fields if not field.primary_key]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ForwardedFilter(admin.SimpleListFilter):
    title = _("forwarded")
    parameter_name = "forwarded"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(forwarded_at__isnull=self.value() == "no")
        return queryset


class LegalDocumentFileInline(admin.TabularInline):
    model = LegalDocumentFile
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(LegalDocument)
class LegalDocumentAdmin(RegisterAdmin):
    list_display = (
        "code",
        "kind",
        "sender",
        "received_at",
        "received_by",
        "receipt",
        "addressee_matches",
        "forwarded_to_department",
        "forwarded_at",
        "complaint",
    )
    list_filter = ("kind", "receipt", "addressee_matches", "identity_check", ForwardedFilter)
    search_fields = ("sender", "their_reference", "summary", "delivered_by", "complaint__reference")
    date_hierarchy = "received_at"
    list_select_related = (
        "received_by__department",
        "forwarded_to_department",
        "complaint",
    )
    inlines = [LegalDocumentFileInline]

    @admin.display(description=_("entry"), ordering="pk")
    def code(self, obj: LegalDocument) -> str:
        return obj.code

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = legal_documents_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


@admin.register(LostProperty)
class LostPropertyAdmin(RegisterAdmin):
    list_display = (
        "code",
        "kind",
        "description",
        "customer_name",
        "lost_at",
        "department",
        "area",
        "outcome",
        "police_report_number",
        "complaint",
    )
    list_filter = ("kind", "outcome", "department")
    # Not the phone: a substring search would let a masked reader guess its digits.
    search_fields = (
        "customer_name",
        "description",
        "area",
        "police_report_number",
        "complaint__reference",
    )
    date_hierarchy = "lost_at"
    list_select_related = ("department", "complaint")

    @admin.display(description=_("entry"), ordering="pk")
    def code(self, obj: LostProperty) -> str:
        return obj.code

    @admin.display(description=_("customer's phone"))
    def phone_shown(self, obj: LostProperty) -> str:
        return contact_details_of(phone=obj.customer_phone, user=admin_reader()).phone or "–"

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = [f for f in super().get_readonly_fields(request, obj) if f != "customer_phone"]
        return [*fields, "phone_shown"]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.get_readonly_fields(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=lost_property_visible_to(user=request.user).values("pk"))
        )
