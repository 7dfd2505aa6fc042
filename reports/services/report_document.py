"""A report as a document: its tables and charts as plain data (JSON) in the active language.

One shape for every reader: the report page renders it, the CSV and XLSX downloads write its
tables, and a snapshot freezes it (one per language) so a past report reads as it was.

A table: {"id", "title", "note", "columns": [heading, ...], "formats": [format, ...],
"rows": [[cell, ...], ...], "chart": chart dict or None}. Cells are text or numbers (None: no
figure); a format says how a column's numbers read: "text", "int", "dec1" (one decimal),
"pct" (a percentage, 0-100), "money" (CNY), "change" (a difference, signed). Two tables carry
what their first column is read from, row by row: the repeat complainants their customer ids
("customers"), the root causes the ids of the decisions bearing each text ("decisions", added by
a snapshot); a snapshot stores those and not the names and texts (reports.services.snapshots).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from complaints.models import Channel, Outcome, Remedy, State
from reports.domain import ReportPeriod, add_months
from reports.selectors.report import (
    CLOSE_BUCKETS,
    REFERRAL_CHANNELS,
    GroupRow,
    PeriodFigures,
    Report,
)
from reports.selectors.volume import Share
from reports.services.charts import chart
from sla.models import Stage

Table = dict[str, Any]

CLOSE_LABELS = {
    "3wd": gettext_lazy("Within 3 working days"),
    "5wd": gettext_lazy("Within 5 working days"),
    "15d": gettext_lazy("Within 15 days"),
    "30d": gettext_lazy("Within 30 days"),
    "beyond": gettext_lazy("More than 30 days"),
}
DIMENSION_TITLES = {
    "category": gettext_lazy("By category"),
    "channel": gettext_lazy("By channel"),
    "department": gettext_lazy("By department"),
    "region": gettext_lazy("By region"),
    "severity": gettext_lazy("By severity"),
}
DIMENSION_COLUMNS = {
    "category": gettext_lazy("Category"),
    "channel": gettext_lazy("Channel"),
    "department": gettext_lazy("Department"),
    "region": gettext_lazy("Region"),
    "severity": gettext_lazy("Severity"),
}
RISING_TITLES = {
    "category": gettext_lazy("Rising categories"),
    "product": gettext_lazy("Rising products and services"),
    "region": gettext_lazy("Rising regions"),
}


def period_label(period: ReportPeriod) -> str:
    """ "2026年9月" / "September 2026", "2026年第3季度" / "Q3 2026", "2026年", or the dates."""
    if period.kind == "month":
        return formats.date_format(period.first, "YEAR_MONTH_FORMAT")
    if period.kind == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": period.quarter, "year": period.first.year}
    if period.kind == "year":
        return _("Year %(year)s") % {"year": period.first.year}
    return _("%(first)s to %(last)s") % {
        "first": formats.date_format(period.first, "SHORT_DATE_FORMAT"),
        "last": formats.date_format(period.last, "SHORT_DATE_FORMAT"),
    }


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _ratio(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _money(amount: Decimal) -> float:
    return float(round(amount, 2))


# Decimal places a figure is shown with: its change is the difference of the shown values.
_PLACES = {"int": 0, "dec1": 1, "pct": 1, "money": 2}


def _change(
    current: float | int | None, previous: float | int | None, fmt: str = "money"
) -> float | None:
    if current is None or previous is None:
        return None
    places = _PLACES.get(fmt, 2)
    return round(round(float(current), places) - round(float(previous), places), places)


def _table(
    table_id: str,
    title: Any,
    columns: list[tuple[Any, str]],
    rows: list[list[Any]],
    *,
    note: str = "",
    empty: str = "",
    chart_data: dict[str, Any] | None = None,
) -> Table:
    return {
        "id": table_id,
        "title": str(title),
        "note": str(note),
        "empty": str(empty or _("Nothing in this period.")),
        "columns": [str(heading) for heading, _format in columns],
        "formats": [fmt for _heading, fmt in columns],
        "rows": rows,
        "chart": chart_data,
    }


def _headline(figures: PeriodFigures) -> list[tuple[str, str, Any]]:
    """(label, format, value) of the comparison's lines for one period."""
    durations = figures.durations
    sat = figures.satisfaction
    rates = figures.rates
    return [
        (_("Complaints received"), "int", figures.intake.received),
        (_("Referred by an outside body"), "int", figures.intake.referred),
        (_("Complaints closed"), "int", rates.closed),
        (_("Deadlines met on time (%)"), "pct", _pct(figures.compliance_rate)),
        (_("First response, median (hours)"), "dec1", durations.first_response_hours.median),
        (_("Decision, median (working days)"), "dec1", durations.decision_working_days.median),
        (_("Closing, median (working days)"), "dec1", durations.close_working_days.median),
        (_("Closing, 90th percentile (working days)"), "dec1", durations.close_working_days.p90),
        (_("Mean satisfaction (1–5)"), "dec1", sat.mean_score),
        (_("Satisfied, of customers reached (%)"), "pct", _pct(sat.satisfied_share)),
        (_("Follow-ups that reached the customer (%)"), "pct", _pct(sat.response_rate)),
        (_("Closed cases reopened (%)"), "pct", _pct(rates.reopen_rate)),
        (_("Closed cases that were escalated (%)"), "pct", _pct(rates.escalation_rate)),
        (_("Approved decisions"), "int", figures.decisions.total),
        (_("Compensation (CNY)"), "money", _money(figures.redress.compensation)),
        (
            _("Goodwill: gifts and financial assistance (CNY)"),
            "money",
            _money(figures.redress.goodwill),
        ),
        (_("All redress (CNY)"), "money", _money(figures.redress.total)),
    ]


