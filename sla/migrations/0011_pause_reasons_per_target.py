"""Which pauses stop which clock: a property of each stage target (issue 12 §1.1).

Before this, every pause stopped every running clock. Existing targets get the defaults stated in
README "Pauses" (copied here, so later edits of sla.models.DEFAULT_PAUSE_REASONS do not rewrite
history): handling clocks stop for every wait, the reply and the follow-up visit only while the
customer cannot be reached, the first response and the 72-hour settlement alert for none.
"""

from django.db import migrations, models

import sla.models.policies

EVERY_WAIT = [
    "waiting_customer",
    "testing_appraisal",
    "insurer",
    "consumer_association",
    "regulator",
    "other",
]
DEFAULTS = {
    "first_response": [],
    "investigation": EVERY_WAIT,
    "decision": EVERY_WAIT,
    "reply": ["waiting_customer", "other"],
    "follow_up": ["waiting_customer", "other"],
    "resolution": [],
}


def set_defaults(apps, schema_editor):
    target_model = apps.get_model("sla", "SlaTarget")
    for stage, reasons in DEFAULTS.items():
        target_model.objects.filter(stage=stage).update(pause_reasons=reasons)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0010_escalation_reason_legal"),
    ]

    operations = [
        migrations.AddField(
            model_name="slatarget",
            name="pause_reasons",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "While the case waits for one of these reasons the clock stands still and "
                    "gets its time back on resuming; through any other pause it keeps running and "
                    "can breach and escalate."
                ),
                validators=[sla.models.policies.validate_pause_reasons],
                verbose_name="pauses that stop this clock",
            ),
        ),
        migrations.RunPython(set_defaults, migrations.RunPython.noop),
    ]
