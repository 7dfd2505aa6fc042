from django.db import migrations


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    """Those who work cases record outside bodies (issue 16 §2); everyone reads them."""

    dependencies = [
        ("accounts", "0010_notification_email_only"),
        ("complaints", "0034_outside_body_defaults"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