def _comparison(report: Report) -> Table:
    rows = []
    for (label, fmt, now), (_label, _fmt, before) in zip(
        _headline(report.current), _headline(report.previous), strict=True
    ):
        rows.append(
            [
                label,
                {"format": fmt, "value": now},
                {"format": fmt, "value": before},
                {"format": "change", "value": _change(now, before, fmt)},
            ]
        )
    return _table(
        "comparison",
        _("This period and the one before"),
        [
            (_("Figure"), "text"),
            (period_label(report.current.period), "mixed"),
            (period_label(report.previous.period), "mixed"),
            (pgettext("comparison", "Change"), "mixed"),
        ],
        rows,
        note=_(
            "Change: this period minus the one before, in the figure's unit (percentage points "
            "for a percentage)."
        ),
    )


def _deadlines(report: Report) -> Table:
    rows = []
    for stage in Stage.values:
        now = report.current.compliance[stage]
        before = report.previous.compliance[stage]
        rows.append(
            [
                str(Stage(stage).label),
                now.on_time,
                now.late,
                now.breached_open,
                _pct(now.rate),
                _pct(before.rate),
            ]
        )
    return _table(
        "deadlines",
        _("Deadlines by stage clock"),
        [
            (_("Stage clock"), "text"),
            (_("Met on time"), "int"),
            (_("Met late"), "int"),
            (_("Missed, not met by the period's end"), "int"),
            (_("On-time rate (%)"), "pct"),
            (_("On-time rate before (%)"), "pct"),
        ],
        rows,
        note=_(
            "Clocks met in the period on time or late, and clocks whose deadline passed in the "
            "period without being met by its end. Clocks stopped unmet (rejected, withdrawn) are "
            "left out."
        ),
    )


def _durations(report: Report) -> Table:
    durations = report.current.durations
    rows = []
    for label, unit, figures in (
        (_("First response"), _("hours"), durations.first_response_hours),
        (_("Decision"), _("working days"), durations.decision_working_days),
        (_("Closing"), _("working days"), durations.close_working_days),
    ):
        rows.append([f"{label} ({unit})", figures.count, figures.mean, figures.median, figures.p90])
    return _table(
        "durations",
        _("Time taken"),
        [
            (_("From receipt to"), "text"),
            (_("Cases"), "int"),
            (_("Mean"), "dec1"),
            (_("Median"), "dec1"),
            (_("90th percentile"), "dec1"),
        ],
        rows,
        note=_(
            "For the cases whose step fell in the period. Working days: the day of receipt is "
            "not counted. Waits are included."
        ),
    )


