"""Recording a complaint (complaints/services/intake.py and customers.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.domain.contact_details import normalize_phone
from complaints.errors import InvalidInput, PermissionDenied
from complaints.models import CaseEvent, Complaint, Customer, Severity, State
from complaints.selectors.customers import customer_find
from complaints.services import Flags
from sla.models import EscalationSettings
from tests.factories import CategoryFactory

REFERENCE = re.compile(r"^CP-(\d{4})-(\d{6})$")


# --- reference and public link ----------------------------------------------------------------


def test_each_complaint_gets_the_next_reference_of_its_year(new_complaint):
    # when two complaints are recorded one after the other
    first = new_complaint()
    second = new_complaint()

    # then both are CP-<year>-<6 digits>, numbered one after the other in this year
    year = timezone.localtime().year
    first_match, second_match = REFERENCE.match(first.reference), REFERENCE.match(second.reference)
    assert first_match and second_match
    assert int(first_match[1]) == int(second_match[1]) == year
    assert int(second_match[2]) == int(first_match[2]) + 1


def test_the_reference_year_is_the_local_year_of_receipt(new_complaint):
    # given two calls either side of midnight on new year's eve in Shanghai (UTC+8)
    before_midnight = datetime(2024, 12, 31, 15, 30, tzinfo=UTC)  # 23:30 local
    after_midnight = datetime(2024, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 local, 2025

    # then each is numbered in its own local year, each year starting at 1
    assert new_complaint(received_at=before_midnight).reference == "CP-2024-000001"
    assert new_complaint(received_at=after_midnight).reference == "CP-2025-000001"
    assert new_complaint(received_at=after_midnight).reference == "CP-2025-000002"


def test_the_public_link_token_is_long_random_and_unique(new_complaint):
    complaints = [new_complaint() for _ in range(10)]
    tokens = [complaint.public_token for complaint in complaints]

    assert len(set(tokens)) == len(tokens)
    for complaint in complaints:
        # 24 random bytes: 32 URL-safe characters, not derived from the reference
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", complaint.public_token)
        assert complaint.reference not in complaint.public_token
        assert complaint.reference.split("-")[-1] not in complaint.public_token


# --- the customer record ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["138 1234 5678", "+86 13812345678", "+86-138-1234-5678", "(+86)13812345678"]
)
def test_the_same_phone_written_differently_finds_the_same_customer(new_complaint, written):
    # given a customer known by 13812345678
    first = new_complaint(customer_phone="13812345678")

    # when they call again and the number is written another way
    second = new_complaint(customer_phone=written, customer_name="王建国")

    # then it is the same customer record, stored in E.164
    assert second.customer == first.customer
    assert Customer.objects.count() == 1
    assert second.customer.phone == "+8613812345678"
    assert second.customer.name == "王先生"


def test_the_same_email_in_other_letter_case_finds_the_same_customer(new_complaint):
    first = new_complaint(customer_phone="", customer_email="Wang.Jian@Example.COM")
    second = new_complaint(customer_phone="", customer_email="  wang.jian@example.com ")

    assert second.customer == first.customer
    assert first.customer.email == "wang.jian@example.com"
    assert Customer.objects.count() == 1


def test_a_returning_customer_gets_missing_details_filled_in(new_complaint):
    # given a customer known only by e-mail
    first = new_complaint(customer_phone="", customer_email="li@example.com")

    # when they come back with their e-mail and now a phone number
    second = new_complaint(customer_phone="139 0000 1111", customer_email="li@example.com")

    # then the record is reused and gains the phone number
    assert second.customer == first.customer
    second.customer.refresh_from_db()
    assert second.customer.phone == "+8613900001111"


def test_the_phone_number_wins_over_the_email(new_complaint):
    by_phone = new_complaint(customer_phone="13811112222", customer_email="a@example.com")
    by_email = new_complaint(customer_phone="13833334444", customer_email="b@example.com")

    again = new_complaint(customer_phone="13811112222", customer_email="b@example.com")

    assert again.customer == by_phone.customer != by_email.customer


def test_an_unknown_phone_with_a_shared_address_finds_the_first_customer_with_it(db):
    # Two records share an address (a family's e-mail); the phone given belongs to neither.
    first = Customer.objects.create(name="王先生", phone="+8613811112222", email="home@example.com")
    Customer.objects.create(name="王太太", phone="+8613833334444", email="home@example.com")
    Customer.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=30))

    with CaptureQueriesContext(connection) as queries:
        found = customer_find(phone="13955556666", email="Home@Example.com")

    assert found == first
    assert len(queries) == 1  # phone and address in one look-up


def test_a_new_customer_is_created_when_neither_phone_nor_email_match(new_complaint):
    known = new_complaint(customer_phone="13811112222", customer_email="a@example.com")

    stranger = new_complaint(
        customer_name="李女士", customer_phone="13955556666", customer_email="c@example.com"
    )

    assert stranger.customer != known.customer
    assert Customer.objects.count() == 2
    assert (stranger.customer.name, stranger.customer.email) == ("李女士", "c@example.com")


@pytest.mark.parametrize("phone", ["abc", "12", "138123456789012345"])
def test_an_invalid_phone_number_is_refused(new_complaint, phone):
    with pytest.raises(InvalidInput) as refused:
        new_complaint(customer_phone=phone)

    assert "phone" in refused.value.fields
    assert not Complaint.objects.exists()
    assert not Customer.objects.exists()


def test_a_customer_needs_a_way_to_be_reached(new_complaint):
    with pytest.raises(InvalidInput) as refused:
        new_complaint(customer_phone="", customer_email="")

    assert "phone" in refused.value.fields
    assert not Complaint.objects.exists()


def test_phone_normalisation_handles_landlines_and_blanks():
    assert normalize_phone("010-6512 3456") == "+861065123456"
    assert normalize_phone("  ") == ""


def test_a_number_read_before_is_refused_or_read_again_alike(settings):
    # Numbers are parsed once per process (the same form reads its number several times): a
    # wrong one is refused every time, and the region in force still decides.
    for _attempt in range(2):
        with pytest.raises(InvalidInput):
            normalize_phone("12")
        assert normalize_phone("138 1234 5678") == "+8613812345678"
    settings.COMPLAINTS_DEFAULT_PHONE_REGION = "GB"
    assert normalize_phone("020 7946 0018") == "+442079460018"


# --- what is recorded -------------------------------------------------------------------------


def test_a_complaint_is_recorded_in_intake_with_a_first_timeline_entry(org, new_complaint):
    received = timezone.now() - timedelta(hours=3)

    complaint = new_complaint(received_at=received, customer_region="上海市")

    assert complaint.state == State.INTAKE
    assert complaint.received_at == received
    assert complaint.received_by == org.agent
    assert complaint.region == "上海市"
    event = complaint.events.get()
    assert (event.kind, event.actor, event.to_state) == (
        CaseEvent.Kind.CREATED,
        org.agent,
        State.INTAKE,
    )
    assert event.customer_visible is True
    assert event.data["channel"] == "phone"


def test_the_created_entry_and_the_acknowledgment_are_written_in_one_insert(new_complaint):
    with CaptureQueriesContext(connection) as queries:
        complaint = new_complaint(customer_email="wang@example.com")

    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "complaints_caseevent"')
    ]
    assert len(inserts) == 1
    created, contact = complaint.events.order_by("pk")
    assert created.kind == CaseEvent.Kind.CREATED
    assert created.data["acknowledgement"] == "emailed"
    assert contact.kind == CaseEvent.Kind.CONTACT
    assert contact.data["purpose"] == "acknowledgement"
    assert contact.data["contact_id"] == complaint.contacts.get().pk
    assert created.at <= contact.at


def test_a_customer_may_file_on_the_public_page_without_an_actor(new_complaint):
    complaint = new_complaint(actor=None, channel="web")

    assert complaint.received_by is None
    assert complaint.events.get().actor is None


def test_a_time_received_in_the_future_is_refused(new_complaint):
    # when the time is an hour ahead, then it is refused
    with pytest.raises(InvalidInput) as refused:
        new_complaint(received_at=timezone.now() + timedelta(hours=1))
    assert "received_at" in refused.value.fields
    assert not Complaint.objects.exists()

    # when it is a minute ahead (a clock a little fast), then it is accepted
    assert new_complaint(received_at=timezone.now() + timedelta(minutes=1)).pk is not None


def test_missing_or_wrong_fields_are_all_named(new_complaint):
    with pytest.raises(InvalidInput) as refused:
        new_complaint(
            channel="telepathy",
            subject=" ",
            description="",
            amount_claimed=Decimal(-5),
            severity="apocalyptic",
        )

    assert set(refused.value.fields) == {
        "channel",
        "subject",
        "description",
        "amount_claimed",
        "severity",
    }


@pytest.mark.parametrize(
    ("flags", "amount", "severity", "expected"),
    [
        (Flags(), None, "", Severity.GENERAL),
        (Flags(personal_injury=True), None, "", Severity.URGENT),
        (Flags(media_involved=True), None, "", Severity.URGENT),
        (Flags(regulator_involved=True), None, "", Severity.URGENT),
        (Flags(legal_risk=True), None, "", Severity.COMPLEX),
        (Flags(), Decimal("49999.99"), "", Severity.GENERAL),
        (Flags(), Decimal(50000), "", Severity.MAJOR),
        (Flags(personal_injury=True), Decimal(80000), "", Severity.MAJOR),
        (Flags(personal_injury=True), None, Severity.COMPLEX, Severity.URGENT),
        (Flags(personal_injury=True), None, Severity.MAJOR, Severity.MAJOR),
        (Flags(), None, Severity.COMPLEX, Severity.COMPLEX),
    ],
)
def test_the_facts_raise_the_severity_but_never_lower_it(
    new_complaint, flags, amount, severity, expected
):
    complaint = new_complaint(flags=flags, amount_claimed=amount, severity=severity)

    assert complaint.severity == expected
    assert complaint.personal_injury == flags.personal_injury


def test_the_large_claim_threshold_is_configurable(new_complaint):
    # one threshold for "major" and for the escalation to senior management, set in the admin
    EscalationSettings.objects.update_or_create(
        pk=1, defaults={"large_claim_threshold": Decimal(10000)}
    )

    assert new_complaint(amount_claimed=Decimal(10000)).severity == Severity.MAJOR
    assert new_complaint(amount_claimed=Decimal(9999)).severity == Severity.GENERAL


def test_the_category_gives_the_default_department_and_severity(org, new_complaint):
    # given a category routed to 法务部 and complex by default
    contract = CategoryFactory(
        code="contract-terms", default_department=org.legal, default_severity=Severity.COMPLEX
    )

    # then a complaint in it goes there, unless the agent chose another department
    assert new_complaint().department == org.service
    routed = new_complaint(category=contract)
    assert (routed.department, routed.severity) == (org.legal, Severity.COMPLEX)
    assert new_complaint(category=contract, department=org.service).department == org.service
    assert new_complaint(category=None).department is None


@pytest.mark.parametrize("role", ["handler", "head", "executive", "auditor", "other_handler"])
def test_only_people_who_receive_complaints_may_record_them(org, new_complaint, role):
    with pytest.raises(PermissionDenied):
        new_complaint(actor=getattr(org, role))

    assert not Complaint.objects.exists()
    assert not Customer.objects.exists()


def test_the_complaint_manager_may_record_complaints(org, new_complaint):
    assert new_complaint(actor=org.manager).received_by == org.manager
