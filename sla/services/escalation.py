"""Escalations (逐级上报, 直至妥善解决): who hears of each level, and recording them once.

Who hears of a level: 1 the head of the case's department (the first head up Department.chain(),
or the complaint managers when no department above has one), 2 the members of the
`complaint_manager` role group, 3 the members of the `executive` group. Role groups rather than
permissions: no permission belongs to exactly one of these roles (agents see every case too, heads
approve decisions too).

Exactly once, whoever runs it and however often: every Escalation has a unique key and is written
by `escalations_record` only, under the case's row lock, after reading which keys exist; a second
sweep, a second worker or a retried task finds its escalations there and writes nothing (and the
unique key makes a writer that skipped the lock fail rather than double). Timeline entries,
notifications and the case's level follow only the escalations inserted now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role
from complaints.models import CaseEvent, Complaint, Decision, EscalationLevel, Notification
from complaints.services.notifications import Message, notify_many
from complaints.timeline import new_event, record_events
from sla.models import Clock, Escalation, EscalationSettings
from sla.selectors import duty_manager_on

Reason = Escalation.Reason
TOP_LEVEL = EscalationLevel.SENIOR_MANAGEMENT
# Escalations whose e-mails never wait for the service hours (issue 19 §2), besides the top level.
URGENT_REASONS = frozenset(
    {
        Escalation.Reason.PERSONAL_INJURY,
        Escalation.Reason.REGULATOR,
        Escalation.Reason.MEDIA,
        Escalation.Reason.LARGE_CLAIM,
    }
)
LEVEL_ROLES: dict[int, Role] = {
    EscalationLevel.COMPLAINT_MANAGER: Role.COMPLAINT_MANAGER,
    EscalationLevel.SENIOR_MANAGEMENT: Role.EXECUTIVE,
}
# Facts that send a case straight to senior management, besides a large amount.
FACT_FLAGS = (
    (Reason.PERSONAL_INJURY, "personal_injury"),
    (Reason.MEDIA, "media_involved"),
    (Reason.REGULATOR, "regulator_involved"),
    (Reason.LEGAL, "legal_risk"),
)


# --- who hears of it ------------------------------------------------------------------------


class Recipients:
    """Who hears of what, read at most once per batch: the departments with their heads (one
    query; an organisation has a few hundred at most) and each role group's members."""

    def __init__(self) -> None:
        self._departments: dict[int, Department] | None = None
        self._members: dict[Role, list[User]] = {}

    def department_head(self, *, department_id: int | None) -> User | None:
        """The active head nearest the department, walking up the parent chain."""
        if self._departments is None:
            self._departments = {
                d.pk: d for d in Department.objects.select_related("head__department")
            }
        seen: set[int] = set()
        node = self._departments.get(department_id) if department_id is not None else None
        while node is not None and node.pk not in seen:
            if node.head is not None and node.head.is_active:
                return node.head
            seen.add(node.pk)
            node = self._departments.get(node.parent_id) if node.parent_id else None
        return None

    def for_reminder(self, *, complaint: Complaint) -> User | None:
        """Who is reminded of a case's deadline or checklist step: its active assignee, else the
        head nearest its department."""
        assignee = complaint.assignee
        if assignee is not None and assignee.is_active:
            return assignee
        return self.department_head(department_id=complaint.department_id)

    def members(self, *, role: Role) -> list[User]:
        if role not in self._members:
            self._members[role] = list(
                User.objects.filter(is_active=True, groups__name=role.value)
                .distinct()
                .order_by("pk")
            )
        return self._members[role]

    def for_level(self, *, complaint: Complaint, level: int) -> list[User]:
        if level <= EscalationLevel.DEPARTMENT_HEAD:
            head = self.department_head(department_id=complaint.department_id)
            if head is not None:
                return [head]
            # Nobody heads the departments above the case: an escalation must still reach someone.
            level = EscalationLevel.COMPLAINT_MANAGER
        return self.members(role=LEVEL_ROLES[min(level, TOP_LEVEL)])


def level_recipients(*, complaint: Complaint, level: int) -> list[User]:
    """Who hears of the case reaching `level` (one case; a batch keeps its Recipients)."""
    return Recipients().for_level(complaint=complaint, level=level)


