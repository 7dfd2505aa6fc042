"""Trigram indexes for free-text search on PostgreSQL (pg_trgm).

Searching a word anywhere in the reference, subject, description or customer name is a
`UPPER(column) LIKE UPPER('%word%')` (Django's icontains); without these indexes that reads every
row, seconds at a million cases. GIN trigram indexes on exactly those expressions let PostgreSQL
combine the four in one bitmap scan. They serve words of three characters or more (a trigram needs
three); shorter words still work, by scanning.

SQLite and other databases skip this migration: their search works the same, only without the
index. If the database user may not create the pg_trgm extension, the migration says so and skips
the indexes rather than failing the deploy; a DBA can run `CREATE EXTENSION pg_trgm` and migrate
this one again.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = {
    "complaint_reference_trgm_idx": ("complaints_complaint", "reference"),
    "complaint_subject_trgm_idx": ("complaints_complaint", "subject"),
    "complaint_description_trgm_idx": ("complaints_complaint", "description"),
    "customer_name_trgm_idx": ("complaints_customer", "name"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm is not available (%s); free-text search runs unindexed.", error)
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_purge_idempotency_keys_schedule")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
