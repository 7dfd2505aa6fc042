from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Roles gain read access to deadlines and escalations, and everyone who works cases an inbox."""

    dependencies = [
        ("sla", "0006_escalation_schedule"),
        ("complaints", "0007_notification_body_html"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
