"""Agreements (协议书, issue 16 §3; seed 004 §三.18-19): the one signed original of an approved
decision, handed to the finance cash office, and the payments against it, which follow approval
and never exceed the approved amount."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.models import AuditEntry
from accounts.roles import Role
from complaints.errors import (
    ConditionNotMet,
    InvalidInput,
    NotFound,
    PaymentNotApproved,
    PermissionDenied,
)
from complaints.models import Agreement, AgreementPayment, CaseEvent, Decision, State
from complaints.services.agreements import (
    agreement_hand_over,
    agreement_payment_record,
    agreement_record,
)
from complaints.views.case.timeline import describe
from tests.complaints.conftest import roles_with, user_of
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # The refusals are asserted in their English words.
    with translation.override("en"):
        yield


@pytest.fixture
def finance(org):
    return DepartmentFactory(name="财务部", code="finance", kind="functional")


@pytest.fixture
def approved(flow, complaint_in):
    """A case at the decision stage with a decision of 1,500 the handler approved within limit."""
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, 1500)
    assert decision.state == Decision.Status.APPROVED
    complaint.refresh_from_db()
    return complaint, decision


def _record(complaint, decision, actor, **overrides):
    data = {
        "decision_id": decision.pk,
        "amount": Decimal(1500),
        "signed_on": timezone.localdate(),
        "note": "顾客签字后原件收回",
    }
    data.update(overrides)
    return agreement_record(complaint=complaint, actor=actor, **data)


def _handed(complaint, agreement, actor):
    return agreement_hand_over(
        complaint=complaint, agreement_id=agreement.pk, actor=actor, received_by_name="出纳 彭娜"
    )


def _pay(complaint, agreement, actor, amount, **overrides):
    data = {"paid_on": timezone.localdate(), "method": "bank_transfer", "reference": "TX-1"}
    data.update(overrides)
    return agreement_payment_record(
        complaint=complaint,
        agreement_id=agreement.pk,
        actor=actor,
        amount=Decimal(amount),
        **data,
    )


def _kinds(complaint) -> list[str]:
    return list(complaint.events.order_by("at", "id").values_list("kind", flat=True))


class TestRecord:
    def test_the_signed_original_of_an_approved_decision_is_recorded_on_the_timeline(
        self, org, approved
    ):
        complaint, decision = approved
        version = complaint.version
        agreement = _record(complaint, decision, org.handler)
        assert agreement.status == Agreement.Status.SIGNED
        assert agreement.collected_by == org.handler
        assert agreement.decision == decision
        event = complaint.events.order_by("-at", "-id").first()
        assert event.kind == CaseEvent.Kind.AGREEMENT_SIGNED
        assert event.actor == org.handler
        assert event.data["amount"] == "1500"
        assert event.data["approved_amount"] == "1500.00"
        complaint.refresh_from_db()
        assert complaint.version == version + 1

    @pytest.mark.parametrize("role", sorted(set(Role) - roles_with("record_agreement")))
    def test_roles_without_the_permission_are_refused(self, org, approved, role):
        complaint, decision = approved
        with pytest.raises((PermissionDenied, NotFound)):
            _record(complaint, decision, user_of(org, role))
        assert not Agreement.objects.exists()

    def test_a_decision_awaiting_approval_has_no_agreement(self, org, flow, complaint_in):
        complaint = complaint_in(State.DECISION)
        pending = flow.propose(complaint, 5000)  # above the handler's limit of 2,000
        assert pending.state == Decision.Status.PENDING_APPROVAL
        with pytest.raises(ConditionNotMet, match="approved decision"):
            _record(complaint, pending, org.handler, amount=Decimal(5000))

    def test_never_for_more_than_the_approved_amount(self, org, approved):
        complaint, decision = approved
        with pytest.raises(InvalidInput) as refused:
            _record(complaint, decision, org.handler, amount=Decimal("1500.01"))
        assert "approved amount (1,500.00)" in refused.value.fields["amount"][0]

    def test_signed_once(self, org, approved):
        complaint, decision = approved
        _record(complaint, decision, org.handler)
        with pytest.raises(ConditionNotMet, match="signed only once"):
            _record(complaint, decision, org.manager)

    def test_not_signed_in_the_future(self, org, approved):
        complaint, decision = approved
        tomorrow = timezone.localdate() + timedelta(days=1)
        with pytest.raises(InvalidInput) as refused:
            _record(complaint, decision, org.handler, signed_on=tomorrow)
        assert "signed_on" in refused.value.fields


class TestHandOver:
    def test_the_cash_office_keeps_it(self, org, approved, finance):
        complaint, decision = approved
        agreement = _handed(complaint, _record(complaint, decision, org.handler), org.handler)
        assert agreement.status == Agreement.Status.HELD_BY_FINANCE
        assert agreement.holder == finance
        assert agreement.received_by_name == "出纳 彭娜"
        assert agreement.handed_over_by == org.handler
        event = complaint.events.order_by("-at", "-id").first()
        assert event.kind == CaseEvent.Kind.AGREEMENT_HANDED_OVER
        assert event.data["holder"]["name"] == "财务部"
        entry = describe(event, reader=org.handler)
        assert ("Held by", "财务部") in entry.details

    def test_handed_over_once(self, org, approved, finance):
        complaint, decision = approved
        agreement = _handed(complaint, _record(complaint, decision, org.handler), org.handler)
        with pytest.raises(ConditionNotMet, match="holds this agreement already"):
            _handed(complaint, agreement, org.handler)

    def test_without_a_finance_department_it_says_what_to_set(self, org, approved):
        complaint, decision = approved
        agreement = _record(complaint, decision, org.handler)
        with pytest.raises(ConditionNotMet, match="FINANCE_DEPARTMENT_CODE"):
            _handed(complaint, agreement, org.handler)

    def test_the_receiver_is_named(self, org, approved, finance):
        complaint, decision = approved
        agreement = _record(complaint, decision, org.handler)
        with pytest.raises(InvalidInput) as refused:
            agreement_hand_over(
                complaint=complaint,
                agreement_id=agreement.pk,
                actor=org.handler,
                received_by_name="",
            )
        assert "received_by_name" in refused.value.fields


class TestPayment:
    @pytest.fixture
    def kept(self, org, approved, finance):
        complaint, decision = approved
        agreement = _handed(complaint, _record(complaint, decision, org.handler), org.handler)
        return complaint, agreement

    def test_a_payment_against_the_approved_decision_is_on_the_timeline(self, org, kept):
        complaint, agreement = kept
        payment = _pay(complaint, agreement, org.manager, 1000)
        assert payment.paid_by == org.manager
        assert payment.method == "bank_transfer"
        event = complaint.events.order_by("-at", "-id").first()
        assert event.kind == CaseEvent.Kind.PAYMENT
        assert event.data["paid_total"] == "1000"
        assert event.data["approved_amount"] == "1500.00"
        assert _kinds(complaint)[-3:] == [
            CaseEvent.Kind.AGREEMENT_SIGNED,
            CaseEvent.Kind.AGREEMENT_HANDED_OVER,
            CaseEvent.Kind.PAYMENT,
        ]

    def test_a_payment_is_in_the_audit_log_by_the_cases_reference(self, org, kept):
        complaint, agreement = kept
        payment = _pay(complaint, agreement, org.manager, 1000)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.PAYMENT_RECORDED)
        assert (entry.actor, entry.target_id) == (org.manager, str(payment.pk))
        assert entry.details["complaint"] == complaint.reference
        assert entry.details["amount"] == "1000" and entry.details["method"] == "bank_transfer"
        assert entry.details["agreement_id"] == agreement.pk

    def test_a_refused_payment_leaves_no_audit_entry(self, org, kept):
        complaint, agreement = kept
        with pytest.raises(PaymentNotApproved):
            _pay(complaint, agreement, org.manager, 5000)
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.PAYMENT_RECORDED).exists()

    @pytest.mark.parametrize("role", sorted(set(Role) - roles_with("record_payment")))
    def test_roles_without_the_permission_are_refused(self, org, kept, role):
        complaint, agreement = kept
        with pytest.raises((PermissionDenied, NotFound)):
            _pay(complaint, agreement, user_of(org, role), 100)
        assert not AgreementPayment.objects.exists()

    def test_never_above_the_approved_amount_in_all(self, org, kept):
        complaint, agreement = kept
        _pay(complaint, agreement, org.manager, 1000)
        with pytest.raises(PaymentNotApproved) as refused:
            _pay(complaint, agreement, org.manager, "500.01")
        assert refused.value.code == "payment_not_approved"
        assert "above the approved amount of 1,500.00" in refused.value.message
        assert "paid so far: 1,000.00" in refused.value.message
        _pay(complaint, agreement, org.manager, 500)  # exactly the rest is fine
        assert sum(p.amount for p in agreement.payments.all()) == Decimal(1500)

    def test_never_above_what_the_agreement_says(self, org, approved, finance):
        complaint, decision = approved
        agreement = _record(complaint, decision, org.handler, amount=Decimal(1200))
        _handed(complaint, agreement, org.handler)
        with pytest.raises(PaymentNotApproved, match="the agreement says"):
            _pay(complaint, agreement, org.manager, 1300)

    def test_refused_once_the_decision_is_no_longer_approved(self, org, flow, kept):
        complaint, agreement = kept
        complaint.refresh_from_db()
        flow.propose(complaint, 800)  # a new proposal supersedes the approved decision
        with pytest.raises(PaymentNotApproved, match="Payment follows approval"):
            _pay(complaint, agreement, org.manager, 100)
        assert not AgreementPayment.objects.exists()

    def test_refused_while_the_original_is_not_with_the_cash_office(self, org, approved):
        complaint, decision = approved
        agreement = _record(complaint, decision, org.handler)
        with pytest.raises(ConditionNotMet, match="payment voucher"):
            _pay(complaint, agreement, org.manager, 100)

    def test_amount_method_and_day_are_checked(self, org, kept):
        complaint, agreement = kept
        with pytest.raises(InvalidInput) as refused:
            _pay(
                complaint,
                agreement,
                org.manager,
                0,
                method="gold",
                paid_on=timezone.localdate() + timedelta(days=1),
            )
        assert set(refused.value.fields) == {"amount", "method", "paid_on"}

    def test_an_agreement_of_another_case_is_missing(self, org, kept, complaint_in):
        _complaint, agreement = kept
        other = complaint_in(State.INVESTIGATION)
        with pytest.raises(NotFound):
            _pay(other, agreement, org.manager, 100)
