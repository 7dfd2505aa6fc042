"""Django admin for complaints. ReferenceSequence is deliberately not registered: it is the
counter intake locks to hand out reference numbers, and an edit could hand out a number twice."""

from complaints.admin import (
    canned,
    cases,
    categories,
    customers,
    improvement,
    injury,
    mailboxes,
    notifications,
    outside_bodies,
    procedures,
    records,
    registers,
    webhooks,
)

__all__ = [
    "canned",
    "cases",
    "categories",
    "customers",
    "improvement",
    "injury",
    "mailboxes",
    "notifications",
    "outside_bodies",
    "procedures",
    "records",
    "registers",
    "webhooks",
]
