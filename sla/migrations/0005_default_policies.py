"""The default SLA policies from the seeds (DESIGN.md "Deadlines"); administrators edit them after.

general: contact within 24 hours, investigation 3 and decision 5 working days from receipt, reply one
working day after the decision, follow-up visit within 3 working days of the reply. urgent and major
(injury, safety, public impact, large claims): contact within 2 hours, decision within 2 working
days. complex: more time to investigate and decide. Every policy sends a case still not settled 72
hours after receipt to senior management (三天以上仍不能协商处理).
"""

from django.db import migrations

H, WD = "hours", "working_days"
RECEIVED, DECIDED, REPLIED = "received", "decision_recorded", "reply_sent"

POLICIES = {
    "general": ("一般投诉", [24, 3, 5, 1, 3]),
    "complex": ("复杂投诉", [24, 5, 10, 1, 3]),
    "urgent": ("紧急投诉", [2, 1, 2, 1, 2]),
    "major": ("重大投诉", [2, 1, 2, 1, 2]),
}
STAGES = [
    ("first_response", H, RECEIVED),
    ("investigation", WD, RECEIVED),
    ("decision", WD, RECEIVED),
    ("reply", WD, DECIDED),
    ("follow_up", WD, REPLIED),
]


def create_policies(apps, schema_editor):
    policy_model = apps.get_model("sla", "SlaPolicy")
    target_model = apps.get_model("sla", "SlaTarget")
    apps.get_model("sla", "EscalationSettings").objects.get_or_create(pk=1)
    for severity, (name, amounts) in POLICIES.items():
        policy, created = policy_model.objects.get_or_create(
            code=f"default-{severity}", defaults={"name": name, "severity": severity}
        )
        if not created:
            continue
        for (stage, unit, start), amount in zip(STAGES, amounts, strict=True):
            target_model.objects.create(
                policy=policy, stage=stage, amount=amount, unit=unit, start_event=start
            )
        target_model.objects.create(
            policy=policy,
            stage="resolution",
            amount=72,
            unit=H,
            start_event=RECEIVED,
            reminder_percent=0,
            breach_level=3,
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_policies_clocks_escalations")]

    operations = [migrations.RunPython(create_policies, migrations.RunPython.noop)]
