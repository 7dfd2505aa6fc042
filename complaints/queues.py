"""The staff work queues: named, role-dependent slices of the complaints a user may see.

Two kinds, both inside `complaints_visible_to(user)`, so a queue can never show a case its user may
not open:
- a branch queue is exactly one branch of the user's reading circle (my cases, my department,
  handled by me) and asks `complaints_in_branch` for it: one plain condition, which PostgreSQL
  estimates well and serves from one index in deadline order;
- a working queue (to triage, due soon, overdue, escalated, all) narrows the cases the user is in
  charge of (`complaints_workable_by`): a case someone only reads since they passed it on is not
  theirs to chase, and stays under "Handled by me".
Working and branch queues hold open cases only; "All" and "Handled by me" hold open cases too
unless a state filter asks for closed ones. Tab counts are capped (COUNT_CAP) so they stay cheap on
big tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_roles
from complaints.models import OPEN_STATES, Complaint, State
from complaints.selectors import complaints_in_branch, complaints_workable_by, workable_branches
from complaints.selectors.access import ASSIGNED, DEPARTMENT, PARTICIPATED

# Less than this left and a deadline is "due soon" (its queue, and its amber badge).
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str | Promise
    # What the queue holds, for this user at this moment (open state is added separately), among
    # the cases they are in charge of; or None for a branch queue.
    condition: Callable[[User, datetime], Q] | None
    # Whether the user has this queue at all (others get a 404 for its address).
    available: Callable[[User], bool]
    # The default sort: working queues put the nearest deadline first.
    default_ordering: str = "due"
    empty_text: str | Promise = ""
    # A branch queue: the branch of the reading circle it is (complaints.selectors.access).
    branch: str | None = None
    # Whether a state filter may bring in closed, rejected and withdrawn cases.
    may_include_closed: bool = False


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
        None,
        _works_cases,
        empty_text=_("No open case is assigned to you."),
        branch=ASSIGNED,
    ),
    Queue(
        "department",
        _("My department"),
        None,
        lambda user: user.has_perm("complaints.view_department_complaints"),
        empty_text=_("Your department has no open case."),
        branch=DEPARTMENT,
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
        may_include_closed=True,
    ),
    Queue(
        "handled",
        _("Handled by me"),
        None,
        _works_cases,
        empty_text=_("You have not worked on any open case."),
        branch=PARTICIPATED,
        may_include_closed=True,
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


# Who starts from the managers' dashboard (reports) instead of a queue, when it is the first of
# their roles in NATURAL_QUEUE's order.
DASHBOARD_FIRST = (Role.COMPLAINT_MANAGER, Role.EXECUTIVE)


def lands_on_dashboard(*, user: User) -> bool:
    """Whether the user's day starts on the dashboard (complaint managers, senior management)."""
    if not user.has_perm("reports.view_dashboard"):
        return False
    held = set(user_roles(user=user))
    first = next((role for role, _slug in NATURAL_QUEUE if role in held), None)
    return first in DASHBOARD_FIRST


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


def queue_cases(*, user: User, queue: Queue, now: datetime) -> QuerySet[Complaint]:
    """The queue's cases in any state: its branch, or its condition over the cases in charge."""
    if queue.branch is not None:
        return complaints_in_branch(user=user, branch=queue.branch)
    condition = queue.condition(user, now) if queue.condition is not None else Q()
    return complaints_workable_by(user=user).filter(condition)


# What a queue row shows (complaints.views.queue_rows), its relations' keys included.
ROW_FIELDS = (
    "reference",
    "state",
    "subject",
    "severity",
    "personal_injury",
    "media_involved",
    "regulator_involved",
    "legal_risk",
    "received_at",
    "next_due_at",
    "escalation_level",
    "category_id",
    "department_id",
    "assignee_id",
    "customer__name",
    "customer__anonymised_at",
)


def queue_complaints(
    *, user: User, queue: Queue, include_closed: bool = False, now: datetime | None = None
) -> QuerySet[Complaint]:
    """The queue's cases with everything a list row shows joined in (no query per row).

    `include_closed` lets "All" and "Handled by me" show final states when the user filters for them.
    """
    now = now or timezone.now()
    complaints = queue_cases(user=user, queue=queue, now=now)
    if not include_closed:
        complaints = complaints.filter(state__in=OPEN_STATES)
    return with_row_fields(complaints)


