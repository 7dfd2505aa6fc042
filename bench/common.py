"""What every benchmark does first: a database of its own on PostgreSQL, then Django on it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def recreate_database(name: str) -> None:
    """Drop and create `name`, so a run never touches anyone else's data."""
    connection = psycopg2.connect(f"{PG}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()


def setup_django(name: str, **environ: str) -> None:
    """Point Django at database `name` (plus any environment given) and set it up."""
    os.environ["DATABASE_URL"] = f"{PG}/{name}"
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def run_seed_sql(sql: str, params: dict) -> float:
    """Run the seeding SQL, then ANALYZE so the planner sees the real sizes; returns seconds."""
    import time

    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # The case's department and assignee on its clocks and follow-ups, as the services that
        # make and move them keep them (complaints.services.ownership); rows already right are
        # left alone.
        for table in ("sla_clock", "complaints_followup"):
            cursor.execute(
                f"UPDATE {table} AS t SET case_department_id = c.department_id,"
                " case_assignee_id = c.assignee_id FROM complaints_complaint AS c"
                " WHERE c.id = t.complaint_id AND (t.case_department_id IS DISTINCT FROM"
                " c.department_id OR t.case_assignee_id IS DISTINCT FROM c.assignee_id)"
            )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started
