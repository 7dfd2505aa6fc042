"""Tasks the broker could not take, kept until it can; queued again every minute by beat."""

from django.db import migrations, models

REQUEUE = "health: queue deferred tasks"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=REQUEUE,
        defaults={
            "task": "health.tasks.requeue_deferred_tasks_task",
            "interval": every_minute,
            "expire_seconds": 60,
            "enabled": True,
            "description": "Queue the tasks the broker could not take when they were due.",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REQUEUE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0002_beat_heartbeat_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeferredTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("task_name", models.CharField(max_length=200, verbose_name="task")),
                ("args", models.JSONField(default=list, verbose_name="arguments")),
                ("created_at", models.DateTimeField(verbose_name="created at")),
            ],
            options={"verbose_name": "deferred task", "verbose_name_plural": "deferred tasks"},
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
