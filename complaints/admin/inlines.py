"""The case record shown on the complaint page, read-only, one query per kind of record."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import ReadOnlyInline, event_shown, evidence_download_link
from complaints.models import (
    CaseEvent,
    CustomerContact,
    Decision,
    EvidenceFile,
    FollowUp,
    Handoff,
)


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "kind", "actor", "from_state", "to_state", "transition", "shown_comment")
    related = ("actor",)
    ordering = ("at", "id")

    @admin.display(description=_("comment"))
    def shown_comment(self, event: CaseEvent) -> str:
        # The description of evidence of a kind restricted from the reader is left out.
        return event_shown(event)[1]


class HandoffInline(ReadOnlyInline):
    model = Handoff
    fields = ("at", "from_department", "from_user", "to_department", "to_user", "note")
    related = ("from_department", "from_user", "to_department", "to_user")


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ("uploaded_at", "kind", "download", "size", "sha256", "uploaded_by")
    readonly_fields = fields
    related = ("complaint", "uploaded_by")

    @admin.display(description=_("file"))
    def download(self, evidence: EvidenceFile) -> str:
        return evidence_download_link(evidence)


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("created_at", "round", "remedy", "outcome", "amount", "state", "approved_by")
    related = ("approved_by",)


class CustomerContactInline(ReadOnlyInline):
    model = CustomerContact
    fields = ("at", "direction", "channel", "purpose", "summary", "by")
    related = ("by",)


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ("at", "round", "method", "reached", "satisfaction", "resolved", "comment", "by")
    related = ("by",)
