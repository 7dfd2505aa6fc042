"""Schedule the daily purge of expired API idempotency keys (django-celery-beat, 03:10).

Administrators can change or disable it in the admin; this migration does not touch it again.
"""

from django.conf import settings
from django.db import migrations

PURGE = "complaints: forget expired API idempotency keys"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="10",
        hour="3",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=PURGE,
        defaults={
            "task": "complaints.tasks.purge_idempotency_keys_task",
            "crontab": nightly,
            "enabled": True,
            "description": "Delete Idempotency-Key records older than COMPLAINTS_API_IDEMPOTENCY_HOURS.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PURGE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_idempotency_keys"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
