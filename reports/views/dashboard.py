"""The managers' dashboard: every figure of its scope, each with its table and its cases' link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, User
from complaints.models import EscalationLevel, Remedy, State
from reports.domain import AGE_BUCKETS, add_months
from reports.selectors import (
    Dashboard,
    ReportScope,
    dashboard_figures_cached,
    report_scope_for,
)
from reports.services.charts import chart
from reports.views.links import CaseLinks
from sla.models import Stage

AGE_LABELS = {
    "0-3": gettext_lazy("0–3 days"),
    "4-7": gettext_lazy("4–7 days"),
    "8-15": gettext_lazy("8–15 days"),
    "16-30": gettext_lazy("16–30 days"),
    "31+": gettext_lazy("More than 30 days"),
}
BREAKDOWN_TITLES = {
    "category": gettext_lazy("By category"),
    "channel": gettext_lazy("By channel"),
    "department": gettext_lazy("By department"),
    "region": gettext_lazy("By region"),
    "severity": gettext_lazy("By severity"),
}
BREAKDOWN_COLUMNS = {
    "category": gettext_lazy("Category"),
    "channel": gettext_lazy("Channel"),
    "department": gettext_lazy("Department"),
    "region": gettext_lazy("Region"),
    "severity": gettext_lazy("Severity"),
}
BREAKDOWN_CHART_TITLES = {
    "category": gettext_lazy("Complaints received this month by category"),
    "channel": gettext_lazy("Complaints received this month by channel"),
    "department": gettext_lazy("Complaints received this month by department"),
    "region": gettext_lazy("Complaints received this month by region"),
    "severity": gettext_lazy("Complaints received this month by severity"),
}
# Pie charts for the short fixed lists, bars for the long ones.
BREAKDOWN_KINDS = {"channel": "pie", "severity": "pie"}
BREAKDOWN_FILTERS = {
    "category": "category",
    "channel": "channel",
    "department": "department",
    "region": "region",
    "severity": "severity",
}
# A category's row counts the cases filed under it, not under its sub-categories (the rows add
# up to the month's total): its list leaves the sub-categories out too (the queue's category
# filter takes them in unless told). Departments are exact in both already.
BREAKDOWN_EXACT = {"category": {"category_only": "true"}}
RISING_TITLES = {
    "category": gettext_lazy("Categories"),
    "product": gettext_lazy("Products and services"),
    "region": gettext_lazy("Regions"),
}


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    scope = report_scope_for(user=user)
    if scope is None:
        raise PermissionDenied(_("The dashboard is for department heads and managers."))
    figures = dashboard_figures_cached(scope=scope)
    context = dashboard_context(figures, scope=scope, links=CaseLinks(scope))
    context["scope_label"] = _scope_label(scope)
    context["nav_active"] = "dashboard"
    context["can_start_actions"] = user.has_perm("complaints.manage_improvement_action")
    return render(request, "reports/dashboard.html", context)


def _scope_label(scope: ReportScope) -> str:
    if scope.everything:
        return _("Every department")
    names = sorted(
        department.local_name
        for department in Department.objects.filter(pk__in=scope.departments or [])
    )
    return "、".join(names) if names else _("No department")


def _actions_link(scope: ReportScope, status: str) -> str:
    """The improvement actions' list showing what a dashboard count counts: every department's
    for a dashboard of everything, else the head's department tab."""
    show = "all" if scope.everything else "department"
    return reverse("reports:improvement_list") + "?" + urlencode({"show": show, "status": status})


