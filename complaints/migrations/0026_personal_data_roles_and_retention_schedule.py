"""Grant the new permissions (legal hold; people's data requests) to their roles, and schedule the
nightly retention job with django-celery-beat (02:40, before the other nightly jobs).

Administrators can change or disable the schedule in the admin; this migration does not touch it
again.
"""

from django.conf import settings
from django.db import migrations

RETENTION = "complaints: anonymise cases past their retention period"


def grant_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="40",
        hour="2",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=RETENTION,
        defaults={
            "task": "complaints.tasks.anonymise_expired_cases_task",
            "crontab": nightly,
            "enabled": True,
            "description": (
                "Anonymise ended cases past COMPLAINTS_RETENTION_* (not those on legal hold), in "
                "batches; delete prepared personal-data exports past "
                "COMPLAINTS_RIGHTS_EXPORT_KEEP_DAYS."
            ),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=RETENTION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0025_caseevent_allow_redaction"),
        ("accounts", "0007_audit_actions_for_personal_data"),
        ("reports", "0005_snapshot_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
