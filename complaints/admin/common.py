"""Pieces the complaint admins share: case scoping, read-only records, evidence links."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_actor
from complaints.models import CaseEvent, EvidenceFile
from complaints.privacy import Reader, evidence_event_for, evidence_restricted
from complaints.selectors import complaints_visible_to, customer_contact_lookup

VIEW_ALL = "complaints.view_all_complaints"


def scope_to_visible(queryset: QuerySet, *, user: User, path: str) -> QuerySet:
    """Only rows of complaints `user` may see: the admin answers to the same access selector."""
    if user.has_perm(VIEW_ALL):
        return queryset
    visible = complaints_visible_to(user=user).values("pk")
    return queryset.filter(**{f"{path}__in": visible})


def admin_reader() -> Reader:
    """Who is reading the admin page being rendered (display methods get no request); nobody
    known reads everything masked."""
    return audit_actor() or AnonymousUser()


def restricted_label() -> str:
    return _("restricted")


def evidence_download_link(evidence: EvidenceFile) -> str:
    """A link to the file through the case page's checked view, never to its media URL; for a
    kind restricted from the reader (complaints.privacy), neither link nor name."""
    if evidence.pk is None:
        return "–"
    if evidence_restricted(user=admin_reader(), kind=evidence.kind):
        return restricted_label()
    url = reverse("case_evidence_file", args=[evidence.complaint.reference, evidence.pk])
    return format_html('<a href="{}">{}</a>', url, evidence.original_name or _("download"))


def evidence_field_shown(evidence: EvidenceFile, name: str) -> Any:
    """One of an evidence row's fields as the reader may read it."""
    if evidence_restricted(user=admin_reader(), kind=evidence.kind):
        return restricted_label()
    return getattr(evidence, name)


def event_shown(event: CaseEvent) -> tuple[dict, str]:
    """A timeline entry's data and comment as the reader may read them (evidence of a restricted
    kind loses its name and description)."""
    if event.kind != CaseEvent.Kind.EVIDENCE:
        return event.data or {}, event.comment
    return evidence_event_for(user=admin_reader(), data=event.data or {}, comment=event.comment)


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
