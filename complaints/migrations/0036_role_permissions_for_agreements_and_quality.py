"""Grant the permissions of issue 16 §3 and §7 to their roles (accounts.roles): agreements and the
payments against them, passing quality complaints to quality control and purchasing, and reading
those records."""

from django.db import migrations


def grant_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_role_permissions_for_outside_bodies"),
        ("complaints", "0035_agreements_and_quality_referrals"),
        ("reports", "0009_snapshot_files_not_stored"),
        ("sla", "0017_duty_manager_rota"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