# --- recording ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """An escalation to record: of `complaint` (locked by the caller) to `level`, for `reason`."""

    complaint: Complaint
    level: int
    reason: str
    at: datetime
    clock: Clock | None = None
    # What else than a stage clock ran out, when one did (an outside body's deadline: "body:7"):
    # each escalates once per level, like each clock.
    subject: str = ""


def escalation_key(
    *, complaint: Complaint, reason: str, clock: Clock | None, level: int, subject: str = ""
) -> str:
    return f"{complaint.pk}:{reason}:{clock.pk if clock else subject or '-'}:{level}"


def escalations_record(
    *, planned: Sequence[Planned], recipients: Recipients | None = None
) -> list[Escalation]:
    """Record the planned escalations of (locked) cases not recorded before; returns those new.

    Bulk writes, whatever the number: the escalations, one rise of the case's level per level
    reached, the timeline entries and the notifications. The case's level only ever rises, by a
    compare-and-set update that leaves `version` alone: an escalation must not make the pages staff
    have open stale.

    One message per case and level: the escalations of one case to one level recorded together
    make one timeline entry and one notification per recipient naming every reason (an injury
    reported by the media with a large claim is one message to senior management, not three). A
    case that had reached the level before gets, for its new reasons, one entry and one short
    notification saying what is new, not the escalation again.
    """
    recipients = recipients or Recipients()
    keyed = {
        escalation_key(
            complaint=p.complaint, reason=p.reason, clock=p.clock, level=p.level, subject=p.subject
        ): p
        for p in planned
    }
    if not keyed:
        return []
    # What the cases have on record: the keys (recorded before: skipped) and the levels reached.
    recorded = Escalation.objects.filter(
        complaint_id__in={p.complaint.pk for p in keyed.values()}
    ).values_list("key", "complaint_id", "level")
    existing: set[str] = set()
    reached_before: set[tuple[int, int]] = set()
    for key, complaint_id, level in recorded:
        existing.add(key)
        reached_before.add((complaint_id, level))
    created = Escalation.objects.bulk_create(
        Escalation(
            complaint=p.complaint, level=p.level, reason=p.reason, clock=p.clock, key=key, at=p.at
        )
        for key, p in keyed.items()
        if key not in existing
    )
    if not created:
        return []
    groups: dict[tuple[int, int], list[Escalation]] = defaultdict(list)
    for escalation in created:
        groups[(escalation.complaint_id, escalation.level)].append(escalation)
    reached: dict[int, set[int]] = defaultdict(set)
    for complaint_id, level in groups:
        reached[level].add(complaint_id)
    # Lowest level first, so a case reaching several ends at the highest.
    for level in sorted(reached):
        Complaint.objects.filter(pk__in=reached[level], escalation_level__lt=level).update(
            escalation_level=level
        )
    for escalation in created:
        complaint = escalation.complaint
        complaint.escalation_level = max(complaint.escalation_level, escalation.level)
    record_events(
        events=[_event(group, added=pair in reached_before) for pair, group in groups.items()]
    )
    messages = [
        _message(group, added=pair in reached_before, recipients=recipients)
        for pair, group in groups.items()
    ]
    messages += [
        _duty_message(escalation)
        for escalation in created
        if escalation.reason == Escalation.Reason.PERSONAL_INJURY
    ]
    notify_many(messages=messages)
    return created


def _duty_message(escalation: Escalation) -> Message:
    """An injury goes at once to the day's duty manager too (值班经理, the admin's rota), who
    answers it on the spot: accompanies the customer, decides on advancing medical costs."""
    day = timezone.localdate(escalation.at)
    return Message(
        recipients=[duty_manager_on(day=day)],
        kind=Notification.Kind.ESCALATION,
        complaint=escalation.complaint,
        key=f"injury-duty:{escalation.complaint.pk}",
        template="injury_duty_manager",
        urgent=True,
        context={"duty_day": day},
    )


