"""Seed 004's procedures on a case, read-only: agreements (协议书) with their payments and quality
referrals with their answers (issue 16 §3, §7). Written by complaints.services.agreements and
complaints.services.quality only; the admin lists and shows them."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import ComplaintRecordAdmin, ReadOnlyInline
from complaints.models import Agreement, AgreementPayment, QualityAnswer, QualityReferral


class AgreementPaymentInline(ReadOnlyInline):
    model = AgreementPayment
    fields = ("paid_on", "amount", "method", "reference", "paid_by", "recorded_at", "note")
    related = ("paid_by",)
    show_change_link = False


@admin.register(Agreement)
class AgreementAdmin(ComplaintRecordAdmin):
    list_display = (
        "created_at",
        "complaint",
        "amount",
        "signed_on",
        "status",
        "holder",
        "handed_over_at",
        "collected_by",
    )
    list_filter = ("status",)
    list_select_related = ("complaint", "holder", "collected_by")
    search_fields = ("complaint__reference", "received_by_name")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = [AgreementPaymentInline]


class QualityAnswerInline(ReadOnlyInline):
    model = QualityAnswer
    fields = (
        "answered_on",
        "department",
        "finding",
        "supplier_contacted",
        "taken_off_sale",
        "returned_to_supplier",
        "compensated_by_supplier",
        "compensation_amount",
        "notes",
        "recorded_by",
    )
    related = ("recorded_by",)
    show_change_link = False


@admin.register(QualityReferral)
class QualityReferralAdmin(ComplaintRecordAdmin):
    list_display = ("referred_at", "complaint", "product", "supplier", "referred_by", "answered")
    list_select_related = ("complaint", "referred_by")
    search_fields = ("complaint__reference", "product", "product_code", "supplier")
    date_hierarchy = "referred_at"
    ordering = ("-referred_at", "-id")
    inlines = [QualityAnswerInline]

    @admin.display(description=_("answers"))
    def answered(self, referral: QualityReferral) -> int:
        return referral.answers.count()


class AgreementInline(ReadOnlyInline):
    model = Agreement
    fields = ("created_at", "amount", "signed_on", "status", "holder", "handed_over_at")
    related = ("holder",)


class QualityReferralInline(ReadOnlyInline):
    model = QualityReferral
    fields = ("referred_at", "product", "product_code", "supplier", "referred_by")
    related = ("referred_by",)