def with_row_fields(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """The cases with what a list row shows, and only that (a description can run to pages). The
    customer comes in the same query; the names of categories, departments and staff from
    complaints.selectors.reference_labels (joining all five made PostgreSQL spend longer choosing
    a join order than running the query)."""
    return complaints.select_related("customer").only(*ROW_FIELDS)


# Tab counts stop here and read "999+": past that a number tells nobody anything, and counting a
# million-row table exactly on every page view would cost more than the page itself.
COUNT_CAP = 99


def queue_counts(
    *, user: User, queues: Sequence[Queue], now: datetime | None = None
) -> dict[str, int]:
    """Open cases per queue for the tab strip, each counted only up to COUNT_CAP + 1.

    One capped count per tab (a role has at most eight), each stopping after COUNT_CAP + 1 rows of
    its own index where one aggregate over every visible case would read them all; sent together as
    one statement of scalar subqueries, so a page pays one round trip for its tabs, not eight.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    parts: list[str] = []
    params: list[object] = []
    asked: list[str] = []
    for queue in queues:
        capped = (
            queue_cases(user=user, queue=queue, now=now)
            .filter(state__in=OPEN_STATES)
            .order_by()
            .values("pk")[: COUNT_CAP + 1]
        )
        try:
            sql, sql_params = capped.query.sql_with_params()
        except EmptyResultSet:  # e.g. a department queue without a department: nothing to ask
            counts[queue.slug] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS tab{len(parts)})")
        params.extend(sql_params)
        asked.append(queue.slug)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            row = cursor.fetchone()
        counts.update(zip(asked, row, strict=True))
    return {queue.slug: counts[queue.slug] for queue in queues}


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


class BranchUnion:
    """A working queue's sorted cases, read page by page through the branches of the user's scope.

    "Due soon" for a department head is (assigned to them OR received by them OR in their
    departments) AND due within a day: PostgreSQL cannot serve that OR from one index in deadline
    order, so it walks every open case by deadline and drops the other departments' (7,500 rows
    for one page at a million complaints). Each branch alone is one index in deadline order, so a
    page of rows [start:stop] is fetched as: the first `stop` ids of each branch (the same
    conditions without the OR), then the page from those ids. That is exact: every case of the
    queue is in at least one branch and every case of a branch is in the queue, so its first
    `stop` cases are among the first `stop` of the branches, in the same total order (pk breaks
    ties).
    What CappedPaginator asks of it: slicing and `count_up_to`.
    """

    ordered = True

    def __init__(self, *, branches: Sequence[QuerySet[Complaint]], ordering: str) -> None:
        self.branches = list(branches)
        self.keys = ORDERINGS.get(ordering, ORDERINGS["due"])

    def count_up_to(self, limit: int) -> int:
        """How many cases, counting no further than `limit`: the union of the branches' ids, each
        read from its own index."""
        # Exact up to `limit` with each branch stopped at `limit`: a branch with that many
        # decides alone, and when none has, the union of all of them is the whole queue.
        ids = [branch.order_by().values("pk")[:limit] for branch in self.branches]
        return ids[0].union(*ids[1:])[:limit].count()

    def __getitem__(self, page: slice) -> QuerySet[Complaint]:
        if not isinstance(page, slice) or page.stop is None or page.step is not None:
            raise TypeError("BranchUnion pages by slices with an end, e.g. [25:50]")
        heads = [branch.order_by(*self.keys).values("pk")[: page.stop] for branch in self.branches]
        candidates = heads[0].union(*heads[1:], all=True)
        # Every candidate is in the queue (its branch's query holds every condition): the page
        # only sorts them again; `page` counted from the start, as the heads are.
        rows = with_row_fields(Complaint.objects.filter(pk__in=candidates))
        return rows.order_by(*self.keys)[page]


def queue_branches(
    *, user: User, queue: Queue, include_closed: bool = False, now: datetime | None = None
) -> list[QuerySet[Complaint]] | None:
    """A working queue's cases as one queryset per branch of the user's scope, each without the
    others' OR (see BranchUnion); None where one query serves (a branch queue, or a user in
    charge of every case)."""
    if queue.branch is not None or queue.condition is None:
        return None
    if not connection.features.supports_slicing_ordering_in_compound:
        return None  # SQLite: one query with the OR (small databases)
    branches = workable_branches(user=user)
    if not branches or len(branches) < 2:
        return None
    condition = queue.condition(user, now or timezone.now())
    if not include_closed:
        condition &= Q(state__in=OPEN_STATES)
    return [Complaint.objects.filter(branch, condition) for branch in branches]