def _event(group: list[Escalation], *, added: bool) -> CaseEvent:
    """One timeline entry for a case's escalations to one level, the reasons as codes."""
    first = group[0]
    return new_event(
        complaint=first.complaint,
        kind=CaseEvent.Kind.ESCALATED,
        actor=None,
        at=first.at,
        data={
            "level": first.level,
            "added": added,
            "reasons": [
                {
                    "escalation_id": escalation.pk,
                    "reason": escalation.reason,
                    "stage": escalation.clock.stage if escalation.clock else None,
                    "due_at": escalation.clock.due_at if escalation.clock else None,
                }
                for escalation in group
            ],
        },
    )


def _message(group: list[Escalation], *, added: bool, recipients: Recipients) -> Message:
    """The notification of a case's escalations to one level: the escalation with every reason,
    or (`added`) the short word of new reasons for a case already at that level."""
    first = group[0]
    complaint, level = first.complaint, first.level
    return Message(
        recipients=recipients.for_level(complaint=complaint, level=level),
        kind=Notification.Kind.ESCALATION,
        complaint=complaint,
        # Once per case and level; new reasons once per batch that finds them.
        key=f"escalation:{complaint.pk}:{level}" + (f":+{first.pk}" if added else ""),
        template="escalation_reason" if added else "escalation",
        # Urgent ones are e-mailed at once, day or night; the others wait for the service hours.
        urgent=level >= TOP_LEVEL or any(e.reason in URGENT_REASONS for e in group),
        context={
            "level": level,
            "level_label": EscalationLevel(min(level, TOP_LEVEL)).label,
            "escalations": group,
            "facts_only": all(
                escalation.clock is None and escalation.reason != Escalation.Reason.OUTSIDE_BODY
                for escalation in group
            ),
        },
    )


def escalate(
    *,
    complaint: Complaint,
    level: int,
    reason: str,
    clock: Clock | None = None,
    at: datetime,
) -> Escalation | None:
    """Record one escalation of the (locked) case; None when this one was recorded before."""
    planned = Planned(complaint=complaint, level=level, reason=reason, at=at, clock=clock)
    created = escalations_record(planned=[planned])
    return created[0] if created else None


def largest_amounts(*, complaints: Sequence[Complaint]) -> dict[int, Decimal | None]:
    """Per case, the larger of the amount claimed and the amount of a live (pending or approved)
    decision; one query however many cases."""
    offered = dict(
        Decision.objects.filter(
            complaint__in=[complaint.pk for complaint in complaints],
            state__in=[Decision.Status.PENDING_APPROVAL, Decision.Status.APPROVED],
        )
        .values("complaint")
        .annotate(largest=Max("amount"))
        .values_list("complaint", "largest")
    )
    answer: dict[int, Decimal | None] = {}
    for complaint in complaints:
        amounts = [
            a for a in (complaint.amount_claimed, offered.get(complaint.pk)) if a is not None
        ]
        answer[complaint.pk] = max(amounts) if amounts else None
    return answer


def largest_amount(*, complaint: Complaint) -> Decimal | None:
    """The larger of the amount claimed and the amount of a live (pending or approved) decision."""
    return largest_amounts(complaints=[complaint])[complaint.pk]


def facts_planned(
    *, complaint: Complaint, amount: Decimal | None, settings: EscalationSettings, at: datetime
) -> list[Planned]:
    """The escalations to senior management the (locked) case's facts call for, one per fact:
    a large claim or offer (大型投诉), personal injury, media, regulator, court or lawyer's letter.
    Facts recorded before are skipped by `escalations_record`."""
    reasons = [reason for reason, flag in FACT_FLAGS if getattr(complaint, flag)]
    if settings.is_large_claim(amount):
        reasons.insert(0, Reason.LARGE_CLAIM)
    return [Planned(complaint=complaint, level=TOP_LEVEL, reason=r, at=at) for r in reasons]


def escalate_on_facts(*, complaint: Complaint, at: datetime | None = None) -> list[Escalation]:
    """Send the (locked) case to senior management for each fact that calls for it, once each:
    every door that creates or changes a case's facts calls this (intake, triage, a proposed
    decision), and the sweep checks the cases it looks at as well."""
    return escalations_record(
        planned=facts_planned(
            complaint=complaint,
            amount=largest_amount(complaint=complaint),
            settings=EscalationSettings.current(),
            at=at or timezone.now(),
        )
    )
