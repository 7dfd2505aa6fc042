"""The chart contract lives with the services (the report's document and snapshots build charts
too); the pages import it from here as before."""

from reports.services.charts import chart

__all__ = ["chart"]
