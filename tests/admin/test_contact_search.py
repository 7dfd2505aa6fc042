"""The admin searches customers' phone numbers and e-mail addresses only exactly: a role that sees
138****5678 cannot recover the hidden digits by searching pieces of the number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Complaint, Customer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def masked_client(client, org):
    # An auditor: staff, sees every case, but customers' contact details only masked.
    org.auditor.is_staff = True
    org.auditor.save()
    client.force_login(org.auditor)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def customer(new_complaint):
    complaint = new_complaint(customer_phone="13812345678", customer_email="wang.xm@example.com")
    return complaint.customer


def found(client, model, term: str) -> list:
    url = reverse(f"admin:complaints_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("term", ["1381234", "13812345", "5678", "812345678", "@example.com"])
def test_pieces_of_a_phone_or_address_find_nobody(admin_client_any, customer, term):
    assert found(admin_client_any, Customer, term) == []
    assert found(admin_client_any, Complaint, term) == []


def test_the_whole_number_or_address_finds_the_customer_however_written(admin_client_any, customer):
    for term in ("13812345678", "138 1234 5678", "+86 138-1234-5678", "Wang.XM@example.com"):
        assert found(admin_client_any, Customer, term) == [customer], term
        assert [c.customer for c in found(admin_client_any, Complaint, term)] == [customer], term


def test_names_and_references_are_still_found_by_a_part(admin_client_any, customer):
    complaint = customer.complaints.get()

    assert found(admin_client_any, Customer, "王") == [customer]
    assert found(admin_client_any, Complaint, complaint.reference[-6:]) == [complaint]


def test_a_role_that_sees_masked_numbers_gets_nothing_from_guessing_digits(masked_client, customer):
    # 40 guesses at the hidden digits, as the probe made: not one answer tells them apart...
    answers = {
        len(found(masked_client, Customer, f"138{guess:04d}")) for guess in range(1230, 1270)
    }
    # ...while the masked list shows only what the role may see.
    listed = masked_client.get(reverse("admin:complaints_customer_changelist")).content.decode()

    assert answers == {0}
    assert "138****5678" in listed
    assert "13812345678" not in listed


@pytest.fixture
def admin_client_any(client, org):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client
