"""调查取证: internal notes and handoffs (交接) between people and departments."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.people import person_snapshot, snapshot
from complaints.errors import ConditionNotMet, InvalidInput
from complaints.models import CaseEvent, Complaint, Handoff
from complaints.services.common import Needs, ensure_can_act, lock_for_change, save_change
from complaints.services.notifications import notify_assignee
from complaints.services.ownership import case_owner_copy
from complaints.timeline import record_event


@transaction.atomic
def complaint_add_note(*, complaint: Complaint, actor: User, text: str) -> CaseEvent:
    """An internal note on the timeline; never shown to the customer."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.COMMENT)
    if not (text or "").strip():
        raise InvalidInput({"text": [_("Write the note first.")]})
    return record_event(
        complaint=complaint, kind=CaseEvent.Kind.NOTE, actor=actor, comment=text.strip()
    )


@transaction.atomic
def complaint_hand_off(
    *,
    complaint: Complaint,
    actor: User,
    to_department: Department,
    note: str,
    to_user: User | None = None,
    expected_version: int | None = None,
) -> Handoff:
    """Pass the case to another department or person, with a note of what was handed over."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.INVESTIGATE)
    locked = lock_for_change(complaint, expected_version=expected_version)
    if not locked.is_open:
        raise ConditionNotMet([_("A finished complaint can no longer be handed off.")])
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = [_("Say what is handed over and why.")]
    if not to_department.is_active:
        errors["to_department"] = [_("This department is not active.")]
    if to_user is not None and (to_user.department_id != to_department.pk or not to_user.is_active):
        errors["to_user"] = [_("The person must be an active member of the receiving department.")]
    if to_department.pk == locked.department_id and to_user in (None, locked.assignee):
        errors["to_department"] = [_("The case is already there.")]
    if errors:
        raise InvalidInput(errors)

    handoff = Handoff.objects.create(
        complaint=locked,
        from_user=locked.assignee,
        from_department=locked.department,
        to_user=to_user,
        to_department=to_department,
        note=note.strip(),
        handed_off_by=actor,
        at=timezone.now(),
    )
    locked.department = to_department
    locked.assignee = to_user
    save_change(locked, fields=["department", "assignee"])
    case_owner_copy(complaint=locked)
    event = record_event(
        complaint=locked,
        kind=CaseEvent.Kind.HANDOFF,
        actor=actor,
        at=handoff.at,
        comment=handoff.note,
        data={
            "handoff_id": handoff.pk,
            "from_department": snapshot(handoff.from_department),
            "from_user": person_snapshot(handoff.from_user),
            "to_department": snapshot(to_department),
            "to_user": person_snapshot(to_user),
        },
    )
    notify_assignee(complaint=locked, actor=actor, cause=f"assignment:{event.pk}")
    return handoff
