"""Remember which notifications owe an e-mail, and resend those that never went (every 5 minutes).

Existing rows: the ones already e-mailed were due; the others are left alone (old news, and the
demo history was written with e-mail off on purpose).
"""

from django.db import migrations, models

RESEND = "complaints: send notification e-mails that never went"


def backfill_and_schedule(apps, schema_editor):
    Notification = apps.get_model("complaints", "Notification")
    Notification.objects.filter(emailed_at__isnull=False).update(email_due=True)
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=300, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=RESEND,
        defaults={
            "task": "complaints.tasks.resend_notification_emails_task",
            "interval": every_five_minutes,
            "expire_seconds": 300,
            "enabled": True,
            "description": "E-mail notifications whose e-mail was due but not sent, "
            "e.g. because the broker was down when they were created.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RESEND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_search_trigram_indexes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email_due",
            field=models.BooleanField(default=False, verbose_name="e-mail due"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_due", True), ("emailed_at__isnull", True)),
                fields=["created_at"],
                name="notification_email_unsent_idx",
            ),
        ),
        migrations.RunPython(backfill_and_schedule, unschedule),
    ]
