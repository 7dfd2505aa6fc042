"""The case record: timeline, handoffs, evidence, decisions, contacts and follow-ups, read-only.

Each is written by a service in the same transaction as the change it records, so the admin lists
and shows them and never adds, changes or deletes them. The one thing done here is approving
decisions, and that goes through complaints.services.decision_approve.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.admin.common import ComplaintRecordAdmin, evidence_download_link
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
    list_display = (
        "uploaded_at",
        "complaint",
        "kind",
        "original_name",
        "content_type",
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
        return ["download" if name == "file" else name for name in fields]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, evidence: EvidenceFile) -> str:
        return filesizeformat(evidence.size)

    @admin.display(description=_("file"))
    def download(self, evidence: EvidenceFile) -> str:
        return evidence_download_link(evidence)


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
