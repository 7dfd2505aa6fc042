"""The staff work queues: named, role-dependent slices of the complaints a user may see.

Every queue narrows `complaints_visible_to(user)`, so a queue can never show a case its user may
not open. Working queues hold open cases only; "All" holds open cases too unless a state filter
asks for closed ones. Tab counts are capped (COUNT_CAP) so they stay cheap on big tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import department_scope_ids, user_roles
from complaints.models import OPEN_STATES, Complaint, State
from complaints.selectors import complaints_visible_to

# Less than this left and a deadline is "due soon" (its queue, and its amber badge).
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str | Promise
    # What the queue holds, for this user at this moment (open state is added separately).
    condition: Callable[[User, datetime], Q]
    # Whether the user has this queue at all (others get a 404 for its address).
    available: Callable[[User], bool]
    # The default sort: working queues put the nearest deadline first.
    default_ordering: str = "due"
    empty_text: str | Promise = ""


def _mine(user: User, now: datetime) -> Q:
    return Q(assignee=user)


def _department(user: User, now: datetime) -> Q:
    if not user.department_id:
        return Q(pk__in=[])
    return Q(department_id__in=department_scope_ids(user=user))


def _triage(user: User, now: datetime) -> Q:
    return Q(state__in=[State.INTAKE, State.TRIAGE])


def _due_soon(user: User, now: datetime) -> Q:
    return Q(next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)


def _overdue(user: User, now: datetime) -> Q:
    return Q(next_due_at__lt=now)


def _escalated(user: User, now: datetime) -> Q:
    return Q(escalation_level__gt=0)


def _everything(user: User, now: datetime) -> Q:
    return Q()


def _works_cases(user: User) -> bool:
    return user.has_perm("complaints.investigate_complaint") or user.has_perm(
        "complaints.receive_complaint"
    )


def _everyone(user: User) -> bool:
    return True


QUEUES: tuple[Queue, ...] = (
    Queue(
        "mine",
        _("My cases"),
        _mine,
        _works_cases,
        empty_text=_("No open case is assigned to you."),
    ),
    Queue(
        "department",
        _("My department"),
        _department,
        lambda user: user.has_perm("complaints.view_department_complaints"),
        empty_text=_("Your department has no open case."),
    ),
    Queue(
        "triage",
        _("To triage"),
        _triage,
        lambda user: user.has_perm("complaints.triage_complaint"),
        empty_text=_("No new complaint is waiting for triage."),
    ),
    Queue(
        "due-soon",
        _("Due soon"),
        _due_soon,
        _everyone,
        empty_text=_("No deadline falls within the next 24 hours."),
    ),
    Queue(
        "overdue",
        _("Overdue"),
        _overdue,
        _everyone,
        empty_text=_("No case is overdue."),
    ),
    Queue(
        "escalated",
        _("Escalated"),
        _escalated,
        _everyone,
        empty_text=_("No open case is escalated."),
    ),
    Queue(
        "all",
        _("All"),
        _everything,
        lambda user: user.has_perm("complaints.view_all_complaints"),
        default_ordering="-received_at",
        empty_text=_("No complaint matches."),
    ),
)
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}

# Where each role starts its day; the first role in this order wins for people with several.
NATURAL_QUEUE: tuple[tuple[Role, str], ...] = (
    (Role.AGENT, "triage"),
    (Role.HANDLER, "mine"),
    (Role.DEPT_HEAD, "department"),
    (Role.COMPLAINT_MANAGER, "all"),
    (Role.EXECUTIVE, "all"),
    (Role.AUDITOR, "all"),
)


def queues_for(*, user: User) -> list[Queue]:
    """The queues this user has, in tab order."""
    return [queue for queue in QUEUES if queue.available(user)]


def queue_get_for_user(*, user: User, slug: str) -> Queue | None:
    """The queue if this user has it; None for an unknown slug or a queue of other roles."""
    queue = QUEUES_BY_SLUG.get(slug)
    return queue if queue is not None and queue.available(user) else None


def natural_queue(*, user: User) -> str:
    """The slug of the queue a user lands on after signing in."""
    held = set(user_roles(user=user))
    for role, slug in NATURAL_QUEUE:
        if role in held:
            return slug
    available = queues_for(user=user)
    return available[0].slug if available else "due-soon"


def queue_complaints(
    *, user: User, queue: Queue, include_closed: bool = False, now: datetime | None = None
) -> QuerySet[Complaint]:
    """The queue's cases with everything a list row shows joined in (no query per row).

    `include_closed` lets the All queue show final states when the user filters for them.
    """
    now = now or timezone.now()
    complaints = complaints_visible_to(user=user).filter(queue.condition(user, now))
    if not include_closed:
        complaints = complaints.filter(state__in=OPEN_STATES)
    return complaints.select_related("customer", "category", "department", "assignee")


# Tab counts stop here and read "999+": past that a number tells nobody anything, and counting a
# million-row table exactly on every page view would cost more than the page itself.
COUNT_CAP = 999


def queue_counts(
    *, user: User, queues: Sequence[Queue], now: datetime | None = None
) -> dict[str, int]:
    """Open cases per queue for the tab strip, each counted only up to COUNT_CAP + 1.

    One small query per tab (a role has at most seven): each stops after COUNT_CAP + 1 rows of its
    own index, where one aggregate over every visible case would read them all.
    """
    now = now or timezone.now()
    visible_open = complaints_visible_to(user=user).filter(state__in=OPEN_STATES).order_by()
    return {
        queue.slug: visible_open.filter(queue.condition(user, now))
        .values("pk")[: COUNT_CAP + 1]
        .count()
        for queue in queues
    }


# The sort choices of the list; "due" puts cases without a running deadline last on every database.
ORDERINGS: dict[str, tuple] = {
    "due": (F("next_due_at").asc(nulls_last=True), "received_at", "pk"),
    "-due": (F("next_due_at").desc(nulls_last=True), "-received_at", "-pk"),
    "-received_at": ("-received_at", "-pk"),
    "received_at": ("received_at", "pk"),
}


def queue_order(complaints: QuerySet[Complaint], *, ordering: str) -> QuerySet[Complaint]:
    """Sort by one of ORDERINGS; pk breaks ties so pages never repeat or skip a row."""
    return complaints.order_by(*ORDERINGS.get(ordering, ORDERINGS["due"]))
