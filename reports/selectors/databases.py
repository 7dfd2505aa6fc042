"""Which database the heavy report reads go to.

With DATABASE_REPLICA_URL set, settings add a "replica" database (a PostgreSQL streaming replica
of the primary). The exports read through `read_alias()`; the dashboard, report and snapshot
figures are counted inside `reads_from_replica()`: their queries are the heaviest reads in the
product and a replica a few seconds behind is good enough for them. Nothing else reads there: case pages, queues and every write stay
on the primary (config.db_routers keeps writes there even for rows read from the replica), so a
person never misses the change they just made.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from config.db_routers import REPLICA, reads_from_replica

__all__ = ["REPLICA", "read_alias", "reads_from_replica"]


def read_alias() -> str:
    """ "replica" when the deployment has one, else "default"."""
    return REPLICA if REPLICA in connections.settings else DEFAULT_DB_ALIAS
