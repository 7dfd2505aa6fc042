"""Search over complaints: a reference, a phone number or an e-mail address exactly, else words."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.domain.references import parse_reference
from complaints.errors import InvalidInput
from complaints.models import Complaint, Customer


def complaint_search(complaints: QuerySet[Complaint], *, text: str) -> QuerySet[Complaint]:
    """Search by reference, customer (name, phone, e-mail), subject and description.

    A reference, a phone number or an e-mail address is matched exactly on an indexed column, so
    looking a caller up stays fast over millions of cases; other words match text anywhere.
    """
    text = (text or "").strip()
    if not text:
        return complaints
    reference = parse_reference(text)
    if reference:
        return complaints.filter(reference=reference)
    contact = customer_contact_lookup(text)
    if contact is not None:
        return complaints.filter(
            **{f"customer__{field}": value for field, value in contact.items()}
        )
    return complaints.filter(
        Q(reference__icontains=text)
        | Q(subject__icontains=text)
        | Q(description__icontains=text)
        | _customer_name_matches(text)
    )


# Up to this many customers matched by name are looked up first and matched by id.
NAME_MATCH_LIMIT = 1000


def _customer_name_matches(text: str) -> Q:
    """Customers whose name contains `text`, as a condition on the complaint's own columns.

    Matching by id keeps every part of the search on indexes of the complaint table (trigram
    indexes on PostgreSQL, see migration 0011), which PostgreSQL combines in one bitmap scan; a
    condition across the join would make it read the whole table. A word so common that more than
    NAME_MATCH_LIMIT customers carry it falls back to the join.
    """
    ids = list(
        Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)[
            : NAME_MATCH_LIMIT + 1
        ]
    )
    if len(ids) > NAME_MATCH_LIMIT:
        return Q(customer__name__icontains=text)
    return Q(customer_id__in=ids)


PHONE_LIKE = re.compile(r"^\+?[\d\s()\-]{7,20}$")


def customer_contact_lookup(text: str) -> dict[str, str] | None:
    """{"email": …} or {"phone": …} when the search text is an address or a phone number, in the
    stored form (both columns are indexed); None for anything else, which is searched as words."""
    if "@" in text:
        return {"email": normalize_email(text)}
    if PHONE_LIKE.match(text):
        try:
            return {"phone": normalize_phone(text)}
        except InvalidInput:
            return None  # digits that are no phone number
    return None
