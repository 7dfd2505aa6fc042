"""What a handling round's follow-up visits (回访) add up to; the latest visit that reached the
customer counts, and enough failed attempts let a case close without one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Visit(Protocol):
    reached: bool

    @property
    def is_satisfied(self) -> bool: ...

    @property
    def is_dissatisfied(self) -> bool: ...


@dataclass(frozen=True)
class FollowUpSummary:
    failed_attempts: int
    satisfied: bool
    dissatisfied: bool
    attempts_exhausted: bool


def summarize_follow_ups(visits: Sequence[Visit], *, max_attempts: int) -> FollowUpSummary:
    """`visits` in the order they happened."""
    reached = [visit for visit in visits if visit.reached]
    latest = reached[-1] if reached else None
    failed = sum(1 for visit in visits if not visit.reached)
    return FollowUpSummary(
        failed_attempts=failed,
        satisfied=bool(latest and latest.is_satisfied),
        dissatisfied=bool(latest and latest.is_dissatisfied),
        attempts_exhausted=latest is None and failed >= max_attempts,
    )
