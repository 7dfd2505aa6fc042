"""Grant the personal-injury record's permissions to their roles (issue 16 §1)."""

from django.db import migrations


def grant_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0043_injury_record"),
        # Every other app's models exist by then: the sync sets each role's whole list.
        ("sla", "0019_injury_checklist"),
        ("reports", "0009_snapshot_files_not_stored"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
