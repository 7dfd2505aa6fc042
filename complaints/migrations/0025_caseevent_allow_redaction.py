"""The timeline stays append-only on PostgreSQL, with one exception: anonymisation.

When a case's personal data is removed (complaints.services.retention), its events keep who did
what and when, and lose their free text: the comment becomes empty and keys are dropped from the
data. The trigger lets exactly that through, and only inside a transaction that announced it with
`SET LOCAL complaints.redact_timeline = 'on'` (complaints.timeline.events_redact). Deleting an
event, or any other change, is still refused, whoever asks.
"""

from django.db import migrations

ALLOW_REDACTION = """
CREATE OR REPLACE FUNCTION complaints_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND coalesce(current_setting('complaints.redact_timeline', true), '') = 'on'
        AND NEW.comment = ''
        AND OLD.data::jsonb @> NEW.data::jsonb
        AND NEW.id = OLD.id
        AND NEW.complaint_id = OLD.complaint_id
        AND NEW.kind = OLD.kind
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.at = OLD.at
        AND NEW.from_state = OLD.from_state
        AND NEW.to_state = OLD.to_state
        AND NEW.transition = OLD.transition
        AND NEW.customer_visible = OLD.customer_visible
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'complaints_caseevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION complaints_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_caseevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def allow_redaction(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_REDACTION, params=None)


def refuse_everything(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0024_legal_hold_anonymisation_and_rights_requests")]

    operations = [migrations.RunPython(allow_redaction, refuse_everything)]
