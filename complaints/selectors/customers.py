"""Read queries of the staff workspace: the notification inbox and the customer page (客户档案).

Kept apart from complaints/selectors.py, which the API and the services share; every query here
still starts from `complaints_visible_to`, so the pages see exactly what the API would.
"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.errors import NotFound
from complaints.models import Complaint, Customer, CustomerContact, Decision, FollowUp, Notification
from complaints.selectors import complaints_visible_to


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's inbox, newest first, with the case each message is about joined in."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.select_related("complaint").order_by("-created_at", "-id")


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's reads as missing."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification


def customer_get_for_user(*, user: User, pk: int) -> Customer:
    """The customer if `user` may see at least one of their complaints (or sees every complaint).

    A department-scoped user asking for a customer outside their scope gets the same NotFound as
    for a customer that does not exist.
    """
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None:
        raise NotFound(_("No such customer."))
    if user.has_perm("complaints.view_all_complaints"):
        return customer
    if not complaints_visible_to(user=user).filter(customer=customer).exists():
        raise NotFound(_("No such customer."))
    return customer


def customer_complaints(*, user: User, customer: Customer) -> QuerySet[Complaint]:
    """The customer's complaints `user` may see, newest first, with outcome and satisfaction.

    `decided_outcome`, `decided_remedy` and `decided_amount` come from the latest approved decision,
    `satisfaction` from the latest follow-up visit that reached the customer; all as subqueries, so
    the list is one query.
    """
    approved = Decision.objects.filter(
        complaint=OuterRef("pk"), state=Decision.Status.APPROVED
    ).order_by("-round", "-approved_at", "-id")
    reached = FollowUp.objects.filter(
        complaint=OuterRef("pk"), reached=True, satisfaction__isnull=False
    ).order_by("-at", "-id")
    return (
        complaints_visible_to(user=user)
        .filter(customer=customer)
        .select_related("category", "department", "assignee")
        .annotate(
            decided_outcome=Subquery(approved.values("outcome")[:1]),
            decided_remedy=Subquery(approved.values("remedy")[:1]),
            decided_amount=Subquery(approved.values("amount")[:1]),
            satisfaction=Subquery(reached.values("satisfaction")[:1]),
        )
        .order_by("-received_at", "-pk")
    )


def customer_contact_history(
    *, user: User, customer: Customer, limit: int = 200
) -> list[CustomerContact]:
    """Logged contacts on the customer's complaints that `user` may see, newest first."""
    visible = complaints_visible_to(user=user).filter(customer=customer).values("pk")
    return list(
        CustomerContact.objects.filter(complaint__in=visible)
        .select_related("complaint", "by")
        .order_by("-at", "-id")[:limit]
    )
