"""Those told of a quality referral or an off-sale order before they could read its case: they
become its participants, as complaints.timeline now makes them when they are told (the one rule
of accounts.selectors.department_contacts: the department's active head and members)."""

from django.conf import settings
from django.db import migrations


def _told(Department, User, code):
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        return []
    people = list(
        User.objects.filter(department=department, is_active=True).values_list("pk", flat=True)
    )
    if department.head_id and User.objects.filter(pk=department.head_id, is_active=True).exists():
        people.append(department.head_id)
    return sorted(set(people))


def asked_read(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    User = apps.get_model("accounts", "User")
    Participant = apps.get_model("complaints", "CaseParticipant")
    QualityReferral = apps.get_model("complaints", "QualityReferral")
    OffSaleOrder = apps.get_model("complaints", "OffSaleOrder")
    quality = _told(Department, User, settings.QUALITY_DEPARTMENT_CODE)
    purchasing = _told(Department, User, settings.PURCHASING_DEPARTMENT_CODE)
    pairs = set()
    for case in QualityReferral.objects.values_list("complaint_id", flat=True).distinct():
        pairs.update((case, person) for person in quality + purchasing)
    for case in OffSaleOrder.objects.values_list("body__complaint_id", flat=True).distinct():
        pairs.update((case, person) for person in purchasing)
    Participant.objects.bulk_create(
        [Participant(complaint_id=case, user_id=person) for case, person in sorted(pairs)],
        ignore_conflicts=True,
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_audit_actions_of_payments_and_registers"),
        ("complaints", "0040_outside_body_deadlines_like_clocks"),
    ]

    operations = [migrations.RunPython(asked_read, migrations.RunPython.noop)]
