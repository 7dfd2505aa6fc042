"""The primary and its read replica (DATABASE_REPLICA_URL; settings install this router only then).

Nothing is routed to the replica by model: the heavy report reads ask for it explicitly
(`.using(reports.selectors.databases.read_alias())`), so the case pages, queues and every write
keep reading their own writes on the primary. This router only keeps the rest safe: every write
goes to the primary, even of a row that was read from the replica (Django would otherwise save it
back where it came from), and migrations run on the primary alone (the replica copies them).
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return None  # where the query says (the reports' selectors), else the primary

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows, a few moments apart

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
