"""Customers, departments, categories and the signed-in user."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from complaints.models import State
from tests.api.conftest import error_of
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


class TestCustomers:
    def test_the_list_holds_the_customers_of_visible_complaints_masked_by_role(
        self, org, api_for, new_complaint
    ):
        ours = new_complaint(customer_name="王先生", customer_email="wang@example.com").customer
        new_complaint(customer_name="李女士", customer_phone="13900000000", department=org.legal)

        as_handler = api_for(org.handler).get("customers/").json()
        as_manager = api_for(org.manager).get("customers/").json()

        assert as_handler["count"] == 1
        assert as_handler["results"] == [
            {
                "id": ours.pk,
                "name": "王先生",
                "phone": "138****5678",
                "email": "w***@example.com",
                "region": "",
                "masked": True,
            }
        ]
        assert as_manager["count"] == 2
        assert {c["phone"] for c in as_manager["results"]} == {"+8613812345678", "+8613900000000"}

    def test_search_by_phone_email_or_name(self, org, api_for, new_complaint):
        wang = new_complaint(customer_name="王先生", customer_email="wang@example.com").customer
        li = new_complaint(customer_name="李女士", customer_phone="13900000000").customer
        api = api_for(org.manager)

        def ids(text: str) -> list[int]:
            return [c["id"] for c in api.get("customers/", search=text).json()["results"]]

        assert ids("138-1234-5678") == [wang.pk]
        assert ids("WANG@example.com") == [wang.pk]
        assert ids("女士") == [li.pk]
        assert ids("nobody") == []

    def test_a_customer_with_their_complaints_outcome_and_satisfaction(
        self, org, api_for, complaint_in, new_complaint, flow
    ):
        closed = complaint_in(State.CLOSED)  # approved decision (upheld), satisfied visit (5)
        newer = new_complaint()  # same customer, nothing decided yet

        response = api_for(org.manager).get(f"customers/{closed.customer_id}/")

        assert response.status_code == 200
        body = response.json()
        assert body["phone"] == "+8613812345678"
        assert [c["reference"] for c in body["complaints"]] == [newer.reference, closed.reference]
        assert body["complaints"][1] == {
            "reference": closed.reference,
            "state": "closed",
            "subject": closed.subject,
            "received_at": body["complaints"][1]["received_at"],
            "outcome": "upheld",
            "satisfaction": 5,
        }
        assert (body["complaints"][0]["outcome"], body["complaints"][0]["satisfaction"]) == (
            None,
            None,
        )

    def test_a_customer_without_visible_complaints_is_404(self, org, api_for, new_complaint):
        legal_case = new_complaint(customer_phone="13900000000", department=org.legal)

        response = api_for(org.handler).get(f"customers/{legal_case.customer_id}/")

        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"

    def test_the_detail_masks_the_address_too(self, org, api_for, new_complaint):
        complaint = new_complaint(customer_address="上海市浦东新区世纪大道 100 号")

        body = api_for(org.agent).get(f"customers/{complaint.customer_id}/").json()

        assert (body["address"], body["masked"]) == ("***", True)


class TestOrganisation:
    def test_departments_with_parent_and_head(self, org, api_for):
        response = api_for(org.agent).get("departments/")

        assert response.status_code == 200
        service = next(d for d in response.json() if d["code"] == "service")
        assert service == {
            "code": "service",
            "name": "服务部",
            "name_en": "",
            "display_name": "服务部",
            "kind": "business",
            "parent": "management",
            "head": "head",
            "is_active": True,
        }

    def test_categories_with_parent_codes(self, org, api_for):
        CategoryFactory(code="repair-parts", name="配件", parent=org.category)

        response = api_for(org.auditor).get("categories/")

        assert response.status_code == 200
        by_code = {c["code"]: c for c in response.json()}
        assert by_code["repair-parts"]["parent"] == "repair-quality"
        assert by_code["repair-quality"]["parent"] is None
        assert by_code["repair-quality"]["default_department"] == "service"


class TestMe:
    def test_the_signed_in_user_with_roles_limit_and_permissions(self, org, api_for):
        response = api_for(org.head).get("users/me/")

        assert response.status_code == 200
        body = response.json()
        assert body["username"] == "head"
        assert body["department"] == "service"
        assert body["roles"] == [Role.DEPT_HEAD]
        assert body["approval_limit"] == "20000.00"
        assert "approve_decision" in body["permissions"]
        assert "receive_complaint" not in body["permissions"]

    def test_an_auditor_holds_only_read_permissions(self, org, api_for):
        body = api_for(org.auditor).get("users/me/").json()

        assert body["permissions"] == ["view_all_complaints"]
        assert body["department"] is None
