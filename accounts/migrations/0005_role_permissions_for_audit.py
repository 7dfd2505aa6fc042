from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Read-only roles lose the view of people's accounts (administrators keep it); auditors read
    the audit log."""

    dependencies = [
        ("accounts", "0004_audit_log_and_sign_in_locks"),
        ("complaints", "0021_report_indexes"),
        ("reports", "0003_role_permissions_for_exports"),
        ("sla", "0012_report_indexes"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
