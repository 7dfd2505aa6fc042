"""Personal data (issue 15, §3): identity documents as an evidence kind (sensitive, like medical
records), the append-only log of every reveal of a masked contact detail, and its reading by
auditors. On PostgreSQL the database itself refuses to change or delete a logged reveal."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION complaints_contactreveal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'complaints_contactreveal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaints_contactreveal_append_only
    BEFORE UPDATE OR DELETE ON complaints_contactreveal
    FOR EACH ROW EXECUTE FUNCTION complaints_contactreveal_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS complaints_contactreveal_append_only ON complaints_contactreveal;
DROP FUNCTION IF EXISTS complaints_contactreveal_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def sync_roles(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0026_personal_data_roles_and_retention_schedule"),
        ("accounts", "0005_role_permissions_for_audit"),
        ("reports", "0005_snapshot_schedules"),
        ("sla", "0012_report_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="evidencefile",
            name="kind",
            field=models.CharField(
                choices=[
                    ("photo", "Photo"),
                    ("video", "Video"),
                    ("audio", "Audio recording"),
                    ("receipt", "Receipt or invoice"),
                    ("contract", "Contract"),
                    ("witness_statement", "Witness statement"),
                    ("medical_record", "Medical record"),
                    ("identity_document", "Identity document"),
                    ("police_report", "Police report"),
                    ("inspection_report", "Testing or appraisal report"),
                    ("agreement", "Agreement (协议书)"),
                    ("correspondence", "Correspondence"),
                    ("other", "Other"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="ContactReveal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
                ),
                (
                    "field",
                    models.CharField(
                        choices=[("phone", "Phone"), ("email", "E-mail"), ("address", "Address")],
                        max_length=20,
                        verbose_name="detail",
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("call_customer", "To call or text the customer"),
                            ("write_to_customer", "To send the customer a letter or an e-mail"),
                            ("confirm_identity", "To confirm who the customer is"),
                            ("visit_or_delivery", "To arrange a visit, a repair or a delivery"),
                            ("outside_body", "For a regulator, court, insurer or mediator"),
                            ("other", "Other (explain)"),
                        ],
                        max_length=30,
                        verbose_name="reason",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="explanation")),
                (
                    "ip_address",
                    models.GenericIPAddressField(
                        blank=True, null=True, verbose_name="client address"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "complaint",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="complaints.complaint",
                        verbose_name="complaint",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="complaints.customer",
                        verbose_name="customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact detail reveal",
                "verbose_name_plural": "contact detail reveals",
                "ordering": ["-at", "-id"],
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["-at", "-id"], name="contactreveal_at_idx"),
                    models.Index(fields=["actor", "-at"], name="contactreveal_actor_at_idx"),
                    models.Index(fields=["customer", "-at"], name="contactreveal_customer_at_idx"),
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