def _outcomes(report: Report) -> Table:
    now, before = report.current.decisions, report.previous.decisions
    rows = [
        [
            str(Outcome(o).label),
            now.by_outcome[o],
            _ratio(now.by_outcome[o], now.total),
            before.by_outcome[o],
        ]
        for o in Outcome.values
    ]
    return _table(
        "outcomes",
        _("Outcome of the approved decisions"),
        [
            (_("Outcome"), "text"),
            (_("Decisions"), "int"),
            (_("Share (%)"), "pct"),
            (_("Decisions before"), "int"),
        ],
        rows,
        note=_("Decisions approved in the period; a reopened case's new decision counts too."),
    )


def _remedies(report: Report) -> Table:
    now, before = report.current.redress.by_remedy, report.previous.redress.by_remedy
    zero = (0, Decimal(0))
    rows: list[list[Any]] = [
        [
            str(Remedy(r).label),
            now.get(r, zero)[0],
            _money(now.get(r, zero)[1]),
            before.get(r, zero)[0],
            _money(before.get(r, zero)[1]),
        ]
        for r in Remedy.values
        if r in now or r in before
    ]
    rows.sort(key=lambda row: (-row[1], -row[3]))
    return _table(
        "remedies",
        _("Remedies of the approved decisions"),
        [
            (_("Remedy"), "text"),
            (_("Decisions"), "int"),
            (_("Amount (CNY)"), "money"),
            (_("Decisions before"), "int"),
            (_("Amount before (CNY)"), "money"),
        ],
        rows,
        empty=_("No decision approved in this period."),
    )


def _root_causes(report: Report) -> Table:
    without = report.current.decisions.without_root_cause
    return _table(
        "root-causes",
        _("Root causes"),
        [(_("Root cause as written"), "text"), (_("Decisions"), "int")],
        [[text, n] for text, n in report.root_causes],
        note=_(
            "The root cause is free text on the decision: the texts written most often (the "
            "same words counted together). %(without)s approved decisions gave none."
        )
        % {"without": without},
        empty=_("No root cause written in this period."),
    )


def _closed_within(report: Report) -> Table:
    now, before = report.current.closed_within, report.previous.closed_within
    total = sum(now.values())
    rows, running = [], 0
    for key, _limit, _unit in CLOSE_BUCKETS:
        running += now[key]
        rows.append([str(CLOSE_LABELS[key]), now[key], _ratio(running, total), before[key]])
    return _table(
        "closed-within",
        _("How soon complaints were closed"),
        [
            (_("Closed"), "text"),
            (_("Complaints"), "int"),
            (_("So far (%)"), "pct"),
            (_("Complaints before"), "int"),
        ],
        rows,
        note=_(
            "Complaints closed in the period, by the time from receipt: each row takes those not "
            "in the rows above it. Working days as the deadlines count them; days are calendar "
            "days from the day of receipt."
        ),
    )


def _referrals(report: Report) -> Table:
    now, before = report.current.intake, report.previous.intake
    rows = [
        [str(Channel(c).label), now.referrals[c], before.referrals[c]] for c in REFERRAL_CHANNELS
    ]
    rows.append(
        [_("Other channel, regulator involved"), now.regulator_involved, before.regulator_involved]
    )
    return _table(
        "referrals",
        _("External referrals"),
        [(_("Referred by"), "text"), (_("Complaints"), "int"), (_("Complaints before"), "int")],
        rows,
        note=_(
            "Complaints received in the period through a regulator, a consumer association, a "
            "government department or a lawyer, or marked as involving a regulator."
        ),
    )


def _by_state(report: Report) -> Table:
    by_state = report.current.intake.by_state
    return _table(
        "by-state",
        _("Where the complaints received are now"),
        [(_("Stage"), "text"), (_("Complaints"), "int")],
        [[str(State(s).label), by_state[s]] for s in State.values if by_state[s]],
    )


def _merge(current: list[Share], previous: list[Share]) -> list[tuple[str, int, int]]:
    before = {share.key: share for share in previous}
    rows = [
        (s.label or _("Not given"), s.count, before.pop(s.key).count if s.key in before else 0)
        for s in current
    ]
    rows += [(s.label or _("Not given"), 0, s.count) for s in before.values()]
    return rows


