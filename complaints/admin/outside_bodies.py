"""Outside bodies on cases (issue 16 §2), read-only like the rest of the case record (written by
complaints.services.outside_bodies); the deadline per kind of body and the signing texts of seed
004 §三.13 are data the administrator edits."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import ComplaintRecordAdmin, ReadOnlyInline
from complaints.models import (
    OffSaleOrder,
    OutsideBody,
    OutsideBodyDocument,
    OutsideBodyTarget,
    SigningText,
)
from complaints.models.outside_bodies import all_pause_reasons
from sla.models import PauseReason


class OutsideBodyDocumentInline(ReadOnlyInline):
    model = OutsideBodyDocument
    fields = ["direction", "evidence", "added_by", "added_at"]
    related = ("evidence", "added_by")


class OffSaleOrderInline(ReadOnlyInline):
    model = OffSaleOrder
    fields = ["product", "order_reference", "ordered_on", "recorded_by", "done_by", "done_at"]
    related = ("recorded_by", "done_by")


@admin.register(OutsideBody)
class OutsideBodyAdmin(ComplaintRecordAdmin):
    list_display = [
        "reference",
        "kind",
        "name",
        "their_reference",
        "received_at",
        "contact",
        "due_at",
        "result",
        "signed_at",
        "closed_at",
    ]
    list_filter = ["kind", "result", "channel"]
    list_select_related = ["complaint", "contact"]
    search_fields = ["complaint__reference", "name", "their_reference"]
    ordering = ["-received_at", "id"]
    date_hierarchy = "received_at"
    inlines = [OutsideBodyDocumentInline, OffSaleOrderInline]

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def reference(self, body: OutsideBody) -> str:
        return body.complaint.reference


@admin.register(OffSaleOrder)
class OffSaleOrderAdmin(ComplaintRecordAdmin):
    complaint_path = "body__complaint"
    list_display = ["product", "reference", "order_reference", "ordered_on", "done_by", "done_at"]
    list_select_related = ["body__complaint", "done_by"]
    search_fields = ["product", "order_reference", "body__complaint__reference"]
    ordering = ["-recorded_at", "id"]

    @admin.display(description=_("complaint"), ordering="body__complaint__reference")
    def reference(self, order: OffSaleOrder) -> str:
        return order.body.complaint.reference


class OutsideBodyTargetForm(forms.ModelForm):
    # The stored JSON list of codes, one box per pause reason (as a stage target's).
    pause_reasons = forms.MultipleChoiceField(
        label=_("pauses that stop this deadline"),
        choices=PauseReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ticked: the deadline stands still while the case waits for this reason, like the "
            "case's own clocks. A date named on the body's notice never moves."
        ),
    )

    class Meta:
        model = OutsideBodyTarget
        fields = ["kind", "amount", "unit", "source", "reminder_percent", "breach_level"]

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "pause_reasons",
            self.instance.pause_reasons if self.instance.pk else all_pause_reasons(),
        )

    def clean_pause_reasons(self) -> list[str]:
        return list(self.cleaned_data.get("pause_reasons") or [])

    def save(self, commit: bool = True) -> OutsideBodyTarget:
        self.instance.pause_reasons = self.cleaned_data.get("pause_reasons") or []
        return super().save(commit=commit)


@admin.register(OutsideBodyTarget)
class OutsideBodyTargetAdmin(admin.ModelAdmin):
    """How long the company has to answer each kind of body, when it reminds, to whom it
    escalates and which waits stop it: later records count from it."""

    form = OutsideBodyTargetForm
    list_display = ["kind", "amount", "unit", "reminder_percent", "breach_level", "source"]
    fields = [
        "kind",
        "amount",
        "unit",
        "source",
        "reminder_percent",
        "breach_level",
        "pause_reasons",
    ]

    def has_delete_permission(
        self, request: HttpRequest, obj: OutsideBodyTarget | None = None
    ) -> bool:
        return False


@admin.register(SigningText)
class SigningTextAdmin(admin.ModelAdmin):
    """Sentences offered to staff when they sign a body's document; `{amount}` is the amount."""

    list_display = ["code", "text", "text_en", "kinds", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "text", "text_en"]
    fields = ["code", "text", "text_en", "kinds", "position", "source", "is_active"]


class OutsideBodyInline(ReadOnlyInline):
    """The complaint's outside bodies, on the complaint's admin page."""

    model = OutsideBody
    fields = ["kind", "name", "their_reference", "received_at", "contact", "due_at", "result"]
    related = ("contact",)
