"""Retention periods (个人信息保护法: personal data kept no longer than its purpose needs). Pure.

A period is written the way an operator thinks of it: `3y`, `18m`, `400d`, combinations such as
`2y6m`, or `never` (kept until someone erases it on request). Years and months are calendar
years and months: a case closed on 29 February is due on 28 February three years later.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

NEVER_WORDS = frozenset({"never", "off"})
_PART = re.compile(r"(\d+)\s*([ymd])")


class RetentionPeriodError(ValueError):
    """A period that cannot be read."""


@dataclass(frozen=True, slots=True)
class RetentionPeriod:
    years: int = 0
    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = [(self.years, "y"), (self.months, "m"), (self.days, "d")]
        return "".join(f"{count}{unit}" for count, unit in parts if count)

    def cutoff(self, now: datetime) -> datetime:
        """The moment a case must have ended before (on or before) to be due at `now`: `now` minus
        the period, in calendar terms, in `now`'s own time zone."""
        total_months = now.year * 12 + (now.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(total_months, 12)
        month += 1
        day = min(now.day, calendar.monthrange(year, month)[1])
        return now.replace(year=year, month=month, day=day) - timedelta(days=self.days)


def parse_retention_period(text: str) -> RetentionPeriod | None:
    """`3y` → RetentionPeriod(years=3); `never` (or `off`) → None.

    Raises RetentionPeriodError for anything else, naming what was given.
    """
    cleaned = (text or "").strip().lower()
    if cleaned in NEVER_WORDS:
        return None
    parts = _PART.findall(cleaned)
    if not parts or _PART.sub("", cleaned).strip():
        raise RetentionPeriodError(
            f"{text!r} is not a retention period: write e.g. 3y, 18m, 400d, 2y6m or never."
        )
    counts = {"y": 0, "m": 0, "d": 0}
    for count, unit in parts:
        counts[unit] += int(count)
    period = RetentionPeriod(years=counts["y"], months=counts["m"], days=counts["d"])
    if not (period.years or period.months or period.days):
        # Zero would anonymise every case the night it ends: surely a slip, not a policy.
        raise RetentionPeriodError(f"{text!r} is no time at all: write never to keep cases.")
    return period