def _breakdowns(report: Report) -> list[Table]:
    tables = []
    now_label = period_label(report.current.period)
    before_label = period_label(report.previous.period)
    for dimension, shares in report.current.breakdowns.items():
        rows = _merge(shares, report.previous.breakdowns[dimension])
        tables.append(
            _table(
                f"breakdown-{dimension}",
                DIMENSION_TITLES[dimension],
                [(DIMENSION_COLUMNS[dimension], "text"), (now_label, "int"), (before_label, "int")],
                [list(row) for row in rows],
                empty=_("No complaint received in this period."),
                chart_data=chart(
                    f"report-{dimension}",
                    "bar",
                    _("Complaints received, %(what)s")
                    % {"what": str(DIMENSION_COLUMNS[dimension])},
                    [row[0] for row in rows],
                    [
                        (now_label, [row[1] for row in rows]),
                        (before_label, [row[2] for row in rows]),
                    ],
                    label_heading=str(DIMENSION_COLUMNS[dimension]),
                )
                if rows
                else None,
            )
        )
    return tables


def _trend(report: Report) -> Table:
    rows: list[list[Any]] = [
        [formats.date_format(month, "YEAR_MONTH_FORMAT"), n] for month, n in report.trend
    ]
    last = report.trend[-1][0] if report.trend else report.period.first
    first = report.trend[0][0] if report.trend else report.period.first
    return _table(
        "trend",
        _("Volume, twelve months to the period's end"),
        [(_("Month"), "text"), (pgettext("complaints counted", "Received"), "int")],
        rows,
        note=_("%(first)s to %(last)s")
        % {
            "first": formats.date_format(first, "YEAR_MONTH_FORMAT"),
            "last": formats.date_format(
                min(add_months(last, 1) - timedelta(days=1), report.period.last),
                "YEAR_MONTH_FORMAT",
            ),
        },
        chart_data=chart(
            "report-trend",
            "line",
            _("Complaints received per month"),
            [row[0] for row in rows],
            [(pgettext("complaints counted", "Received"), [row[1] for row in rows])],
            label_heading=_("Month"),
        ),
    )


def _rising(report: Report) -> list[Table]:
    rule = report.rule
    note = _(
        "Rising: at least %(cases)s complaints in the period, and at least %(percent)s%% more "
        "than both the period before and the same days a year earlier (from none counts as a "
        "rise)."
    ) % {"cases": rule.min_cases, "percent": rule.min_percent}
    tables = []
    for dimension, items in report.rising.items():
        rows = [
            [
                item.label,
                item.current,
                item.previous,
                _("from none")
                if item.rise_on_previous is None
                else round(item.rise_on_previous, 1),
                item.year_ago,
                _("from none")
                if item.rise_on_year_ago is None
                else round(item.rise_on_year_ago, 1),
            ]
            for item in items
        ]
        tables.append(
            _table(
                f"rising-{dimension}",
                RISING_TITLES[dimension],
                [
                    (_("Name"), "text"),
                    (_("This period"), "int"),
                    (_("The period before"), "int"),
                    (_("Rise (%)"), "pct"),
                    (_("A year earlier"), "int"),
                    (_("Rise (%)"), "pct"),
                ],
                rows,
                note=note,
                empty=_("Nothing rising."),
            )
        )
    return tables


def _repeat(report: Report) -> Table:
    """The repeat complainants by name, with their customer ids beside the rows (`customers`):
    a snapshot keeps the ids and the counts only, and reads the names when it is read."""
    table = _table(
        "repeat",
        _("Repeat complainants"),
        [(_("Customer"), "text"), (_("Complaints"), "int")],
        [[item.name, item.complaints] for item in report.repeat],
        note=_(
            "Customers with more than %(count)s complaints in the %(days)s days to the period's end."
        )
        % {"count": report.repeat_threshold, "days": report.repeat_days},
        empty=_("No repeat complainant."),
    )
    table["customers"] = [item.customer_id for item in report.repeat]
    return table


