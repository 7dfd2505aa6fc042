"""The chart contract of templates/reports/_chart.html: one dict per chart, plain data only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def chart(
    chart_id: str,
    kind: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> dict[str, Any]:
    """{"id", "kind" (line | bar | pie), "title", "labels", "series": [{"name", "values"}]}."""
    return {
        "id": chart_id,
        "kind": kind,
        "title": str(title),
        "labels": [str(label) for label in labels],
        "series": [{"name": str(name), "values": list(values)} for name, values in series],
    }
