"""Reference numbers on PostgreSQL: a sequence per year, so intakes never queue behind one another
(complaints.services.intake.next_reference; SQLite counts in the ReferenceSequence row)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from complaints.models import ReferenceSequence
from complaints.services.intake import next_reference

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sequences"),
]


def number(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


@pytest.mark.django_db
def test_the_sequence_goes_on_from_the_years_counter_row():
    # A database that numbered 2018's complaints with the row counter before.
    ReferenceSequence.objects.create(year=2018, last_number=41)
    at = datetime(2018, 6, 1, 4, tzinfo=UTC)

    assert next_reference(received_at=at) == "CP-2018-000042"
    assert next_reference(received_at=at) == "CP-2018-000043"


@pytest.mark.django_db
def test_a_number_taken_by_an_intake_that_failed_is_not_handed_out_again():
    at = datetime(2017, 6, 1, 4, tzinfo=UTC)
    first = next_reference(received_at=at)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference(received_at=at)
        raise RuntimeError("the intake failed after taking its number")

    # A gap, never a number given twice.
    assert number(next_reference(received_at=at)) == number(first) + 2


@pytest.mark.django_db(transaction=True)
def test_an_intake_waiting_to_commit_holds_up_no_other():
    at = datetime(2016, 6, 1, 4, tzinfo=UTC)
    with transaction.atomic():
        next_reference(received_at=at)  # the year's sequence exists, committed
    taken, release = threading.Event(), threading.Event()
    numbers: dict[str, str] = {}

    def slow_intake() -> None:
        try:
            with transaction.atomic():
                numbers["slow"] = next_reference(received_at=at)
                taken.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_intake)
    thread.start()
    try:
        assert taken.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A lock held to the other's commit would fail here rather than hang the test.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            numbers["fast"] = next_reference(received_at=at)
    finally:
        release.set()
        thread.join(10)
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE IF EXISTS complaint_reference_2016")

    assert number(numbers["fast"]) == number(numbers["slow"]) + 1
