"""Schedule beat's heartbeat every minute (django-celery-beat), read by /readyz.

Administrators can change or disable it in the admin; /readyz then reports the heartbeat stale.
"""

from django.db import migrations

HEARTBEAT = "health: beat heartbeat"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=HEARTBEAT,
        defaults={
            "task": "health.tasks.beat_heartbeat_task",
            "interval": every_minute,
            # A beat that nobody consumed for a minute is replaced by the next one.
            "expire_seconds": 60,
            "enabled": True,
            "description": "Record that beat and the sla worker run (read by /readyz).",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=HEARTBEAT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
