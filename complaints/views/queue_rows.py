"""What a queue row shows, worked out in Python once per row instead of by tags in the template.

A queue page shows 25 rows of about twenty values each; reversing URLs, formatting dates, looking
up labels and rendering the escalation badge's template through template tags cost more than the
rest of the request on a large queue. Here each value is computed once, by the same helpers the
tags use (labels, deadline words, person labels, the escalation badge's own template), and the
template only prints the results. What is the same for every row (labels per code, the badge per
level, a person's label) is worked out once per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.people import person_label
from complaints.models import Complaint, Severity, State
from complaints.templatetags.workspace import (
    badge_class,
    deadline_state_text,
    escalation_badge,
    time_left_text,
)

# Placeholders reversed once per page; a row's address puts its own key in their place.
_REFERENCE_KEY = "XX-0000-0"
_CUSTOMER_KEY = 0


@dataclass(frozen=True, slots=True)
class Deadline:
    badge_class: str
    word: str
    left: str
    title: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    complaint: Complaint
    reference: str
    case_url: str
    subject: str
    category: str
    flags: tuple[str, ...]
    customer_name: str
    customer_url: str
    severity: str
    severity_label: str
    state: str
    state_label: str
    department: str
    assignee: str
    received_date: str
    received_time: str
    next_due: Deadline | None
    escalation: SafeString


def _address_pattern(name: str, key: str | int) -> tuple[str, str]:
    """The address of `name` for a placeholder key, split around it."""
    address = reverse(name, args=[key])
    head, _sep, tail = address.rpartition(f"/{key}/")
    return f"{head}/", f"/{tail}"


def queue_rows(complaints: Iterable[Complaint], *, now: datetime) -> list[QueueRow]:
    """One QueueRow per case; the cases come with customer, category, department and assignee
    (and the assignee's department) selected, as complaints.queues.queue_complaints gives them."""
    case_head, case_tail = _address_pattern("case_detail", _REFERENCE_KEY)
    customer_head, customer_tail = _address_pattern("customer_detail", _CUSTOMER_KEY)
    severity_labels = {value: str(label) for value, label in Severity.choices}
    state_labels = {value: str(label) for value, label in State.choices}
    flag_labels = (
        ("personal_injury", _("Injury")),
        ("media_involved", _("Media")),
        ("regulator_involved", _("Regulator")),
        ("legal_risk", _("Legal risk")),
    )
    people: dict[int, str] = {}
    badges: dict[int, SafeString] = {}
    rows = []
    for complaint in complaints:
        assignee = complaint.assignee
        if assignee is not None and assignee.pk not in people:
            people[assignee.pk] = person_label(assignee)
        level = complaint.escalation_level
        if level not in badges:
            badges[level] = render_to_string(
                "staff/tags/escalation_badge.html", escalation_badge(level)
            )
        received = timezone.localtime(complaint.received_at)
        rows.append(
            QueueRow(
                complaint=complaint,
                reference=complaint.reference,
                case_url=f"{case_head}{complaint.reference}{case_tail}",
                subject=complaint.subject,
                category=complaint.category.local_name if complaint.category else "",
                flags=tuple(label for field, label in flag_labels if getattr(complaint, field)),
                customer_name=complaint.customer.name,
                customer_url=f"{customer_head}{complaint.customer_id}{customer_tail}",
                severity=complaint.severity,
                severity_label=severity_labels.get(complaint.severity, complaint.severity),
                state=complaint.state,
                state_label=state_labels.get(complaint.state, complaint.state),
                department=complaint.department.local_name if complaint.department else "",
                assignee=people[assignee.pk] if assignee is not None else "",
                received_date=received.strftime("%Y-%m-%d"),
                received_time=received.strftime("%H:%M"),
                next_due=_deadline(complaint.next_due_at, now=now),
                escalation=badges[level],
            )
        )
    return rows


def _deadline(due_at: datetime | None, *, now: datetime) -> Deadline | None:
    if due_at is None:
        return None
    return Deadline(
        badge_class=badge_class(due_at, now=now),
        word=deadline_state_text(due_at, now=now),
        left=time_left_text(due_at, now=now),
        title=timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
    )
