"""Bring the business calendars up with the database: `migrate` loads the years deadlines need."""

from __future__ import annotations

import logging

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from sla.services import calendars_load_missing_years

logger = logging.getLogger(__name__)


def load_calendar_years_after_migrate(
    sender: AppConfig, *, using: str = DEFAULT_DB_ALIAS, **kwargs
) -> None:
    """After `migrate`, load last, this and next year into every active calendar lacking them.

    A fresh deployment follows the README (migrate, collectstatic, start the processes) and takes
    complaints at once; its first statutory deadline must already skip 国庆节 and 春节. Skipped when
    migrations are still outstanding (`migrate sla 0003`, a partial plan): the tables the service
    writes may not have their final shape yet.
    """
    if using != DEFAULT_DB_ALIAS:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    for summary in calendars_load_missing_years():
        loaded = ", ".join(str(year.year) for year in summary.years)
        logger.info("Loaded business calendar %s: %s", summary.calendar.code, loaded)
