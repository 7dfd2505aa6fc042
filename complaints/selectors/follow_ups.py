"""What the follow-up visits of a case say."""

from __future__ import annotations

from complaints.domain.follow_ups import FollowUpSummary
from complaints.models import Complaint


def follow_up_summary(*, complaint: Complaint) -> FollowUpSummary:
    """What the follow-ups of the current handling round say; the latest reached visit counts."""
    return complaint.follow_up_summary()