def dashboard_context(
    figures: Dashboard, *, scope: ReportScope, links: CaseLinks
) -> dict[str, Any]:
    periods = figures.periods
    today = periods.today
    month_first = periods.month_start.date()
    week_first = periods.week_start.date()
    backlog = figures.backlog

    states = [
        {
            "label": State(state).label,
            "count": backlog.by_state[state],
            "link": links.open(state=state),
        }
        for state in backlog.by_state
    ]
    levels = [
        {
            "label": EscalationLevel(level).label,
            "count": count,
            "link": links.open(escalation_level=level),
        }
        for level, count in backlog.by_level.items()
    ]
    ages = []
    for key, first, last in AGE_BUCKETS:
        after = today - timedelta(days=last) if last is not None else None
        ages.append(
            {
                "label": AGE_LABELS[key],
                "count": backlog.by_age[key],
                "link": links.open(
                    received_on_after=after.isoformat() if after else None,
                    received_on_before=(today - timedelta(days=first)).isoformat(),
                ),
            }
        )

    kpis = [
        {
            "id": "open",
            "label": _("Open cases"),
            "value": backlog.total,
            "link": links.open(),
        },
        {
            "id": "overdue",
            "label": _("Overdue"),
            "value": backlog.overdue,
            "link": links.open(overdue="true"),
            "alert": bool(backlog.overdue),
        },
        {
            "id": "escalated",
            "label": _("Escalated"),
            "value": sum(backlog.by_level.values()),
            "link": links.open(escalation_level=list(backlog.by_level)),
        },
        {
            "id": "new-today",
            "label": _("New today"),
            "value": figures.new.today,
            "link": links.received(today, today),
        },
        {
            "id": "new-week",
            "label": _("New this week"),
            "value": figures.new.week,
            "link": links.received(week_first, today),
        },
        {
            "id": "new-month",
            "label": _("New this month"),
            "value": figures.new.month,
            "link": links.received(month_first, today),
        },
        # Improvement actions (整改措施) of the scope's departments: still to do, and overdue.
        {
            "id": "actions-open",
            "label": _("Improvement actions to do"),
            "value": figures.actions.open,
            "link": _actions_link(scope, "live"),
        },
        {
            "id": "actions-overdue",
            "label": _("Improvement actions overdue"),
            "value": figures.actions.overdue,
            "link": _actions_link(scope, "overdue"),
            "alert": bool(figures.actions.overdue),
        },
    ]

    deadlines = []
    for stage in Stage.values:
        compliance = figures.compliance[stage]
        deadlines.append(
            {
                "label": Stage(stage).label,
                "overdue": figures.overdue_by_stage[stage],
                "overdue_link": links.overdue_clock(stage),
                "on_time": compliance.on_time,
                "on_time_link": links.clock(stage, "on_time", month_first, today),
                "late": compliance.late,
                "late_link": links.clock(stage, "late", month_first, today),
                "breached_open": compliance.breached_open,
                "breached_link": links.clock(stage, "breached", month_first, today),
                "rate": _percent(compliance.rate),
            }
        )
    on_time = sum(item.on_time for item in figures.compliance.values())
    counted = sum(item.total for item in figures.compliance.values())

    durations = figures.durations
    times = [
        {
            "label": _("First response"),
            "unit": _("hours"),
            "figures": durations.first_response_hours,
        },
        {
            "label": _("Decision"),
            "unit": _("working days"),
            "figures": durations.decision_working_days,
        },
        {"label": _("Closing"), "unit": _("working days"), "figures": durations.close_working_days},
    ]

    redress = [
        {"label": Remedy(remedy).label, "count": count, "amount": amount}
        for remedy, (count, amount) in sorted(
            figures.redress.by_remedy.items(), key=lambda item: -item[1][1]
        )
    ]

    trend_rows = []
    for month, count in figures.trend:
        last = min(add_months(month, 1) - timedelta(days=1), today)
        trend_rows.append(
            {
                "label": formats.date_format(month, "YEAR_MONTH_FORMAT"),
                "count": count,
                "link": links.received(month, last),
            }
        )
    trend_chart = chart(
        "chart-trend",
        "line",
        _("Complaints received per month"),
        [row["label"] for row in trend_rows],
        [(_("Received"), [row["count"] for row in trend_rows])],
        links=[row["link"] for row in trend_rows],
        label_heading=_("Month"),
    )

    breakdowns = []
    for dimension, shares in figures.breakdowns.items():
        rows = [
            {
                "label": share.label or _("Not given"),
                "count": share.count,
                "link": links.received(
                    month_first,
                    today,
                    **{BREAKDOWN_FILTERS[dimension]: share.key},
                    **BREAKDOWN_EXACT.get(dimension, {}),
                )
                if share.key
                else None,
            }
            for share in shares
        ]
        breakdowns.append(
            {
                "dimension": dimension,
                "title": BREAKDOWN_TITLES[dimension],
                "column": BREAKDOWN_COLUMNS[dimension],
                "rows": rows,
                "chart": chart(
                    f"chart-{dimension}",
                    BREAKDOWN_KINDS.get(dimension, "bar"),
                    str(BREAKDOWN_CHART_TITLES[dimension]),
                    [row["label"] for row in rows],
                    [(_("Received"), [row["count"] for row in rows])],
                    links=[row["link"] for row in rows],
                    label_heading=BREAKDOWN_COLUMNS[dimension],
                ),
            }
        )

    window_first = today - timedelta(days=figures.rule.window_days - 1)
    rising = []
    for dimension, items in figures.rising.items():
        rows = []
        for item in items:
            link = None
            if dimension in ("category", "region"):
                link = links.received(
                    window_first,
                    today,
                    **{dimension: item.key},
                    **BREAKDOWN_EXACT.get(dimension, {}),
                )
            rows.append(
                {
                    "label": item.label,
                    "current": item.current,
                    "previous": item.previous,
                    "year_ago": item.year_ago,
                    "rise_previous": item.rise_on_previous,
                    "rise_year_ago": item.rise_on_year_ago,
                    "link": link,
                    # Start an improvement action on this recurring problem (issue 18 §1).
                    "action_link": reverse("reports:improvement_new")
                    + "?"
                    + urlencode({dimension: item.key, "from": "report"})
                    if dimension in ("category", "product")
                    else None,
                }
            )
        rising.append({"dimension": dimension, "title": RISING_TITLES[dimension], "rows": rows})

    repeat = [
        {
            "name": item.name,
            "count": item.complaints,
            "link": reverse("customer_detail", args=[item.customer_id]),
        }
        for item in figures.repeat
    ]

    satisfaction = figures.satisfaction
    rates = figures.rates
    return {
        "figures": figures,
        "periods": periods,
        "month_first": month_first,
        "kpis": kpis,
        "states": states,
        "levels": levels,
        "ages": ages,
        "deadlines": deadlines,
        "compliance_rate": _percent(on_time / counted) if counted else None,
        "times": times,
        "satisfaction": satisfaction,
        "satisfied_share": _percent(satisfaction.satisfied_share),
        "response_rate": _percent(satisfaction.response_rate),
        "rates": rates,
        "reopen_rate": _percent(rates.reopen_rate),
        "escalation_rate": _percent(rates.escalation_rate),
        "redress": redress,
        "redress_totals": figures.redress,
        "trend_rows": trend_rows,
        "trend_chart": trend_chart,
        "breakdowns": breakdowns,
        "rule": figures.rule,
        "window_first": window_first,
        "rising": rising,
        "repeat": repeat,
        "repeat_threshold": figures.repeat_threshold,
        "repeat_days": figures.repeat_days,
        "age_chart": chart(
            "chart-ageing",
            "bar",
            _("Open cases by age"),
            [str(row["label"]) for row in ages],
            [(_("Cases"), [row["count"] for row in ages])],
            links=[row["link"] for row in ages],
            label_heading=_("Age"),
        ),
    }
