"""The case record: timeline, handoffs, evidence, decisions, contacts and follow-ups, read-only.

Each is written by a service in the same transaction as the change it records, so the admin lists
and shows them and never adds, changes or deletes them. The one thing done here is approving
decisions, and that goes through complaints.services.decision_approve.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.admin.common import (
    ComplaintRecordAdmin,
    event_shown,
    evidence_download_link,
    evidence_field_shown,
)
from complaints.errors import ComplaintError
from complaints.models import (
    CaseEvent,
    CustomerContact,
    Decision,
    DecisionApproval,
    EvidenceFile,
    FollowUp,
    Handoff,
)
from complaints.privacy import SENSITIVE_EVIDENCE_KINDS, sees_sensitive_evidence
from complaints.services import decision_approve


@admin.register(CaseEvent)
class CaseEventAdmin(ComplaintRecordAdmin):
    list_display = (
        "at",
        "complaint",
        "kind",
        "actor",
        "transition",
        "from_state",
        "to_state",
        "customer_visible",
    )
    list_filter = ("kind", "customer_visible", "transition")
    list_select_related = ("complaint", "actor")
    search_fields = ("complaint__reference", "comment")
    date_hierarchy = "at"
    ordering = ("-at", "-id")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        # Data and comment as the reader may read them (complaints.privacy).
        names = {"data": "shown_data", "comment": "shown_comment"}
        return [names.get(name, name) for name in super().get_readonly_fields(request, obj)]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.get_readonly_fields(request, obj)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term or sees_sensitive_evidence(user=request.user):
            return super().get_search_results(request, queryset, search_term)
        # The comment of restricted evidence is its description: not searchable by this reader.
        sensitive = Q(kind=CaseEvent.Kind.EVIDENCE, data__kind__in=list(SENSITIVE_EVIDENCE_KINDS))
        found, duplicates = super().get_search_results(
            request, queryset.exclude(sensitive), search_term
        )
        by_case = queryset.filter(sensitive, complaint__reference__icontains=search_term.strip())
        return found | by_case, duplicates

    @admin.display(description=_("data"))
    def shown_data(self, event: CaseEvent) -> str:
        return json.dumps(event_shown(event)[0], ensure_ascii=False, cls=DjangoJSONEncoder)

    @admin.display(description=_("comment"))
    def shown_comment(self, event: CaseEvent) -> str:
        return event_shown(event)[1]


@admin.register(Handoff)
class HandoffAdmin(ComplaintRecordAdmin):
    list_display = (
        "at",
        "complaint",
        "from_department",
        "from_user",
        "to_department",
        "to_user",
        "handed_off_by",
    )
    list_filter = ("to_department", "from_department")
    list_select_related = (
        "complaint",
        "from_department",
        "from_user",
        "to_department",
        "to_user",
        "handed_off_by",
    )
    search_fields = ("complaint__reference", "note")
    date_hierarchy = "at"
    ordering = ("-at", "-id")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ComplaintRecordAdmin):
    """Evidence of a kind restricted from the reader (medical records, identity documents;
    complaints.privacy) is listed, but its name, type, checksum, description and file are not
    shown, filtered or searched."""

    # Columns shown through a display method that hides them from a restricted reader.
    HIDDEN = {
        "original_name": "shown_original_name",
        "content_type": "shown_content_type",
        "sha256": "shown_sha256",
        "description": "shown_description",
        "file": "download",
    }
    list_display = (
        "uploaded_at",
        "complaint",
        "kind",
        "shown_original_name",
        "shown_content_type",
        "file_size",
        "uploaded_by",
    )
    list_filter = ("kind", "content_type")
    list_select_related = ("complaint", "uploaded_by")
    search_fields = ("complaint__reference", "original_name", "sha256", "description")
    date_hierarchy = "uploaded_at"
    ordering = ("-uploaded_at", "-id")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        # The stored file's name would link to its media URL, which nothing serves.
        fields = super().get_readonly_fields(request, obj)
        return [self.HIDDEN.get(name, name) for name in fields]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.get_readonly_fields(request, obj)

    def get_list_filter(self, request: HttpRequest):
        if sees_sensitive_evidence(user=request.user):
            return self.list_filter
        return ("kind",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term or sees_sensitive_evidence(user=request.user):
            return super().get_search_results(request, queryset, search_term)
        # Restricted rows are found by their case only, never by their name or checksum.
        sensitive = Q(kind__in=list(SENSITIVE_EVIDENCE_KINDS))
        found, duplicates = super().get_search_results(
            request, queryset.exclude(sensitive), search_term
        )
        by_case = queryset.filter(sensitive, complaint__reference__icontains=search_term.strip())
        return found | by_case, duplicates

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, evidence: EvidenceFile) -> str:
        return filesizeformat(evidence.size)

    @admin.display(description=_("file"))
    def download(self, evidence: EvidenceFile) -> str:
        return evidence_download_link(evidence)

    @admin.display(description=_("original file name"), ordering="original_name")
    def shown_original_name(self, evidence: EvidenceFile) -> str:
        return evidence_field_shown(evidence, "original_name")

    @admin.display(description=_("content type"))
    def shown_content_type(self, evidence: EvidenceFile) -> str:
        return evidence_field_shown(evidence, "content_type")

    @admin.display(description=_("SHA-256 checksum"))
    def shown_sha256(self, evidence: EvidenceFile) -> str:
        return evidence_field_shown(evidence, "sha256")

    @admin.display(description=_("description"))
    def shown_description(self, evidence: EvidenceFile) -> str:
        return evidence_field_shown(evidence, "description")


@admin.register(Decision)
class DecisionAdmin(ComplaintRecordAdmin):
    list_display = (
        "created_at",
        "complaint",
        "round",
        "remedy",
        "outcome",
        "amount",
        "state",
        "proposed_by",
        "requested_approver",
        "approved_by",
    )
    list_filter = ("state", "remedy", "outcome")
    list_select_related = ("complaint", "proposed_by", "requested_approver", "approved_by")
    search_fields = ("complaint__reference", "rationale", "root_cause")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ["approve_decisions"]

    def has_approve_permission(self, request: HttpRequest) -> bool:
        # Whose limit covers which amount is for the service to say, decision by decision.
        return request.user.has_perm("complaints.approve_decision")

    @admin.action(description=_("Approve selected decisions"), permissions=["approve"])
    def approve_decisions(self, request: HttpRequest, queryset: QuerySet[Decision]) -> None:
        approved = 0
        for decision in queryset.select_related("complaint__department"):
            try:
                decision_approve(decision=decision, actor=request.user)
            except ComplaintError as error:
                self.message_user(
                    request,
                    f"{decision.complaint.reference} – {decision}: {error.message}",
                    messages.ERROR,
                )
            else:
                approved += 1
        if approved:
            self.message_user(
                request,
                ngettext("%(count)d decision approved.", "%(count)d decisions approved.", approved)
                % {"count": approved},
                messages.SUCCESS,
            )


@admin.register(DecisionApproval)
class DecisionApprovalAdmin(ComplaintRecordAdmin):
    complaint_path = "decision__complaint"
    list_display = ("at", "complaint", "decision", "approver", "verdict", "approver_limit")
    list_filter = ("verdict",)
    list_select_related = ("decision__complaint", "approver")
    search_fields = ("decision__complaint__reference", "comment")
    date_hierarchy = "at"
    ordering = ("-at", "-id")

    @admin.display(description=_("complaint"), ordering="decision__complaint__reference")
    def complaint(self, approval: DecisionApproval) -> str:
        return str(approval.decision.complaint)


@admin.register(CustomerContact)
class CustomerContactAdmin(ComplaintRecordAdmin):
    list_display = ("at", "complaint", "direction", "channel", "purpose", "by")
    list_filter = ("direction", "channel", "purpose")
    list_select_related = ("complaint", "by")
    search_fields = ("complaint__reference", "summary")
    date_hierarchy = "at"
    ordering = ("-at", "-id")


@admin.register(FollowUp)
class FollowUpAdmin(ComplaintRecordAdmin):
    list_display = (
        "at",
        "complaint",
        "round",
        "method",
        "reached",
        "satisfaction",
        "resolved",
        "by",
    )
    list_filter = ("method", "reached", "resolved", "satisfaction")
    list_select_related = ("complaint", "by")
    search_fields = ("complaint__reference", "comment")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
