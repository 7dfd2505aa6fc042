"""Schedule the report snapshots with django-celery-beat (local time of settings.TIME_ZONE):

- last month's at 06:00 on the 1st of every month;
- last quarter's at 06:30 on the 1st of January, April, July and October.

Both run on the `reports` queue (config.settings routes reports.tasks.*). Building twice changes
nothing (one snapshot per period and scope), so a re-run after an outage is harmless.
Administrators can change or disable the schedules in the admin; this migration does not touch
them again.
"""

from django.conf import settings
from django.db import migrations

SCHEDULES = (
    (
        "reports: last month's snapshot",
        "reports.tasks.build_monthly_snapshot_task",
        {"minute": "0", "hour": "6", "day_of_month": "1", "month_of_year": "*"},
        "Freeze last month's complaint report and e-mail it to the managers.",
    ),
    (
        "reports: last quarter's snapshot",
        "reports.tasks.build_quarterly_snapshot_task",
        {"minute": "30", "hour": "6", "day_of_month": "1", "month_of_year": "1,4,7,10"},
        "Freeze last quarter's complaint report and e-mail it to the managers.",
    ),
)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when, description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*", timezone=settings.TIME_ZONE, **when
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "enabled": True,
                "queue": "reports",
                "description": description,
            },
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_rest in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_report_snapshots"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
