"""Read queries of the customers' complaint form: the complaint a form key or a link names."""

from __future__ import annotations

from django.db import connection

from complaints.models import Complaint, PublicSubmission


def submission_find(*, submission_key: str) -> Complaint | None:
    """The complaint a form with this one-time key already created, if any."""
    # Almost every key is new: a narrow look-up of the key's own table first, written out (asked
    # for every complaint sent; the ORM took ten times the query's own CPU to build it).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT complaint_id FROM {PublicSubmission._meta.db_table} WHERE submission_key = %s",
            [submission_key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    complaint_id = row[0]
    # Annotated: under Python 3.11 mypy reads django-fsm's mixin, and so Complaint.objects, as Any.
    complaint: Complaint = Complaint.objects.select_related("customer").get(pk=complaint_id)
    return complaint


def complaint_for_receipt(*, public_token: str) -> Complaint | None:
    """The complaint whose receipt page a signed link opens (by its random public token)."""
    complaint: Complaint | None = (
        Complaint.objects.filter(public_token=public_token)
        .only("pk", "reference", "public_token", "reopen_count", "received_at", "state")
        .first()
    )
    return complaint
