"""A customer's cases and their follow-up visits on indexes that answer their history, possible
duplicates and repeat mark without reading every case they ever had (thousands behind a
switchboard's number; bench/duplicates.py):

- complaint_customer_recv_idx (customer, received_at, id) replaces the foreign key's index on the
  customer: newest first, a scan stops after its page, and counts are index-only;
- followup_complaint_idx (complaint, at, id, with reached and satisfaction) replaces the foreign
  key's index on the complaint: one index-only probe per case for the satisfaction figures.

Each new index is made before the old one goes, so the look-ups always have one.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0052_inbound_email_error_code_and_mail_failed_notifications"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["customer", "received_at", "id"], name="complaint_customer_recv_idx"
            ),
        ),
        migrations.AlterField(
            model_name="complaint",
            name="customer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="complaints",
                to="complaints.customer",
                verbose_name="customer",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                fields=["complaint", "at", "id"],
                include=("reached", "satisfaction"),
                name="followup_complaint_idx",
            ),
        ),
        migrations.AlterField(
            model_name="followup",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="follow_ups",
                to="complaints.complaint",
                verbose_name="complaint",
            ),
        ),
    ]
