"""Customer contacts and follow-up visits (complaints/services/contacts.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import (
    CaseEvent,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerContact,
    FollowUp,
    State,
)
from complaints.selectors import follow_up_summary
from complaints.services import contact_record, follow_up_record
from complaints.services.contacts import log_contact
from tests.complaints.conftest import snapshot


@pytest.fixture
def case(new_complaint) -> Complaint:
    return new_complaint()


def call(complaint, actor, **overrides) -> CustomerContact:
    fields = {
        "channel": "phone",
        "direction": ContactDirection.OUTBOUND,
        "summary": "已回电，告知已安排师傅上门。",
    }
    fields.update(overrides)
    return contact_record(complaint=complaint, actor=actor, **fields)


# --- contacts ---------------------------------------------------------------------------------


def test_the_first_outbound_staff_contact_is_the_first_response(org, case):
    # when the agent calls the customer back
    contact = call(case, org.agent, purpose=ContactPurpose.ACKNOWLEDGEMENT)

    # then the contact is logged, shown to the customer, and it is the first response
    stored = Complaint.objects.get(pk=case.pk)
    assert stored.first_response_at == contact.at
    assert stored.version == case.version + 1
    assert (contact.by, contact.direction, contact.purpose) == (
        org.agent,
        ContactDirection.OUTBOUND,
        ContactPurpose.ACKNOWLEDGEMENT,
    )
    event = stored.events.get(kind=CaseEvent.Kind.CONTACT)
    assert event.customer_visible is True
    assert event.data["contact_id"] == contact.pk


def test_a_later_contact_keeps_the_first_response(org, case):
    earlier = timezone.now() - timedelta(hours=2)
    first = call(case, org.agent, at=earlier)
    case = Complaint.objects.get(pk=case.pk)

    call(case, org.handler, summary="再次致电说明进度。")

    assert Complaint.objects.get(pk=case.pk).first_response_at == first.at == earlier


def test_a_call_from_the_customer_is_not_a_response(org, case):
    before = snapshot(case)

    contact = call(case, org.agent, direction=ContactDirection.INBOUND, summary="客户来电催促。")

    stored = Complaint.objects.get(pk=case.pk)
    assert stored.first_response_at is None
    assert stored.version == before["version"]
    assert stored.events.get(kind=CaseEvent.Kind.CONTACT).customer_visible is False
    assert contact.direction == ContactDirection.INBOUND


def test_an_automatic_acknowledgement_is_not_a_response(case):
    # The system (no actor) e-mails a receipt; ISO 10002 wants it, but it is not a person replying.
    with transaction.atomic():
        contact = log_contact(
            complaint=case,
            actor=None,
            channel="email",
            direction=ContactDirection.OUTBOUND,
            purpose=ContactPurpose.ACKNOWLEDGEMENT,
            summary="自动回执",
        )

    assert contact.by is None
    assert case.first_response_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "fax_machine"}, "channel"),
        ({"summary": "  "}, "summary"),
        ({"direction": "sideways"}, "direction"),
        ({"purpose": "gossip"}, "purpose"),
        ({"at": "future"}, "at"),
    ],
)
def test_a_wrong_contact_is_refused(org, case, overrides, field):
    before = snapshot(case)
    if overrides.get("at") == "future":
        overrides = {"at": timezone.now() + timedelta(hours=1)}

    with pytest.raises(InvalidInput) as refused:
        call(case, org.agent, **overrides)

    assert field in refused.value.fields
    assert snapshot(case) == before
    assert not CustomerContact.objects.exists()


def test_contacts_need_the_role_and_the_scope(org, case):
    with pytest.raises(PermissionDenied):
        call(case, org.auditor)
    with pytest.raises(PermissionDenied):
        call(case, org.executive)
    with pytest.raises(NotFound):
        call(case, org.other_handler)
    assert not CustomerContact.objects.exists()


# --- follow-ups -------------------------------------------------------------------------------


@pytest.fixture
def replied(complaint_in) -> Complaint:
    return complaint_in(State.FOLLOW_UP)


def visit(complaint, actor, **overrides) -> FollowUp:
    fields = {"method": "phone", "reached": True, "satisfaction": 4, "resolved": True}
    fields.update(overrides)
    return follow_up_record(complaint=complaint, actor=actor, **fields)


def test_a_follow_up_visit_is_recorded_for_the_current_round(org, replied):
    follow_up = visit(replied, org.agent, comment="  客户表示满意。 ")

    assert (follow_up.round, follow_up.by, follow_up.comment) == (0, org.agent, "客户表示满意。")
    event = replied.events.get(kind=CaseEvent.Kind.FOLLOW_UP)
    assert event.data == {
        "follow_up_id": follow_up.pk,
        "method": "phone",
        "reached": True,
        "satisfaction": 4,
        "resolved": True,
    }
    assert follow_up_summary(complaint=replied).satisfied


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"satisfaction": None, "resolved": None}, {"satisfaction", "resolved"}),
        ({"satisfaction": 0}, {"satisfaction"}),
        ({"satisfaction": 6}, {"satisfaction"}),
        ({"reached": False}, {"reached"}),
        ({"reached": False, "satisfaction": None}, {"reached"}),
        ({"method": "telegram"}, {"method"}),
    ],
)
def test_a_wrong_follow_up_is_refused(org, replied, overrides, fields):
    with pytest.raises(InvalidInput) as refused:
        visit(replied, org.agent, **overrides)

    assert set(refused.value.fields) == fields
    assert not FollowUp.objects.exists()


def test_an_unanswered_call_is_a_failed_attempt(org, replied):
    visit(replied, org.agent, reached=False, satisfaction=None, resolved=None)

    summary = follow_up_summary(complaint=replied)
    assert summary.failed_attempts == 1
    assert not (summary.satisfied or summary.dissatisfied)


def test_follow_ups_belong_to_the_follow_up_stage_and_role(org, replied, complaint_in):
    with pytest.raises(ConditionNotMet):
        visit(complaint_in(State.REPLY), org.agent)
    with pytest.raises(PermissionDenied):
        visit(replied, org.handler)
    with pytest.raises(NotFound):
        visit(replied, org.other_handler)
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("satisfaction", "resolved", "satisfied", "dissatisfied"),
    [
        (5, True, True, False),
        (3, True, True, False),
        (2, True, False, True),
        (4, False, False, True),
        (1, False, False, True),
    ],
)
def test_what_counts_as_satisfied(org, replied, satisfaction, resolved, satisfied, dissatisfied):
    visit(replied, org.agent, satisfaction=satisfaction, resolved=resolved)

    summary = follow_up_summary(complaint=replied)
    assert (summary.satisfied, summary.dissatisfied) == (satisfied, dissatisfied)


def test_the_latest_visit_that_reached_the_customer_counts(org, replied):
    visit(replied, org.agent, satisfaction=1, resolved=False)
    visit(replied, org.agent, reached=False, satisfaction=None, resolved=None)
    visit(replied, org.agent, satisfaction=5, resolved=True)

    summary = follow_up_summary(complaint=replied)
    assert summary.satisfied and not summary.dissatisfied
    assert summary.failed_attempts == 1
    assert not summary.attempts_exhausted
