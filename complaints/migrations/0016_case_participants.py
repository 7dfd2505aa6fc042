"""Who worked on each case, so that they keep reading it after it left their hands (issue 12, 1.5).

Existing cases are filled from their records in one statement: the actors of the timeline entries
that are work (the kinds of `complaints.models.WORK_KINDS` as they are today), the current
assignee and receiver, and both people of every handoff. An earlier assignee who was replaced by a
plain re-assignment and never acted is not recoverable (the old entries name them as text only).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WORK_KINDS = (
    "created",
    "transition",
    "triaged",
    "assigned",
    "handoff",
    "note",
    "evidence",
    "decision_proposed",
    "decision_approved",
    "decision_rejected",
    "contact",
    "follow_up",
    "clocks_paused",
    "clocks_resumed",
)


def fill_from_records(apps, schema_editor):
    kinds = ", ".join(f"'{kind}'" for kind in WORK_KINDS)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""
        INSERT INTO complaints_caseparticipant (complaint_id, user_id)
        SELECT complaint_id, user_id FROM (
            SELECT complaint_id, actor_id AS user_id FROM complaints_caseevent
            WHERE actor_id IS NOT NULL AND kind IN ({kinds})
            UNION SELECT id, assignee_id FROM complaints_complaint WHERE assignee_id IS NOT NULL
            UNION SELECT id, received_by_id FROM complaints_complaint
            WHERE received_by_id IS NOT NULL
            UNION SELECT complaint_id, from_user_id FROM complaints_handoff
            WHERE from_user_id IS NOT NULL
            UNION SELECT complaint_id, to_user_id FROM complaints_handoff
            WHERE to_user_id IS NOT NULL
        ) AS worked
        """
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0015_customer_emails_and_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseParticipant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "complaint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participants",
                        to="complaints.complaint",
                        verbose_name="complaint",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "case participant",
                "verbose_name_plural": "case participants",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "complaint"), name="caseparticipant_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_from_records, migrations.RunPython.noop, elidable=True),
    ]
