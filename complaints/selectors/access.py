"""Who may see which complaint, and who may work on it: decided here, once, for every door.

Two circles, one inside the other:

- **In charge** (may work on the case, as far as their role's permissions go): every case for the
  roles that see everything; otherwise the cases assigned to them, the cases they received and, for
  department-scoped roles, their department's (a head's: the whole subtree).
- **May read**: those, and every case they worked on or were asked to act on (`CaseParticipant`,
  kept by the timeline writer: quality control and purchasing read the case they were told of). A handler who hands a case to another department keeps reading it, with the note they
  just wrote, and can no longer change it: every service refuses them (`complaint_is_workable_by`).

Each circle is a union of branches, conditions on the complaint row. Where a list is exactly one
branch (my cases, my department, handled by me), `complaints_in_branch` gives that branch alone: it
is inside the circle by construction, and PostgreSQL estimates one plain condition well, where the
OR of every branch and-ed with the same condition again made it guess a tenth of the rows and plan
a hash join over all customers (issue 12, §3).
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.selectors import department_scope_ids
from complaints.errors import NotFound
from complaints.models import CaseParticipant, Complaint

VIEW_ALL = "complaints.view_all_complaints"
VIEW_DEPARTMENT = "complaints.view_department_complaints"

# The branches a queue may be made of (see complaints.queues).
ASSIGNED = "assigned"
DEPARTMENT = "department"
PARTICIPATED = "participated"


def _active(user: User | AnonymousUser) -> TypeGuard[User]:
    # Anonymous (e.g. the API schema generator) or deactivated people see nothing.
    return isinstance(user, User) and user.is_active


def _worked_on(user: User) -> Q:
    return Q(Exists(CaseParticipant.objects.filter(user=user, complaint=OuterRef("pk"))))


def _in_charge_branches(user: User) -> list[Q]:
    branches = [Q(assignee=user), Q(received_by=user)]
    if user.has_perm(VIEW_DEPARTMENT):
        branches.append(Q(department_id__in=department_scope_ids(user=user)))
    return branches


def _in_charge(user: User) -> Q:
    own = Q()
    for branch in _in_charge_branches(user):
        own |= branch
    return own


def workable_branches(*, user: User) -> list[Q] | None:
    """The branches whose union is `complaints_workable_by(user)`, for lists that read each branch
    on its own index (complaints.queues.BranchUnion); None when the user is in charge of all."""
    if not _active(user) or user.has_perm(VIEW_ALL):
        return None
    return _in_charge_branches(user)


def complaints_visible_to(*, user: User | AnonymousUser) -> QuerySet[Complaint]:
    """Every complaint `user` may read: all; else theirs, their department's and those they worked
    on or were asked to act on."""
    complaints: QuerySet[Complaint] = Complaint.objects.all()
    if not _active(user):
        return complaints.none()
    if user.has_perm(VIEW_ALL):
        return complaints
    return complaints.filter(_in_charge(user) | _worked_on(user))


def complaints_workable_by(*, user: User | AnonymousUser) -> QuerySet[Complaint]:
    """Every complaint `user` is in charge of: may act on, as far as their role allows."""
    complaints: QuerySet[Complaint] = Complaint.objects.all()
    if not _active(user):
        return complaints.none()
    if user.has_perm(VIEW_ALL):
        return complaints
    return complaints.filter(_in_charge(user))


def complaints_in_branch(*, user: User, branch: str) -> QuerySet[Complaint]:
    """The cases of one branch of the user's reading circle: assigned to them, their department's
    or worked on by them. Nothing for a branch the user does not have (no department scope)."""
    complaints: QuerySet[Complaint] = Complaint.objects.all()
    if not _active(user):
        return complaints.none()
    if branch == ASSIGNED:
        return complaints.filter(assignee=user)
    if branch == PARTICIPATED:
        return complaints.filter(_worked_on(user))
    if branch == DEPARTMENT:
        scope = department_scope_ids(user=user) if user.has_perm(VIEW_DEPARTMENT) else set()
        return complaints.filter(department_id__in=scope) if scope else complaints.none()
    raise ValueError(f"unknown branch of the scope: {branch!r}")


def complaint_is_workable_by(*, user: User, complaint: Complaint) -> bool:
    """Whether `user` is in charge of the case (see the module's note); no query for most people."""
    if not user.is_active or not user.is_authenticated:
        return False
    if user.has_perm(VIEW_ALL):
        return True
    if user.pk in (complaint.assignee_id, complaint.received_by_id):
        return True
    return user.has_perm(VIEW_DEPARTMENT) and (
        complaint.department_id in department_scope_ids(user=user)
    )


def complaint_is_visible_to(*, user: User, complaint: Complaint) -> bool:
    """Whether `user` may read the case: in charge of it, or worked on it."""
    if complaint_is_workable_by(user=user, complaint=complaint):
        return True
    if not user.is_active or not user.is_authenticated:
        return False
    return CaseParticipant.objects.filter(user=user, complaint_id=complaint.pk).exists()


# The people of a case, read after it: joined into the case's own query (with their departments)
# they made it a nine-table join that PostgreSQL took ~2.5 ms to plan on every case page and
# action, five times its execution; one small query for both costs a tenth of that.
CASE_PEOPLE = ("assignee", "received_by")


def complaint_get_for_user(*, user: User, reference: str) -> Complaint:
    """The complaint with this reference if `user` may read it; otherwise NotFound, never a hint.

    Loaded with its customer, category (and its parent), department, and its assignee and
    receiver with their departments.
    """
    # Annotated: under Python 3.11 mypy reads django-fsm's mixin, and so Complaint, as Any.
    complaint: Complaint | None = next(
        iter(
            complaints_visible_to(user=user)
            .select_related("customer", "category__parent", "department")
            .filter(reference=reference)
            .order_by()[:1]  # the reference is unique: no sort
        ),
        None,
    )
    if complaint is None:
        raise NotFound()
    ids = {getattr(complaint, f"{name}_id") for name in CASE_PEOPLE} - {None}
    people = User.objects.select_related("department").in_bulk(ids) if ids else {}
    for name in CASE_PEOPLE:
        field = Complaint._meta.get_field(name)
        field.set_cached_value(complaint, people.get(getattr(complaint, f"{name}_id")))
    return complaint
