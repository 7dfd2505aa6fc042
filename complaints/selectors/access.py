"""Who may see which complaint: decided here, once, for every list and detail of every door."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import department_scope_ids
from complaints.errors import NotFound
from complaints.models import Complaint


def complaints_visible_to(*, user: User | AnonymousUser) -> QuerySet[Complaint]:
    """Every complaint `user` may see: all, their department's (a head: the subtree), or their own."""
    complaints: QuerySet[Complaint] = Complaint.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return complaints.none()  # anonymous (e.g. the API schema generator) or deactivated
    if user.has_perm("complaints.view_all_complaints"):
        return complaints
    own = Q(assignee=user) | Q(received_by=user)
    if user.has_perm("complaints.view_department_complaints"):
        own |= Q(department_id__in=department_scope_ids(user=user))
    return complaints.filter(own)


def complaint_is_visible_to(*, user: User, complaint: Complaint) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    if user.has_perm("complaints.view_all_complaints"):
        return True
    if user.pk in (complaint.assignee_id, complaint.received_by_id):
        return True
    return user.has_perm("complaints.view_department_complaints") and (
        complaint.department_id in department_scope_ids(user=user)
    )


def complaint_get_for_user(*, user: User, reference: str) -> Complaint:
    """The complaint with this reference if `user` may see it; otherwise NotFound, never a hint."""
    complaint = (
        complaints_visible_to(user=user)
        .select_related("customer", "category", "department", "assignee", "received_by")
        .filter(reference=reference)
        .first()
    )
    if complaint is None:
        raise NotFound()
    return complaint
