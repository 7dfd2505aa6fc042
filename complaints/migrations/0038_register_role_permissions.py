"""Grant the registers' permissions (legal documents received, lost property) to their roles."""

from django.db import migrations


def grant_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0037_registers"),
        ("accounts", "0012_audit_actions_for_registers"),
        # Every other app's models exist by then: the sync sets each role's whole list.
        ("sla", "0017_duty_manager_rota"),
        ("reports", "0009_snapshot_files_not_stored"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
