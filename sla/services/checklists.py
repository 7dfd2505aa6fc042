"""Procedure checklists on cases (issue 16 §8): attached when a case is received or
re-categorised, ticked by those working the case, reminded when a step's time has passed.

The steps come from the cached policy book (no query at intake for a category without a
checklist); each is due like a clock, on the calendar of the case's department.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.people import person_snapshot
from complaints.errors import ConditionNotMet, InvalidInput, NotFound
from complaints.models import CaseEvent, Complaint, EvidenceFile, Notification
from complaints.services.common import ensure_can_act, lock_for_change, save_change
from complaints.services.notifications import Message, notifications_settle, notify_many
from complaints.timeline import new_event, record_event, record_events
from sla.models import CaseChecklistStep, ChecklistTemplateStep
from sla.selectors import calendar_for_deadline, policy_book
from sla.services.clocks import due_for
from sla.services.escalation import Recipients

Outcome = CaseChecklistStep.Outcome
# Who may tick a step: those who receive complaints (the desk's on-the-spot steps) and those who
# investigate them; and only on a case they are in charge of (ensure_can_act).
CHECKLIST_PERMISSIONS = ("receive_complaint", "investigate_complaint")
# The reminder job's batch: one transaction, skipping steps another run holds.
REMIND_BATCH = 500


def reminder_key(step: CaseChecklistStep) -> str:
    return f"checklist:{step.pk}"


def checklist_attach(
    *, complaint: Complaint, at: datetime, new: bool = False
) -> list[CaseChecklistStep]:
    """Give the (saved, locked) case the steps of its category's checklists it lacks, due from
    `at`. `new`: the case was just created and has none (one query fewer). Returns the steps made.
    """
    wanted = policy_book().checklist_steps_for(
        complaint.category_id, personal_injury=complaint.personal_injury
    )
    if not wanted:
        return []
    if not new:
        have = set(
            CaseChecklistStep.objects.filter(
                complaint=complaint, template_step__in=[step.pk for step in wanted]
            ).values_list("template_step_id", flat=True)
        )
        wanted = [step for step in wanted if step.pk not in have]
    return CaseChecklistStep.objects.bulk_create(
        [_planned(complaint=complaint, step=step, at=at) for step in wanted]
    )


def _planned(
    *, complaint: Complaint, step: ChecklistTemplateStep, at: datetime
) -> CaseChecklistStep:
    chosen = calendar_for_deadline(
        policy=None, department_id=complaint.department_id, unit=step.unit
    )
    template = step.template
    return CaseChecklistStep(
        complaint=complaint,
        template_step=step,
        template_name=template.name,
        template_name_en=template.name_en,
        position=step.position,
        text=step.text,
        text_en=step.text_en,
        who=step.who,
        who_en=step.who_en,
        evidence_required=step.evidence_required,
        injury_item=step.injury_item,
        amount=step.amount,
        unit=step.unit,
        calendar_id=chosen.calendar_id,
        started_at=at,
        due_at=due_for(calendar=chosen.working, unit=step.unit, amount=step.amount, start=at),
    )


@transaction.atomic
def checklist_step_tick(
    *,
    complaint: Complaint,
    step_id: int,
    actor: User,
    outcome: str,
    note: str = "",
    evidence_id: int | None = None,
) -> CaseChecklistStep:
    """Tick one step of the case: done (with one of the case's evidence files where the step asks
    for it) or not applicable (with the reason). A step is ticked once; the case must be open."""
    ensure_can_act(actor=actor, complaint=complaint, perms=CHECKLIST_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    step = (
        CaseChecklistStep.objects.select_for_update(of=("self",))
        .filter(pk=step_id, complaint=locked)
        .select_related("done_by")
        .first()
    )
    if step is None:
        raise NotFound(_("This step is not on the complaint's checklist."))
    if not locked.is_open:
        raise ConditionNotMet([_("A finished complaint's checklist can no longer be ticked.")])
    if step.done_at is not None:
        raise ConditionNotMet(
            [
                _("%(who)s ticked this step already.")
                % {"who": step.done_by.get_full_name() or step.done_by.username}
                if step.done_by
                else _("This step was ticked already.")
            ]
        )
    if step.injury_item and outcome == Outcome.DONE:
        # The item's details (witnesses, the insurer's claim number, ...) live on the injury
        # record, which ticks the step itself; here it can only be marked not applicable.
        raise ConditionNotMet(
            [
                _(
                    "Record this on the personal-injury record: it ticks the step with the "
                    "item's details."
                )
            ]
        )
    note = (note or "").strip()
    evidence = _checked_input(locked, step, outcome=outcome, note=note, evidence_id=evidence_id)
    now = timezone.now()
    step.outcome, step.done_at, step.done_by, step.note, step.evidence = (
        outcome,
        now,
        actor,
        note,
        evidence,
    )
    step.save(update_fields=["outcome", "done_at", "done_by", "note", "evidence"])
    save_change(locked, fields=[])
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.CHECKLIST_STEP,
        actor=actor,
        at=now,
        comment=note,
        data={
            "step": {"text": step.text, "text_en": step.text_en},
            "outcome": outcome,
            "evidence": {"id": evidence.pk} if evidence else None,
        },
    )
    notifications_settle(
        keys=[reminder_key(step)], reason=Notification.Settled.STEP_TICKED, by=actor, at=now
    )
    return step


def _checked_input(
    complaint: Complaint,
    step: CaseChecklistStep,
    *,
    outcome: str,
    note: str,
    evidence_id: int | None,
) -> EvidenceFile | None:
    errors: dict[str, list[str]] = {}
    evidence = None
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose done or not applicable.")]
    elif outcome == Outcome.NOT_APPLICABLE and not note:
        errors["note"] = [_("Say why the step does not apply to this case.")]
    if evidence_id is not None:
        evidence = EvidenceFile.objects.filter(pk=evidence_id, complaint=complaint).first()
        if evidence is None or not evidence.file:
            errors["evidence"] = [_("Choose one of this complaint's evidence files.")]
    elif outcome == Outcome.DONE and step.evidence_required:
        errors["evidence"] = [
            _("This step needs its evidence: add the file to the case, then choose it here.")
        ]
    if errors:
        raise InvalidInput(errors)
    return evidence


def checklist_steps_remind(*, now: datetime | None = None, batch: int = REMIND_BATCH) -> int:
    """Remind the assignee (else the department head) of open steps past their time, once each;
    returns how many were reminded. Steps of finished cases are let go without a message. Safe to
    run twice at once: each run takes the steps the other does not hold."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            CaseChecklistStep.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(done_at__isnull=True, reminded_at__isnull=True, due_at__lte=now)
            .select_related("complaint__assignee")
            .order_by("due_at")[:batch]
        )
        if not due:
            return 0
        recipients = Recipients()
        events, messages = [], []
        for step in due:
            step.reminded_at = now
            complaint = step.complaint
            if not complaint.is_open:
                continue
            person = recipients.for_reminder(complaint=complaint)
            events.append(
                new_event(
                    complaint=complaint,
                    kind=CaseEvent.Kind.REMINDER,
                    actor=None,
                    at=now,
                    data={
                        "checklist_step": {"text": step.text, "text_en": step.text_en},
                        "due_at": step.due_at,
                        "recipient": person_snapshot(person),
                    },
                )
            )
            messages.append(
                Message(
                    recipients=[person],
                    kind=Notification.Kind.REMINDER,
                    complaint=complaint,
                    key=reminder_key(step),
                    template="checklist_reminder",
                    context={"step": step},
                )
            )
        CaseChecklistStep.objects.bulk_update(due, ["reminded_at"])
        record_events(events=events)
        notify_many(messages=messages)
    return len(events)
