"""The personal-injury records (issue 16 §1): read here, written only by complaints.services.injury."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import ComplaintRecordAdmin, ReadOnlyInline
from complaints.models import InjuryCompensation, InjuryDocument, InjuryRecord, InjuryWitness


class WitnessInline(ReadOnlyInline):
    model = InjuryWitness
    fields = ("name", "phone", "statement", "recorded_by", "recorded_at")
    related = ("recorded_by", "statement")
    show_change_link = False


class DocumentInline(ReadOnlyInline):
    model = InjuryDocument
    fields = ("item", "evidence", "note", "recorded_by", "recorded_at")
    related = ("recorded_by", "evidence")
    show_change_link = False


class CompensationInline(ReadOnlyInline):
    model = InjuryCompensation
    fields = ("head", "amount", "basis")
    show_change_link = False


@admin.register(InjuryRecord)
class InjuryRecordAdmin(ComplaintRecordAdmin):
    list_display = (
        "created_at",
        "complaint",
        "accompany",
        "advance",
        "advance_amount",
        "advance_approved_by",
        "insurer_notified_on",
        "insurer_covered",
        "compensation_total",
    )
    list_filter = ("advance", "insurer_covered")
    list_select_related = ("complaint", "advance_approved_by")
    search_fields = ("complaint__reference", "insurer_claim_number")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [WitnessInline, DocumentInline, CompensationInline]

    @admin.display(description=_("compensation in all"))
    def compensation_total(self, record: InjuryRecord) -> str:
        total = sum((row.amount for row in record.compensation.all()), 0)
        return f"{total:,.2f}"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("compensation")
