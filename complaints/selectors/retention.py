"""What the retention job reads: the ended cases past their period (complaints.services.retention)."""

from __future__ import annotations

from datetime import datetime

from complaints.models import RETENTION_CLOCKS, Complaint


def retention_due_ids(*, cutoffs: dict[str, datetime], limit: int) -> list[int]:
    """Ids of the cases that ended (state → its end time on or before the cutoff), still hold
    personal data and are not on legal hold; the longest-ended first within each state, at most
    `limit` in all. One query per state, each served by its partial index
    (complaint_retain_<state>_idx), which holds only the cases still waiting."""
    ids: list[int] = []
    for state, cutoff in cutoffs.items():
        if len(ids) >= limit:
            break
        ended_at = RETENTION_CLOCKS[state]
        ids.extend(
            Complaint.objects.filter(
                state=state,
                anonymised_at__isnull=True,
                legal_hold=False,
                **{f"{ended_at}__lte": cutoff},
            )
            .order_by(ended_at)
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
    return ids
