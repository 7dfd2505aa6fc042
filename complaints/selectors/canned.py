"""Canned replies (标准答复, issue 18 §3) offered on a case, filled from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.domain.canned import fill
from complaints.models import CannedReply, Complaint, Decision


@dataclass(frozen=True)
class FilledReply:
    """A canned reply as offered on one case: its text with the case's values in."""

    id: int
    title: str
    language: str
    category: str
    text: str


def canned_replies_fitting(*, complaint: Complaint) -> QuerySet[CannedReply]:
    """The active canned replies for the case's category, its parent category, or any category."""
    fits = Q(category__isnull=True)
    if complaint.category_id:
        fits |= Q(category_id=complaint.category_id)
        if complaint.category is not None and complaint.category.parent_id:
            fits |= Q(category_id=complaint.category.parent_id)
    return CannedReply.objects.filter(fits, is_active=True).select_related("category")


def _date(day: date | None, language: str) -> str:
    if day is None:
        return ""
    if language == CannedReply.Language.EN:
        return f"{day.day} {day:%B} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def _amount(amount: Decimal | None, language: str) -> str:
    if amount is None:
        return ""
    text = f"{amount:,.2f}"
    return f"¥{text}" if language == CannedReply.Language.EN else f"{text} 元"


def canned_values(
    *, complaint: Complaint, decision: Decision | None, language: str
) -> dict[str, str]:
    """The placeholders' values for the case, written the way `language` writes them."""
    decided = (
        timezone.localdate(decision.approved_at) if decision and decision.approved_at else None
    )
    return {
        "customer_name": complaint.customer.name,
        "reference": complaint.reference,
        "received_date": _date(timezone.localdate(complaint.received_at), language),
        "decision_date": _date(decided, language),
        "amount": _amount(decision.amount, language) if decision else "",
    }


def canned_replies_for_case(*, complaint: Complaint) -> list[FilledReply]:
    """Every canned reply that fits the case, filled; two queries (replies, last decision), one
    when none fits.

    The customer's language first, then the others; a reply whose text no longer parses (edited
    outside the admin) is left out rather than shown broken.
    """
    preferred = complaint.customer.language or "zh-hans"
    rows = sorted(
        canned_replies_fitting(complaint=complaint),
        key=lambda reply: (reply.language != preferred, reply.sort_order, reply.title),
    )
    if not rows:
        return []
    decision = (
        complaint.decisions.filter(state=Decision.Status.APPROVED)
        .order_by("-approved_at", "-id")
        .first()
    )
    values = {
        language: canned_values(complaint=complaint, decision=decision, language=language)
        for language in CannedReply.Language.values
    }
    offered: list[FilledReply] = []
    for reply in rows:
        try:
            text = fill(reply.body, values[reply.language])
        except ValueError:
            continue
        offered.append(
            FilledReply(
                id=reply.pk,
                title=reply.title,
                language=reply.language,
                category=reply.category.local_name if reply.category else "",
                text=text,
            )
        )
    return offered
