"""Report snapshots stop holding people's names and words (issue 15, §3): the repeat
complainants' table keeps customer ids and counts, the root causes' table the ids of the decisions
bearing each text; names and texts are read when the snapshot is read, and the XLSX files (which
held them) are no longer stored.

Snapshots built before this held the names and texts only. Each name is matched to the one
customer still bearing it (not anonymised); a name now borne by nobody (its customer was
anonymised) or by more than one customer is not kept and reads as the anonymisation's
placeholder. Each root cause is matched to the decisions approved around the period that still
bear it (none: the placeholder). Every stored snapshot XLSX is deleted from storage (the files are
built when downloaded or e-mailed from now on)."""

import contextlib
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import migrations


def _customer_of(Customer, name, found):
    if name not in found:
        matches = (
            list(
                Customer.objects.filter(name=name, anonymised_at__isnull=True).values_list(
                    "pk", flat=True
                )[:2]
            )
            if name
            else []
        )
        found[name] = matches[0] if len(matches) == 1 else None
    return found[name]


def _decisions_of(Decision, snapshot, text):
    if not text:
        return []
    return list(
        Decision.objects.filter(
            root_cause=text,
            state="approved",
            approved_at__date__gte=snapshot.period_start - timedelta(days=1),
            approved_at__date__lte=snapshot.period_end + timedelta(days=1),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _delete(name):
    if name:
        with contextlib.suppress(FileNotFoundError):
            default_storage.delete(name)


def names_to_ids(apps, schema_editor):
    ReportSnapshot = apps.get_model("reports", "ReportSnapshot")
    ReportSnapshotFile = apps.get_model("reports", "ReportSnapshotFile")
    Customer = apps.get_model("complaints", "Customer")
    Decision = apps.get_model("complaints", "Decision")
    found = {}
    for snapshot in ReportSnapshot.objects.order_by("pk").iterator():
        changed = False
        for document in snapshot.figures.values():
            for section in document.get("sections", []):
                for table in section.get("tables", []):
                    if table.get("id") == "repeat" and "customers" not in table:
                        table["customers"] = [
                            _customer_of(Customer, row[0], found) for row in table["rows"]
                        ]
                    elif table.get("id") == "root-causes" and "decisions" not in table:
                        table["decisions"] = [
                            _decisions_of(Decision, snapshot, row[0]) for row in table["rows"]
                        ]
                    else:
                        continue
                    for row in table["rows"]:
                        row[0] = None
                    changed = True
        if changed:
            snapshot.save(update_fields=["figures"])
        _delete(snapshot.file.name)
    for language_file in ReportSnapshotFile.objects.iterator():
        _delete(language_file.file.name)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_export_files_expire"),
        ("complaints", "0024_legal_hold_anonymisation_and_rights_requests"),
    ]

    operations = [migrations.RunPython(names_to_ids, migrations.RunPython.noop)]
