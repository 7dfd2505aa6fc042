"""初步核实/分类: category, severity, flags, owning department and assignee."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.people import person_snapshot, snapshot
from complaints.errors import ConditionNotMet, InvalidInput
from complaints.models import CaseEvent, Category, Complaint, Severity
from complaints.services.common import Needs, ensure_can_act, lock_for_change, save_change
from complaints.services.intake import FLAG_NAMES, Flags, minimum_severity
from complaints.services.legal_hold import legal_hold_follow_facts
from complaints.services.notifications import notify_assignee
from complaints.services.ownership import case_owner_copy
from complaints.timeline import record_event
from sla.services.checklists import checklist_attach
from sla.services.clocks import clocks_replan
from sla.services.escalation import escalate_on_facts

_UNSET: Any = object()


def validate_assignee(*, assignee: User | None, department: Department | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active:
        raise InvalidInput({"assignee": [_("This person's account is not active.")]})
    if department is None or assignee.department_id != department.pk:
        raise InvalidInput({"assignee": [_("The assignee must belong to the owning department.")]})


@transaction.atomic
def complaint_triage(
    *,
    complaint: Complaint,
    actor: User,
    category: Category | None = _UNSET,
    severity: str = _UNSET,
    department: Department | None = _UNSET,
    assignee: User | None = _UNSET,
    personal_injury: bool = _UNSET,
    media_involved: bool = _UNSET,
    regulator_involved: bool = _UNSET,
    legal_risk: bool = _UNSET,
    comment: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Change the routing facts of an open case; only the arguments given are changed."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.TRIAGE)
    locked = lock_for_change(complaint, expected_version=expected_version)
    if not locked.is_open:
        raise ConditionNotMet([_("A finished complaint can no longer be changed.")])
    requested: dict[str, Any] = {
        "category": category,
        "severity": severity,
        "department": department,
        "assignee": assignee,
        "personal_injury": personal_injury,
        "media_involved": media_involved,
        "regulator_involved": regulator_involved,
        "legal_risk": legal_risk,
    }
    requested = {name: value for name, value in requested.items() if value is not _UNSET}
    if "severity" in requested and requested["severity"] not in Severity.values:
        raise InvalidInput({"severity": [_("Choose a severity from the list.")]})
    # A case with no owner yet goes to the category's default department unless told otherwise.
    new_category = requested.get("category")
    unowned = "department" not in requested and locked.department_id is None
    if unowned and new_category and new_category.default_department_id:
        requested["department"] = new_category.default_department
    # A new owning department takes the case from the old department's assignee.
    moves_department = "department" in requested and "assignee" not in requested
    new_department_id = getattr(requested.get("department"), "pk", None)
    if moves_department and locked.assignee and locked.assignee.department_id != new_department_id:
        requested["assignee"] = None
    validate_assignee(
        assignee=requested.get("assignee", locked.assignee),
        department=requested.get("department", locked.department),
    )

    changes: dict[str, list[Any]] = {}
    for name, value in requested.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = [_display(old), _display(value)]
            setattr(locked, name, value)

    if any(name in changes for name in FLAG_NAMES) and not (comment or "").strip():
        # An urgent fact escalates (or stops counting): the record says why it changed.
        raise InvalidInput({"comment": [_("Give the reason for changing an urgent fact.")]})

    floor = minimum_severity(
        flags=Flags(
            personal_injury=locked.personal_injury,
            media_involved=locked.media_involved,
            regulator_involved=locked.regulator_involved,
            legal_risk=locked.legal_risk,
        ),
        amount=locked.amount_claimed,
    )
    raised = Severity.highest(locked.severity, floor)
    if raised != locked.severity:
        changes["severity"] = [changes.get("severity", [locked.severity])[0], raised]
        locked.severity = raised
    if not changes:
        return locked
    save_change(locked)
    if "department" in changes or "assignee" in changes:
        case_owner_copy(complaint=locked)
    event = record_event(
        complaint=locked,
        kind=CaseEvent.Kind.TRIAGED,
        actor=actor,
        comment=comment,
        data={"changes": changes},
    )
    if "assignee" in changes:
        notify_assignee(complaint=locked, actor=actor, cause=f"assignment:{event.pk}")
    if "severity" in changes or "category" in changes:
        moved = clocks_replan(complaint=locked)
        if moved:
            record_event(
                complaint=locked,
                kind=CaseEvent.Kind.DEADLINES_REPLANNED,
                actor=actor,
                comment=comment,
                data={
                    "why": {k: v for k, v in changes.items() if k in ("severity", "category")},
                    "clocks": moved,
                },
            )
    if "category" in changes or (locked.personal_injury and "personal_injury" in changes):
        # The new category's (or the injury's) procedure applies from now; steps already on the
        # case stay.
        checklist_attach(complaint=locked, at=timezone.now())
    # A fact just set (injury, media, regulator, legal) goes to senior management at once.
    escalate_on_facts(complaint=locked)
    # A regulator or media fact just set puts the case on legal hold (issue 16 §6).
    legal_hold_follow_facts(complaint=locked, actor=actor)
    return locked


def _display(value: Any) -> Any:
    """A changed value as the timeline keeps it: codes as they are, rows as name snapshots."""
    if isinstance(value, User):
        return person_snapshot(value)
    if hasattr(value, "pk"):
        return snapshot(value)
    return value


@transaction.atomic
def complaint_assign(
    *,
    complaint: Complaint,
    actor: User,
    assignee: User,
    comment: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Give the case to a person of its owning department."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.TRIAGE)
    locked = lock_for_change(complaint, expected_version=expected_version)
    if not locked.is_open:
        raise ConditionNotMet([_("A finished complaint can no longer be changed.")])
    validate_assignee(assignee=assignee, department=locked.department)
    previous = locked.assignee
    locked.assignee = assignee
    save_change(locked, fields=["assignee"])
    if previous != assignee:
        case_owner_copy(complaint=locked)
    event = record_event(
        complaint=locked,
        kind=CaseEvent.Kind.ASSIGNED,
        actor=actor,
        comment=comment,
        data={"from": person_snapshot(previous), "to": person_snapshot(assignee)},
    )
    if previous != assignee:
        notify_assignee(complaint=locked, actor=actor, cause=f"assignment:{event.pk}")
    return locked
