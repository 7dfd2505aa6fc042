"""The primary and its read replica (DATABASE_REPLICA_URL; settings install this router only then).

Nothing is routed to the replica by model: the heavy report reads ask for it, either explicitly
(`.using(reports.selectors.databases.read_alias())`, the exports) or by counting their figures
inside `reads_from_replica()` (the dashboard, the report page, the snapshots), so the case pages,
queues and every write keep reading their own writes on the primary. This router only keeps the rest safe: every write
goes to the primary, even of a row that was read from the replica (Django would otherwise save it
back where it came from), and migrations run on the primary alone (the replica copies them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Every read without a database of its own goes to the replica inside this block (when the
    deployment has one: without it this router is not installed and nothing changes)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        # Inside reads_from_replica(): the replica; else where the query says (the exports'
        # .using()), or the primary.
        return REPLICA if _replica_reads.get() else None

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows, a few moments apart

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
