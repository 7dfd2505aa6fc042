"""Read queries of the reports: every figure is counted by the database (GROUP BY, aggregate
FILTER, percentile_cont), over the scope `report_scope_for` gives; one module per family."""

from reports.selectors.dashboard import Dashboard, dashboard_figures, dashboard_figures_cached
from reports.selectors.scope import ReportScope, report_scope_for

__all__ = [
    "Dashboard",
    "ReportScope",
    "dashboard_figures",
    "dashboard_figures_cached",
    "report_scope_for",
]
