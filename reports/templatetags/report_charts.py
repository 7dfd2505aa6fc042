"""The chart component's table: the same figures as the chart, as text (its text alternative).

A chart is a plain dict (templates/reports/_chart.html says which keys); the table reads it by row
(one label) and column (one series), which the template language cannot index by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()

KINDS = ("line", "bar", "pie")


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    link: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    cells: list[Cell]


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


@register.simple_tag
def chart_rows(chart: dict[str, Any]) -> list[Row]:
    """One row per label with each series' value (and its link to the cases, when given)."""
    if chart.get("kind") not in KINDS:
        raise template.TemplateSyntaxError(f"unknown chart kind: {chart.get('kind')!r}")
    labels = list(chart["labels"])
    series = chart["series"]
    for one in series:
        if len(one["values"]) != len(labels):
            raise template.TemplateSyntaxError(
                f"chart {chart['id']!r}: series {one['name']!r} has {len(one['values'])} values "
                f"for {len(labels)} labels"
            )
    return [
        Row(
            label=str(label),
            cells=[
                Cell(
                    text=_number(one["values"][index]),
                    link=(one.get("links") or [""] * len(labels))[index] or "",
                )
                for one in series
            ],
        )
        for index, label in enumerate(labels)
    ]


@register.simple_tag
def report_cell(value: Any, fmt: str) -> str:
    """A report table's cell as text (reports.services.report_document says the formats); a
    comparison cell is a dict carrying its own format."""
    if isinstance(value, dict):
        value, fmt = value.get("value"), value.get("format", "text")
    if value is None:
        return "–"
    if fmt == "text" or isinstance(value, str):
        return str(value)
    if fmt == "int":
        return number_format(int(value), use_l10n=True, force_grouping=True)
    if fmt == "money":
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    if fmt == "pct":
        return number_format(value, decimal_pos=1, use_l10n=True) + "%"
    if fmt == "change":
        sign = "+" if value > 0 else ""
        places = 0 if float(value).is_integer() else 2 if round(value, 1) != value else 1
        return sign + number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)


@register.filter
def is_number_column(fmt: str) -> bool:
    return fmt != "text"
