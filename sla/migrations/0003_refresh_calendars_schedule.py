"""Schedule `refresh_calendars_task` with django-celery-beat: 03:30 on the 1st of every month.

Monthly rather than yearly: the State Council's notice for next year usually appears in
October-November and reaches the holidays package in a release after that; a monthly run loads it
soon after the package is upgraded, and the run on 1 January moves "current and next year" on. The
task only writes differences, so the extra runs cost nothing. Administrators can change or disable
the schedule in the admin; this migration does not touch it again.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "sla: refresh business calendars"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_month="1",
        month_of_year="*",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "sla.tasks.refresh_calendars_task",
            "crontab": crontab,
            "enabled": True,
            "description": "Load statutory days off and make-up working days for this year and next.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_default_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
