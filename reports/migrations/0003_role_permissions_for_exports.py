from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Department heads, complaint managers, senior management and auditors export complaints;
    complaint managers also download the exports other people asked for."""

    dependencies = [
        ("reports", "0002_export_jobs"),
        ("complaints", "0020_followup_web_survey"),
        ("sla", "0011_pause_reasons_per_target"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
