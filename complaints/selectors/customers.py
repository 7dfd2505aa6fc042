"""Customers (客户档案): found again by phone or e-mail; the complaints and contacts a user may see.

Every query starts from `complaints_visible_to`, so the page sees exactly what the API would.
"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.errors import NotFound
from complaints.models import Complaint, Customer, CustomerContact, Decision, FollowUp
from complaints.selectors.access import complaints_visible_to


def customer_find(*, phone: str = "", email: str = "") -> Customer | None:
    """The customer with this phone, else with this e-mail (phone is the stronger identity)."""
    phone = normalize_phone(phone)
    email = normalize_email(email)
    if not phone:
        return (
            Customer.objects.filter(email=email).order_by("created_at").first() if email else None
        )
    if not email:
        return Customer.objects.filter(phone=phone).first()
    # Both, in one query: the phone's owner first, else the first customer with the address.
    # Written out: every complaint sent from the public page asks it, and building it through
    # the ORM (an OR and a CASE ordering) cost four times the query itself in CPU.
    table = Customer._meta.db_table
    found = Customer.objects.raw(
        f"SELECT * FROM {table} WHERE phone = %s OR email = %s "
        "ORDER BY CASE WHEN phone = %s THEN 0 ELSE 1 END, created_at, id LIMIT 1",
        [phone, email, phone],
    )
    return next(iter(found), None)


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
        .select_related("category", "department", "assignee__department")
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
        .select_related("complaint", "by__department")
        .order_by("-at", "-id")[:limit]
    )
