"""Pure rules of improvement actions (整改措施): which status moves are allowed, the periods the
effect check compares, and what the figures say. No ORM: tested without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

OPEN, IN_PROGRESS, DONE = "open", "in_progress", "done"
EFFECTIVE, NOT_EFFECTIVE = "effective", "not_effective"

# Allowed moves, as data: move -> (from statuses, to status). Verifying lands on effective or
# not effective, chosen by the verifier.
MOVES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "start": ((OPEN,), (IN_PROGRESS,)),
    "complete": ((OPEN, IN_PROGRESS), (DONE,)),
    "verify": ((DONE,), (EFFECTIVE, NOT_EFFECTIVE)),
}


def moves_from(status: str) -> list[str]:
    """The moves that start from `status`, in their order."""
    return [name for name, (sources, _targets) in MOVES.items() if status in sources]


@dataclass(frozen=True)
class EffectPeriods:
    """The local days compared: `days` days before the day the action was done, and as many after
    it. The day it was done is in neither: the change took effect during it."""

    before_first: date
    before_last: date
    after_first: date
    after_last: date

    @property
    def days(self) -> int:
        return (self.after_last - self.after_first).days + 1

    def check_possible_on(self, today: date) -> bool:
        """The effect can be judged once the period after is over (the day after its last)."""
        return today > self.after_last


def effect_periods(*, done_on: date, days: int) -> EffectPeriods:
    if days < 1:
        raise ValueError("the periods compared are at least one day long")
    return EffectPeriods(
        before_first=done_on - timedelta(days=days),
        before_last=done_on - timedelta(days=1),
        after_first=done_on + timedelta(days=1),
        after_last=done_on + timedelta(days=days),
    )


def effect_change_percent(*, before: int, after: int) -> float | None:
    """How much the complaints changed, in % of the period before (None: none before)."""
    if before == 0:
        return None
    return round(100 * (after - before) / before, 1)


def effect_fell(*, before: int, after: int) -> bool:
    """Whether complaints fell: fewer after than before (none before: nothing could fall, and
    none after either counts as not rising, so only a fall is a fall)."""
    return after < before
