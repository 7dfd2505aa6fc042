"""The reveal log as auditors read it: filtered, newest first, one query per page of rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from complaints.models import ContactReveal
from complaints.selectors.search import customer_contact_lookup

CUSTOMER_NUMBER = re.compile(r"^#\s*(\d{1,18})$")


@dataclass(frozen=True)
class RevealFilters:
    """Each filter left empty does not narrow the list. Dates are local days, both included."""

    person: int | None = None
    customer: str = ""
    field: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _customer_condition(text: str) -> Q:
    """ "#123" is the customer number; a whole phone number or e-mail address matches exactly (as
    in every search: no substring of a contact detail); anything else is part of the name."""
    text = text.strip()
    number = CUSTOMER_NUMBER.match(text)
    if number:
        return Q(customer_id=int(number.group(1)))
    contact = customer_contact_lookup(text)
    if contact is not None:
        return Q(**{f"customer__{name}": value for name, value in contact.items()})
    return Q(customer__name__icontains=text)


def contact_reveals(*, filters: RevealFilters) -> QuerySet[ContactReveal]:
    """Reveals matching `filters`, newest first, with the person, customer and case joined."""
    rows = ContactReveal.objects.select_related("actor__department", "customer", "complaint")
    if filters.person is not None:
        rows = rows.filter(actor_id=filters.person)
    if filters.customer.strip():
        rows = rows.filter(_customer_condition(filters.customer))
    if filters.field:
        rows = rows.filter(field=filters.field)
    if filters.date_from is not None:
        rows = rows.filter(at__gte=_local_start(filters.date_from))
    if filters.date_to is not None:
        rows = rows.filter(at__lt=_local_start(filters.date_to + timedelta(days=1)))
    return rows.order_by("-at", "-id")


def reveal_people() -> QuerySet[User]:
    """Everyone who has revealed something: the choices of the report's person filter."""
    return (
        User.objects.filter(pk__in=ContactReveal.objects.values("actor_id"))
        .select_related("department")
        .order_by("last_name", "first_name", "username")
    )
