"""Reads of the seed procedures recorded on a case: agreements with their payments (issue 16 §3)
and quality referrals with their answers (§7), shaped once for the case page and the API."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from complaints.models import Agreement, AgreementPayment, QualityAnswer, QualityReferral


def agreements_with_payments() -> QuerySet[Agreement]:
    """Agreements with their decision, people (with their departments, as the pages name them),
    holder and payments: two queries for any number."""
    return Agreement.objects.select_related(
        "decision", "collected_by__department", "handed_over_by__department", "holder"
    ).prefetch_related(
        Prefetch(
            "payments",
            queryset=AgreementPayment.objects.select_related("paid_by__department").order_by(
                "paid_on", "id"
            ),
        )
    )


def quality_referrals_with_answers() -> QuerySet[QualityReferral]:
    """Referrals with who passed them on and their answers: two queries for any number."""
    return QualityReferral.objects.select_related("referred_by__department").prefetch_related(
        Prefetch(
            "answers",
            queryset=QualityAnswer.objects.select_related("recorded_by__department").order_by(
                "answered_on", "recorded_at", "id"
            ),
        )
    )
