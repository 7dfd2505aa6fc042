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
    *,
    links: Sequence[str | None] | None = None,
    label_heading: str = "",
) -> dict[str, Any]:
    """{"id", "kind" (line | bar | pie), "title", "labels", "label_heading", "series": [{"name",
    "values", "links"}]}: `links` (to the cases behind each value) go with the first series."""
    return {
        "id": chart_id,
        "kind": kind,
        "title": str(title),
        "labels": [str(label) for label in labels],
        "label_heading": str(label_heading),
        "series": [
            {
                "name": str(name),
                "values": list(values),
                **({"links": [link or "" for link in links]} if links and not index else {}),
            }
            for index, (name, values) in enumerate(series)
        ],
    }
