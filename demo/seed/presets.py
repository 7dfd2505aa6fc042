"""The market presets (README "Policy presets for other markets"), loaded inactive.

The demo company works in mainland China under the seeded policies; the other markets' presets are
there to look at and put in force from the admin (*SLA policies → Load a market preset*). Loading
again on a later run changes nothing, whatever was edited since.
"""

from __future__ import annotations

from sla.presets import PRESETS
from sla.services import preset_load


def ensure_market_presets() -> None:
    for market in PRESETS:
        preset_load(market=market)
