"""The case record shown on the complaint page, read-only, one query per kind of record."""

from __future__ import annotations

from complaints.admin.common import ReadOnlyInline
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
    fields = ("at", "kind", "actor", "from_state", "to_state", "transition", "comment")
    related = ("actor",)
    ordering = ("at", "id")


class HandoffInline(ReadOnlyInline):
    model = Handoff
    fields = ("at", "from_department", "from_user", "to_department", "to_user", "note")
    related = ("from_department", "from_user", "to_department", "to_user")


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ("uploaded_at", "kind", "file", "original_name", "size", "sha256", "uploaded_by")
    related = ("uploaded_by",)


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
