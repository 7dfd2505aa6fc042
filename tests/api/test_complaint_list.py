"""The complaint list: pagination, scope per role, every filter, search and ordering."""

from __future__ import annotations

from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from complaints.models import Complaint, Severity
from tests.api.conftest import error_of
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


class TestList:
    def test_a_page_lists_the_visible_complaints_newest_first(self, org, api_for, new_complaint):
        older = new_complaint(received_at=timezone.now() - timedelta(hours=2))
        newer = new_complaint(customer_phone="13900000000")

        body = api_for(org.manager).get("complaints/").json()

        assert body["count"] == 2
        assert [c["reference"] for c in body["results"]] == [newer.reference, older.reference]
        assert set(body) == {"count", "next", "previous", "results"}

    def test_pages_hold_25_by_default_and_up_to_100_on_request(self, org, api_for, new_complaint):
        for n in range(27):
            new_complaint(customer_phone=f"1391234{n:04d}")
        api = api_for(org.manager)

        first = api.get("complaints/").json()
        big = api.get("complaints/", page_size=500).json()
        second = api.get("complaints/", page=2).json()

        assert len(first["results"]) == 25
        assert first["next"].endswith("page=2")
        assert len(big["results"]) == 27
        assert len(second["results"]) == 2
        assert api.get("complaints/", page=3).status_code == 404

    def test_a_department_handler_sees_only_their_departments_cases(
        self, org, api_for, new_complaint
    ):
        ours = new_complaint()
        new_complaint(customer_phone="13900000000", department=org.legal)

        handler_refs = [
            c["reference"] for c in api_for(org.handler).get("complaints/").json()["results"]
        ]
        other_refs = [
            c["reference"] for c in api_for(org.other_handler).get("complaints/").json()["results"]
        ]

        assert handler_refs == [ours.reference]
        assert ours.reference not in other_refs and len(other_refs) == 1

    def test_filters_narrow_the_list(self, org, api_for, new_complaint, flow):
        triaged = flow.run(new_complaint(), "start_triage")
        urgent = new_complaint(customer_phone="13900000001", severity=Severity.URGENT)
        by_email = new_complaint(
            customer_phone="", customer_email="li@example.com", channel="email"
        )
        legal = new_complaint(customer_phone="13900000002", department=org.legal)
        api = api_for(org.manager)

        def refs(**params) -> set[str]:
            response = api.get("complaints/", **params)
            assert response.status_code == 200, response.json()
            return {c["reference"] for c in response.json()["results"]}

        assert refs(state="triage") == {triaged.reference}
        assert refs(severity="urgent") == {urgent.reference}
        assert refs(channel="email") == {by_email.reference}
        assert refs(department="legal") == {legal.reference}
        assert refs(escalation_level=1) == set()
        assert refs(search="li@example.com") == {by_email.reference}
        assert refs(search=urgent.reference) == {urgent.reference}
        assert refs(search="138 1234 5678") == {triaged.reference}

    def test_filters_by_assignee_category_and_time_received(self, org, api_for, new_complaint):
        sub = CategoryFactory(code="repair-parts", name="配件", parent=org.category)
        assigned = new_complaint()
        Complaint.objects.filter(pk=assigned.pk).update(assignee=org.handler)
        in_sub = new_complaint(customer_phone="13900000003", category=sub)
        old = new_complaint(
            customer_phone="13900000004", received_at=timezone.now() - timedelta(days=10)
        )
        api = api_for(org.manager)

        def refs(**params) -> set[str]:
            return {c["reference"] for c in api.get("complaints/", **params).json()["results"]}

        assert refs(assignee="handler") == {assigned.reference}
        # A category includes its sub-categories.
        assert refs(category="repair-parts") == {in_sub.reference}
        assert refs(category="repair-quality") == {
            assigned.reference,
            in_sub.reference,
            old.reference,
        }
        since = (timezone.now() - timedelta(days=2)).isoformat()
        assert old.reference not in refs(received_at_after=since)
        assert refs(received_at_before=since) == {old.reference}
        # An offset beyond PostgreSQL's ±15:59 is the same instant in UTC (was a 500).
        far_west = (timezone.now() - timedelta(days=2)).astimezone(
            dt_timezone(-timedelta(hours=16, minutes=13))
        )
        assert refs(received_at_before=far_west.isoformat()) == {old.reference}
        assert old.reference not in refs(received_at_after=far_west.isoformat())

    def test_overdue_and_ordering_by_due_time(self, org, api_for, new_complaint):
        late = new_complaint(received_at=timezone.now() - timedelta(days=3))
        fresh = new_complaint(customer_phone="13900000005")
        api = api_for(org.manager)

        overdue = api.get("complaints/", overdue="true").json()["results"]
        by_due = api.get("complaints/", ordering="due").json()["results"]
        by_due_desc = api.get("complaints/", ordering="-due").json()["results"]

        assert [c["reference"] for c in overdue] == [late.reference]
        assert [c["reference"] for c in by_due] == [late.reference, fresh.reference]
        assert [c["reference"] for c in by_due_desc] == [fresh.reference, late.reference]

    @pytest.mark.parametrize(
        "params", [{"state": "bogus"}, {"ordering": "password"}, {"department": "nowhere"}]
    )
    def test_invalid_filter_values_are_field_errors(self, org, api_for, params):
        response = api_for(org.manager).get("complaints/", **params)

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == set(params)
