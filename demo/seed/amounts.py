"""Amounts of money in the demo: what a resolution can come to, rounded the way people do."""

from __future__ import annotations

from demo import data


def amount_bounds(resolution: data.Resolution, claim: int) -> tuple[int, int]:
    """The amounts (CNY) a resolution can come to."""
    if resolution.share is not None:
        return int(claim * resolution.share[0]), int(claim * resolution.share[1])
    return resolution.amount


def max_amount(scenario: data.Scenario) -> int:
    claim = scenario.claim[1] if scenario.claim else 0
    return max(amount_bounds(resolution, claim)[1] for resolution in scenario.resolutions)


def round_amount(value: float) -> int:
    step = 1000 if value >= 50000 else 100 if value >= 2000 else 10
    return max(step, round(value / step) * step) if value > 0 else 0
