from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def backfill_next_due(apps, schema_editor):
    """Existing cases get the earliest due time of their running clocks (unmet, not stopped or paused)."""
    Complaint = apps.get_model("complaints", "Complaint")
    Clock = apps.get_model("sla", "Clock")
    earliest = (
        Clock.objects.filter(
            complaint=OuterRef("pk"),
            met_at__isnull=True,
            cancelled_at__isnull=True,
            paused_at__isnull=True,
        )
        .order_by()
        .values("complaint")
        .annotate(earliest=Min("due_at"))
        .values("earliest")
    )
    Complaint.objects.update(next_due_at=Subquery(earliest))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_notification_body_html"),
        ("sla", "0007_role_permissions_for_sla_and_inbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="next_due_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="next deadline"
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["next_due_at"], name="complaint_next_due_idx"),
        ),
        migrations.RunPython(backfill_next_due, migrations.RunPython.noop),
    ]
