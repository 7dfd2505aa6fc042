"""A snapshot's XLSX is built when it is downloaded or e-mailed, never stored (0008)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_snapshots_name_customers_by_id")]

    operations = [
        migrations.RemoveField(model_name="reportsnapshot", name="file"),
        migrations.DeleteModel(name="ReportSnapshotFile"),
    ]
