"""Searching complaints (complaints/selectors.py::complaint_search), for queues and the API alike."""

from __future__ import annotations

import pytest
from django.db import connection

from complaints.models import Complaint
from complaints.selectors import complaint_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(new_complaint) -> dict[str, Complaint]:
    return {
        "aircon": new_complaint(
            subject="空调维修后仍不制冷",
            description="上周维修过的空调再次不制冷。",
            customer_name="王建国",
            customer_phone="13812345678",
            customer_email="Wang.JG@example.com",
        ),
        "parcel": new_complaint(
            subject="快递延误且包装破损",
            description="订单 SO-88231 的包裹晚到五天，外箱压坏。",
            customer_name="李秀英",
            customer_phone="13987654321",
        ),
    }


def found(text: str) -> set[str]:
    return {c.subject for c in complaint_search(Complaint.objects.all(), text=text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {"空调维修后仍不制冷", "快递延误且包装破损"}),
        ("制冷", {"空调维修后仍不制冷"}),  # subject
        ("SO-88231", {"快递延误且包装破损"}),  # description
        ("秀英", {"快递延误且包装破损"}),  # customer name
        ("138 1234 5678", {"空调维修后仍不制冷"}),  # phone, written any usual way
        ("+86-139-8765-4321", {"快递延误且包装破损"}),
        ("wang.jg@EXAMPLE.com", {"空调维修后仍不制冷"}),  # e-mail, any case
        ("nobody@example.com", set()),
        ("退款", set()),
    ],
)
def test_search_matches_each_column(cases, text, expected):
    assert found(text) == expected


def test_a_reference_is_matched_exactly_in_any_case(cases):
    reference = cases["parcel"].reference

    assert found(reference.lower()) == {"快递延误且包装破损"}
    assert found(reference[-6:]) == {"快递延误且包装破损"}  # part of one: anywhere in the text


def test_digits_that_are_no_phone_number_are_searched_as_text(cases):
    assert found("88231") == {"快递延误且包装破损"}


def test_a_name_shared_by_very_many_customers_still_finds_them_all(cases, monkeypatch):
    monkeypatch.setattr("complaints.selectors.search.NAME_MATCH_LIMIT", 1)
    # "王" and "李" are two customers: past the limit, the name is matched across the join.
    assert found("建国") == {"空调维修后仍不制冷"}
    monkeypatch.setattr("complaints.selectors.search.NAME_MATCH_LIMIT", 0)
    assert found("秀英") == {"快递延误且包装破损"}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")
def test_free_text_search_can_use_the_trigram_indexes(cases):
    search = complaint_search(Complaint.objects.order_by(), text="不制冷了吗").values("pk")
    sql, params = search.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test table is tiny, where a sequential scan is always cheapest; forbid it to see
        # whether the indexes can answer at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    for index in (
        "complaint_reference_trgm_idx",
        "complaint_subject_trgm_idx",
        "complaint_description_trgm_idx",
    ):
        assert index in plan, plan


def test_the_millionth_reference_of_a_year_is_matched_exactly(cases):
    Complaint.objects.filter(pk=cases["parcel"].pk).update(reference="CP-2026-1000000")
    Complaint.objects.filter(pk=cases["aircon"].pk).update(reference="CP-2026-1000001")

    assert found("cp-2026-1000000") == {"快递延误且包装破损"}
