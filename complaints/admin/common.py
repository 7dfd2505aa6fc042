"""Pieces the complaint admins share: case scoping, read-only records, masked contact details."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.models import EvidenceFile
from complaints.selectors import complaints_visible_to, customer_contact_lookup

VIEW_ALL = "complaints.view_all_complaints"
VIEW_PII = "complaints.view_customer_pii"


def scope_to_visible(queryset: QuerySet, *, user: User, path: str) -> QuerySet:
    """Only rows of complaints `user` may see: the admin answers to the same access selector."""
    if user.has_perm(VIEW_ALL):
        return queryset
    visible = complaints_visible_to(user=user).values("pk")
    return queryset.filter(**{f"{path}__in": visible})


def can_see_pii(user: User) -> bool:
    return user.has_perm(VIEW_PII)


def evidence_download_link(evidence: EvidenceFile) -> str:
    """A link to the file through the case page's checked view, never to its media URL."""
    if evidence.pk is None:
        return "–"
    url = reverse("case_evidence_file", args=[evidence.complaint.reference, evidence.pk])
    return format_html('<a href="{}">{}</a>', url, evidence.original_name or _("download"))


def mask_phone(value: str) -> str:
    """+8613812345678 → +86138****5678: enough to recognise, not enough to call."""
    if len(value) <= 7:
        return "****" if value else ""
    return f"{value[:-8]}****{value[-4:]}"


def mask_email(value: str) -> str:
    if "@" not in value:
        return "****" if value else ""
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_text(value: str) -> str:
    return f"{value[:6]}****" if value else ""


class ExactContactSearch:
    """Admin search in which a phone number or an e-mail address matches only exactly (in its
    stored form), never as a substring: searching "1381234", "13812345" ... would otherwise let a
    role that sees 138****5678 recover the hidden digits one guess at a time. Other text searches
    the admin's `search_fields` (names, references), which must not name contact columns."""

    # Path from the admin's model to the customer's fields ("" or "customer__").
    contact_path = ""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        contact = customer_contact_lookup(search_term.strip())
        if contact is not None:
            exact = {f"{self.contact_path}{name}": value for name, value in contact.items()}
            return queryset.filter(**exact), False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]


class ComplaintRecordAdmin(admin.ModelAdmin):
    """A record the services write as part of a case: listed and viewed here, never added, changed
    or deleted, because the case record must stay as it happened."""

    # Path from this model to its complaint, for scoping rows to the complaints a user may see.
    complaint_path = "complaint"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return scope_to_visible(queryset, user=request.user, path=self.complaint_path)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return [field.name for field in self.model._meta.fields if not field.primary_key]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline list of a case's records; `related` names the joins its columns display."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(*self.related)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
