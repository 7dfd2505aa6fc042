"""On PostgreSQL the database itself refuses to change or delete timeline rows.

The model and its queryset already refuse; this also stops raw SQL and other programs, which is
what an auditor relies on. Other databases get only the model-level guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION complaints_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_caseevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaints_caseevent_append_only
    BEFORE UPDATE OR DELETE ON complaints_caseevent
    FOR EACH ROW EXECUTE FUNCTION complaints_caseevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS complaints_caseevent_append_only ON complaints_caseevent;
DROP FUNCTION IF EXISTS complaints_caseevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_role_groups")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
