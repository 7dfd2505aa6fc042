"""Schedule the escalation sweep (every minute) and the daily calendar alert with django-celery-beat.

The sweep's messages expire after 60 seconds: a sweep that waited that long in the queue is replaced
by the next one anyway. The alert runs at 08:30, when administrators start the day. Administrators
can change or disable both in the admin; this migration does not touch them again.
"""

from django.conf import settings
from django.db import migrations

SWEEP = "sla: sweep deadline clocks (reminders and escalations)"
ALERT = "sla: alert on unconfirmed calendar years"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={
            "task": "sla.tasks.sweep_clocks_task",
            "interval": every_minute,
            "expire_seconds": 60,
            "enabled": True,
            "description": "Queue the clocks whose reminder, breach or next escalation level is due.",
        },
    )
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="8",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=ALERT,
        defaults={
            "task": "sla.tasks.alert_provisional_calendar_years_task",
            "crontab": daily,
            "enabled": True,
            "description": "Notify superusers and complaint managers of unconfirmed calendar years.",
        },
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[SWEEP, ALERT]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0005_default_policies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