def _group(table_id: str, title: Any, heading: Any, rows: list[GroupRow], nobody: str) -> Table:
    return _table(
        table_id,
        title,
        [
            (heading, "text"),
            (pgettext("complaints counted", "Received"), "int"),
            (_("Closed"), "int"),
            (_("On-time rate (%)"), "pct"),
            (_("Median working days to close"), "dec1"),
            (_("Mean satisfaction (1–5)"), "dec1"),
            (_("Reopened"), "int"),
        ],
        [
            [
                row.label or nobody,
                row.received,
                row.closed,
                _pct(row.on_time_rate),
                row.median_days,
                row.satisfaction,
                row.reopened,
            ]
            for row in rows
        ],
        note=_(
            "Received: complaints received in the period. Closed, median working days to close "
            "and reopened: of the complaints closed in the period (reopened: handled a second "
            "time). On-time rate: deadline clocks of the period met on time. Satisfaction: "
            "follow-ups of the period. A case counts where it is now."
        ),
    )


def _lost_property(report: Report) -> list[Table]:
    """The store's lost property of the period, as risk control presents it (seed 004 §五.2 F):
    where and at what local hour; the whole store, whatever the report's scope and filters."""
    figures = report.lost_property
    if figures is None:
        return []
    note = _("The whole store, by when the items were lost; not narrowed by the filters.")
    count = (_("Entries"), "int")
    by_department = _table(
        "lost_departments",
        _("Lost property by department"),
        [(_("Department"), "text"), count],
        [[label, n] for _pk, label, n in figures.by_department],
        note=note,
    )
    by_area = _table(
        "lost_areas",
        _("Lost property by place"),
        [(_("Place in the store"), "text"), count],
        [[area, n] for area, n in figures.by_area],
        note=note,
    )
    by_hour = _table(
        "lost_hours",
        _("Lost property by hour"),
        [(_("Hour"), "text"), count],
        [[f"{hour:02d}:00", n] for hour, n in enumerate(figures.by_hour)] if figures.total else [],
        note=note,
    )
    return [by_department, by_area, by_hour]


def report_document(report: Report, *, scope_label: str, filters: list[tuple[str, str]]) -> dict:
    """The report as plain data in the active language (see the module's docstring)."""
    current = report.current
    return {
        "title": _("Complaint report, %(period)s") % {"period": period_label(report.period)},
        "period": {
            "kind": report.period.kind,
            "first": report.period.first.isoformat(),
            "last": report.period.last.isoformat(),
            "label": period_label(report.period),
        },
        "previous": {
            "first": report.previous.period.first.isoformat(),
            "last": report.previous.period.last.isoformat(),
            "label": period_label(report.previous.period),
        },
        "as_of": report.now.isoformat(),
        # A period not over yet is counted up to the moment the report was read.
        "cut_at_now": current.span.end < current.period.span(timezone.get_default_timezone()).end,
        "scope": scope_label,
        "filters": [[str(name), str(value)] for name, value in filters],
        "sections": [
            {"title": pgettext("report section", "Summary"), "tables": [_comparison(report)]},
            {
                "title": _("Deadlines and time taken"),
                "tables": [_deadlines(report), _durations(report), _closed_within(report)],
            },
            {
                "title": _("Outcomes"),
                "tables": [_outcomes(report), _remedies(report), _root_causes(report)],
            },
            {
                "title": _("Complaints received"),
                "tables": [
                    _trend(report),
                    _by_state(report),
                    _referrals(report),
                    *_breakdowns(report),
                ],
            },
            {"title": _("Recurring problems"), "tables": [*_rising(report), _repeat(report)]},
            {
                "title": _("Departments and handlers"),
                "tables": [
                    _group(
                        "departments",
                        _("By department"),
                        _("Department"),
                        report.departments,
                        _("No department"),
                    ),
                    _group(
                        "handlers",
                        _("By handler"),
                        _("Handler"),
                        report.handlers,
                        _("Not assigned"),
                    ),
                ],
            },
            {"title": _("Lost property"), "tables": _lost_property(report)},
        ],
    }


def document_tables(document: dict) -> list[Table]:
    return [table for section in document["sections"] for table in section["tables"]]
