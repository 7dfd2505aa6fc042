"""The customer page (客户档案): masked contacts, visible complaints, outcomes and contacts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, CustomerContact, State
from complaints.services import contact_record
from tests.conftest import Org
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"  # new_complaint's customer phone


def url(customer_id: int) -> str:
    return reverse("customer_detail", args=[customer_id])


def rows(response) -> list[str]:
    return [c.reference for c in response.context["complaints"]]


@pytest.fixture
def customer_cases(org: Org, new_complaint, complaint_in):
    """Three complaints of one customer: one closed with an outcome and a satisfied visit, one
    open in the service department, and one of the legal department."""
    closed = complaint_in(State.CLOSED, customer_email="wang@example.com")
    open_case = new_complaint(subject="第二次投诉")
    legal = new_complaint(subject="法务部的案件")
    Complaint.objects.filter(pk=legal.pk).update(department_id=org.legal.pk)
    return {"closed": closed, "open": open_case, "legal": legal}


class TestDetails:
    def test_contact_details_are_masked_for_roles_without_pii_access(
        self, org: Org, client_for, customer_cases
    ) -> None:
        customer = customer_cases["open"].customer

        response = client_for(org.handler).get(url(customer.pk))

        assert response.status_code == 200
        page = response.content.decode()
        assert customer.name in page
        assert "138****5678" in page
        assert PHONE not in page
        assert "w***@example.com" in page
        assert "wang@example.com" not in page
        assert 'data-testid="masked"' in page

    def test_the_complaint_manager_sees_them_in_full(
        self, org: Org, client_for, customer_cases
    ) -> None:
        customer = customer_cases["open"].customer

        page = client_for(org.manager).get(url(customer.pk)).content.decode()

        assert "+8613812345678" in page
        assert "wang@example.com" in page
        assert 'data-testid="masked"' not in page

    def test_complaints_with_outcome_and_satisfaction(
        self, org: Org, client_for, customer_cases
    ) -> None:
        customer = customer_cases["open"].customer

        response = client_for(org.manager).get(url(customer.pk))

        assert rows(response) == [
            customer_cases["legal"].reference,
            customer_cases["open"].reference,
            customer_cases["closed"].reference,
        ]
        closed = next(c for c in response.context["complaints"] if c.state == State.CLOSED)
        assert closed.decided_outcome == "upheld"
        assert closed.satisfaction == 5
        page = response.content.decode()
        assert "Upheld" in page
        assert "5 / 5" in page
        assert response.context["open_count"] == 2
        assert response.context["average_satisfaction"] == 5

    def test_contact_history_newest_first(self, org: Org, client_for, customer_cases) -> None:
        case = customer_cases["open"]
        now = timezone.now()
        earlier = contact_record(
            complaint=case,
            actor=org.agent,
            channel="phone",
            direction="outbound",
            summary="已致电客户确认故障情况。",
            at=now - timedelta(hours=2),
        )
        later = contact_record(
            complaint=case,
            actor=org.agent,
            channel="email",
            direction="inbound",
            summary="客户来信补充照片。",
            at=now - timedelta(hours=1),
        )

        response = client_for(org.handler).get(url(case.customer_id))

        of_case = [c.pk for c in response.context["contacts"] if c.complaint_id == case.pk]
        # the automatic acknowledgment of the intake (the customer has an e-mail address) is newest
        acknowledgement = case.contacts.get(purpose="acknowledgement")
        assert of_case == [acknowledgement.pk, later.pk, earlier.pk]
        page = response.content.decode()
        assert "客户来信补充照片。" in page
        assert page.index("客户来信补充照片。") < page.index("已致电客户确认故障情况。")


class TestScope:
    def test_a_handler_sees_only_the_complaints_of_their_department(
        self, org: Org, client_for, customer_cases
    ) -> None:
        customer = customer_cases["open"].customer
        CustomerContact.objects.create(
            complaint=customer_cases["legal"],
            channel="phone",
            direction="outbound",
            summary="法务部联系记录",
            by=org.other_handler,
            at=timezone.now(),
        )

        response = client_for(org.handler).get(url(customer.pk))

        assert customer_cases["legal"].reference not in rows(response)
        assert set(rows(response)) == {
            customer_cases["open"].reference,
            customer_cases["closed"].reference,
        }
        assert "法务部联系记录" not in response.content.decode()

    def test_a_customer_without_a_visible_complaint_is_not_found(
        self, org: Org, client_for, new_complaint
    ) -> None:
        case = new_complaint(customer_phone="13900002222")

        response = client_for(org.other_handler).get(url(case.customer_id))

        assert response.status_code == 404

    def test_roles_that_see_every_complaint_see_any_customer(
        self, org: Org, client_for, new_complaint
    ) -> None:
        case = new_complaint(customer_phone="13900003333")

        for user in (org.agent, org.manager, org.executive, org.auditor):
            assert client_for(user).get(url(case.customer_id)).status_code == 200

    def test_an_unknown_customer_is_not_found(self, org: Org, client_for) -> None:
        assert client_for(org.manager).get(url(999999)).status_code == 404

    def test_the_queue_links_to_the_customer_page(
        self, org: Org, client_for, customer_cases
    ) -> None:
        page = client_for(org.agent).get(reverse("queue", args=["triage"])).content.decode()

        assert url(customer_cases["open"].customer_id) in page


class TestQueryCounts:
    def test_the_page_costs_the_same_for_3_complaints_as_for_30(
        self, org: Org, client_for, new_complaint
    ) -> None:
        customer = new_complaint().customer
        client = client_for(org.handler)

        def add(count: int) -> None:
            for _ in range(count):
                complaint = ComplaintFactory(customer=customer, department=org.service)
                CustomerContact.objects.create(
                    complaint=complaint,
                    channel="phone",
                    direction="outbound",
                    summary="回访",
                    by=org.agent,
                    at=timezone.now(),
                )

        add(2)
        with CaptureQueriesContext(connection) as few:
            response = client.get(url(customer.pk))
        assert len(rows(response)) == 3

        add(27)
        with CaptureQueriesContext(connection) as many:
            response = client.get(url(customer.pk))

        assert len(rows(response)) == 30
        assert len(response.context["contacts"]) >= 29
        assert len(many.captured_queries) == len(few.captured_queries)
