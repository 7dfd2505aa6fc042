"""Improvement actions (整改措施): who reads which, the lists and queues, a case's actions.

One visibility rule for the list, the detail page, the case card and the dashboard's links:
holders of `complaints.view_all_improvement_actions` (complaint managers, senior management,
auditors) read every action; anyone else the actions of their department (a head: and the
departments below it, as for cases), those they own and those they recorded. An action out of
reach reads as missing.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import department_scope_ids
from complaints.errors import NotFound
from complaints.models import (
    LIVE_ACTION,
    ActionStatus,
    Complaint,
    ImprovementAction,
    ImprovementActionCase,
    ImprovementActionFile,
)
from complaints.selectors.access import complaints_visible_to

VIEW_ALL_ACTIONS = "complaints.view_all_improvement_actions"
MANAGE_ACTIONS = "complaints.manage_improvement_action"
VERIFY_ACTIONS = "complaints.verify_improvement_action"

# The list's tabs: whose actions it shows.
SHOW = ("mine", "department", "all")
# Its status filter: a status, or these groups.
STATUS_FILTERS = ("", "live", "overdue", *ActionStatus.values)


def improvement_actions_visible_to(*, user: User) -> QuerySet[ImprovementAction]:
    """The actions `user` may read (see the module's docstring)."""
    actions = ImprovementAction.objects.all()
    if not user.is_active:
        return actions.none()
    if user.has_perm(VIEW_ALL_ACTIONS):
        return actions
    mine = Q(owner=user) | Q(created_by=user)
    departments = department_scope_ids(user=user)
    if departments:
        mine |= Q(department_id__in=sorted(departments))
    return actions.filter(mine)


def improvement_action_get_for_user(*, user: User, pk: int) -> ImprovementAction:
    """The action if `user` may read it, with its people, department and category; else NotFound."""
    action = (
        improvement_actions_visible_to(user=user)
        .select_related(
            "owner__department",
            "department",
            "category__parent",
            "created_by__department",
            "done_by__department",
            "verified_by__department",
            "calendar",
        )
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise NotFound(_("No such improvement action."))
    return action


def improvement_tabs(*, user: User) -> list[str]:
    """The tabs this user has: their own actions; their department's (heads); all (managers)."""
    tabs = ["mine"]
    if user.has_perm(MANAGE_ACTIONS) and department_scope_ids(user=user):
        tabs.append("department")
    if user.has_perm(VIEW_ALL_ACTIONS):
        tabs.append("all")
    return tabs


def improvement_actions_list(
    *,
    user: User,
    show: str = "mine",
    status: str = "",
    now: datetime | None = None,
    department_id: int | None = None,
    owner_id: int | None = None,
    complaint: str = "",
) -> QuerySet[ImprovementAction]:
    """The actions of one tab, by due time (overdue first), optionally of one status or group
    ("live": open or in progress; "overdue": live and past their due time), of one owning
    department, one owner, or linked to one case (by reference; only a case `user` may read)."""
    now = now or timezone.now()
    actions = improvement_actions_visible_to(user=user)
    if department_id is not None:
        actions = actions.filter(department_id=department_id)
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    if complaint:
        cases = complaints_visible_to(user=user).filter(reference=complaint).values("pk")
        actions = actions.filter(case_links__complaint_id__in=cases)
    if show == "mine":
        actions = actions.filter(owner=user)
    elif show == "department":
        actions = actions.filter(department_id__in=sorted(department_scope_ids(user=user)))
    if status == "live":
        actions = actions.filter(LIVE_ACTION)
    elif status == "overdue":
        actions = actions.filter(LIVE_ACTION, due_at__lt=now)
    elif status in ActionStatus.values:
        actions = actions.filter(status=status)
    return actions.select_related("owner__department", "department", "category").order_by(
        "due_at", "id"
    )


def action_readable_by(action: ImprovementAction, *, user: User) -> bool:
    """The visibility rule above for one loaded action, without a query (the department scope
    is kept on the user for the request)."""
    if not user.is_active:
        return False
    if user.has_perm(VIEW_ALL_ACTIONS) or user.pk in (action.owner_id, action.created_by_id):
        return True
    return action.department_id in department_scope_ids(user=user)


def improvement_actions_of_case(
    *, complaint: Complaint, user: User, now: datetime | None = None
) -> list[ImprovementAction]:
    """The actions linked to a case (from its prefetched `improvement_links`), each marked
    `readable` (the card links those `user` may open) and `overdue`."""
    now = now or timezone.now()
    actions = []
    for link in complaint.improvement_links.all():
        action = link.action
        action.readable = action_readable_by(action, user=user)  # type: ignore[attr-defined]
        action.overdue = action.is_overdue(now)  # type: ignore[attr-defined]
        actions.append(action)
    return actions


def improvement_action_cases(*, action: ImprovementAction, user: User) -> list[Complaint]:
    """The cases linked to an action, those `user` may read shown by reference (the others
    counted only: the action's reader may not be the case's)."""
    return list(
        complaints_visible_to(user=user)
        .filter(improvement_links__action=action)
        .only("pk", "reference", "subject", "state")
        .order_by("reference")
    )


def improvement_action_file_get(
    *, user: User, action_id: int, file_id: int
) -> ImprovementActionFile:
    """A file of an action `user` may read; else NotFound (a file of another action too)."""
    improvement_action_get_for_user(user=user, pk=action_id)
    found = ImprovementActionFile.objects.filter(action_id=action_id, pk=file_id).first()
    if found is None:
        raise NotFound(_("No such file."))
    return found


def improvement_action_case_references(
    *, user: User, action_ids: list[int]
) -> dict[int, list[str]]:
    """For a page of actions, the references of their linked cases `user` may read (one query)."""
    found: dict[int, list[str]] = {}
    rows = (
        ImprovementActionCase.objects.filter(
            action_id__in=action_ids, complaint__in=complaints_visible_to(user=user)
        )
        .order_by("complaint__reference")
        .values_list("action_id", "complaint__reference")
    )
    for action_id, reference in rows:
        found.setdefault(action_id, []).append(reference)
    return found
