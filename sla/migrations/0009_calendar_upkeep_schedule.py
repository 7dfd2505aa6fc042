"""Schedule two calendar upkeep jobs with django-celery-beat.

- Every day at 00:05: load last, this and next year wherever an active calendar lacks one. It
  costs one query when nothing is missing, and on 1 January it loads the new "next year" at once
  instead of waiting for the monthly refresh. (Migrate, a worker start and a beat start do the same.)
- Every minute: re-plan the running deadlines over days that changed (sla.services.replanning).

Administrators can change or disable both in the admin; this migration does not touch them again.
"""

from django.conf import settings
from django.db import migrations

LOAD_YEARS = "sla: load missing calendar years"
REPLAN = "sla: re-plan deadlines after calendar changes"


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    after_midnight, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
        hour="0",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=LOAD_YEARS,
        defaults={
            "task": "sla.tasks.load_missing_calendar_years_task",
            "crontab": after_midnight,
            "enabled": True,
            "description": "Load last, this and next year into any active calendar that lacks one.",
        },
    )
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=REPLAN,
        defaults={
            "task": "sla.tasks.replan_after_calendar_changes_task",
            "interval": every_minute,
            "expire_seconds": 60,
            "enabled": True,
            "description": "Move running working-day deadlines over calendar days that changed.",
        },
    )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[LOAD_YEARS, REPLAN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0008_calendar_changes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
