"""The personal-injury record (人身伤害, issue 16 §1; seed 004 §三): the duty manager's decisions,
the advance of the medical costs (approval limits, the original-receipts rule), the procedure's
items ticking the injury checklist, the compensation breakdown summed into the decision amount."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.roles import Role
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import (
    CaseEvent,
    Decision,
    InjuryItem,
    InjuryRecord,
    Notification,
    State,
)
from complaints.selectors.injury import injury_items, injury_record_of
from complaints.services import decision_refuse, evidence_add
from complaints.services.injury import (
    injury_accompany_decide,
    injury_advance_approve,
    injury_advance_decide,
    injury_advance_paid,
    injury_advance_request,
    injury_call_record,
    injury_compensation_set,
    injury_document_record,
    injury_insurer_notify,
    injury_insurer_opinion,
    injury_receipts_exception,
    injury_witness_add,
)
from complaints.services.intake import Flags
from complaints.views.case.timeline import describe
from sla.models import CaseChecklistStep, ChecklistTemplate, ChecklistTemplateStep, DutyDay, Unit
from sla.selectors import forget_policy_book
from sla.services import checklist_step_tick, checklist_steps_remind
from tests.complaints.conftest import roles_with, snapshot, user_of
from tests.complaints.test_evidence import png_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    forget_policy_book()
    with translation.override("en"):
        yield
    forget_policy_book()


@pytest.fixture
def injury_template(org) -> ChecklistTemplate:
    """The injury checklist of the demo, shortened: three items with their deadlines."""
    template = ChecklistTemplate.objects.create(
        name="人身伤害", name_en="Personal injury", code="injury", personal_injury=True
    )
    for position, (item, amount) in enumerate(
        [
            (InjuryItem.WITNESSES, 1),
            (InjuryItem.INSURER, 24),
            (InjuryItem.RECEIPTS_KEPT, 72),
        ],
        start=1,
    ):
        ChecklistTemplateStep.objects.create(
            template=template,
            position=position,
            text=str(item.label),
            amount=amount,
            unit=Unit.HOURS,
            injury_item=item,
        )
    return template


@pytest.fixture
def injured(complaint_in):
    """A personal-injury case under investigation in the service department."""
    return complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))


def upload(complaint, actor, name="证言.png"):
    return evidence_add(
        complaint=complaint,
        actor=actor,
        kind="correspondence",
        upload=SimpleUploadedFile(name, png_bytes(), "image/png"),
    )


def last_event(complaint) -> CaseEvent:
    return complaint.events.order_by("-at", "-id").first()


def receipts(complaint, actor):
    return injury_document_record(
        complaint=complaint,
        actor=actor,
        item=InjuryItem.RECEIPTS_KEPT,
        evidence_id=upload(complaint, actor, "收据.png").pk,
    )


def requested_advance(complaint, actor, amount=1500):
    injury_advance_decide(complaint=complaint, actor=actor, advance=True, amount=Decimal(amount))
    return injury_advance_request(complaint=complaint, actor=actor)


# --- who writes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(set(Role) - roles_with("record_injury")))
def test_roles_without_the_permission_only_read(org, injured, role):
    before = snapshot(injured)
    with pytest.raises((PermissionDenied, NotFound)):
        injury_accompany_decide(complaint=injured, actor=user_of(org, role), accompany=False)
    assert snapshot(injured) == before
    assert not InjuryRecord.objects.exists()


def test_the_auditor_is_refused_with_a_403_not_a_404(org, injured):
    with pytest.raises(PermissionDenied):
        injury_accompany_decide(complaint=injured, actor=org.auditor, accompany=False)


def test_the_duty_manager_of_the_day_writes_without_the_role(org, injured):
    # Senior management reads every case but does not record injuries, except on duty.
    with pytest.raises(PermissionDenied):
        injury_accompany_decide(complaint=injured, actor=org.executive, accompany=False)
    DutyDay.objects.create(day=timezone.localdate(), manager=org.executive)

    injury_accompany_decide(
        complaint=injured, actor=org.executive, accompany=True, name="保安 李强"
    )

    record = InjuryRecord.objects.get(complaint=injured)
    assert record.accompany and record.accompanied_by_display == "保安 李强"
    assert record.accompany_decided_by == org.executive


def test_yesterday_s_duty_manager_is_not_on_duty_today(org, injured):
    DutyDay.objects.create(day=timezone.localdate() - timedelta(days=1), manager=org.executive)
    with pytest.raises(PermissionDenied):
        injury_accompany_decide(complaint=injured, actor=org.executive, accompany=False)


def test_a_case_not_flagged_as_an_injury_has_no_record(org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    with pytest.raises(ConditionNotMet, match="not marked as a personal injury"):
        injury_accompany_decide(complaint=complaint, actor=org.handler, accompany=False)


def test_a_handler_of_another_department_does_not_see_it(org, injured):
    with pytest.raises(NotFound):
        injury_accompany_decide(complaint=injured, actor=org.other_handler, accompany=False)


# --- decisions and the timeline -----------------------------------------------------------------


def test_accompanying_by_a_staff_member_is_on_the_timeline(org, injured):
    version = injured.version
    injury_accompany_decide(
        complaint=injured, actor=org.handler, accompany=True, staff_id=org.agent.pk
    )

    event = last_event(injured)
    assert event.kind == CaseEvent.Kind.INJURY and event.actor == org.handler
    assert event.data["what"] == "accompany" and event.data["accompany"] is True
    assert "accompanies the customer to hospital" in describe(event, reader=org.handler).sentence
    injured.refresh_from_db()
    assert injured.version == version + 1


def test_accompanying_needs_someone(org, injured):
    with pytest.raises(InvalidInput) as error:
        injury_accompany_decide(complaint=injured, actor=org.handler, accompany=True)
    assert "staff" in error.value.fields


def test_an_advance_needs_an_amount(org, injured):
    with pytest.raises(InvalidInput) as error:
        injury_advance_decide(complaint=injured, actor=org.handler, advance=True)
    assert "amount" in error.value.fields


# --- the advance ---------------------------------------------------------------------------------


def test_the_advance_request_tells_the_approvers_whose_limit_covers_it(org, injured):
    requested_advance(injured, org.handler, amount=15000)

    notices = Notification.objects.filter(key__startswith="injury-advance:")
    # the head (20,000), the manager (50,000) and senior management (1,000,000); not the handler
    assert {n.recipient.username for n in notices} == {"head", "manager", "executive"}
    assert last_event(injured).data["what"] == "advance_requested"


def test_an_advance_is_refused_without_the_original_receipts(org, injured):
    requested_advance(injured, org.handler)
    before = snapshot(injured)

    with pytest.raises(ConditionNotMet, match="original receipts"):
        injury_advance_approve(complaint=injured, actor=org.head)

    assert snapshot(injured) == before
    assert InjuryRecord.objects.get(complaint=injured).advance_approved_at is None


def test_with_the_receipts_kept_the_head_approves_within_the_limit(org, injured):
    requested_advance(injured, org.handler)
    receipts(injured, org.handler)

    record = injury_advance_approve(complaint=injured, actor=org.head)

    assert record.advance_approved_by == org.head
    assert record.advance_approver_limit == Decimal(20000)
    event = last_event(injured)
    assert event.data["what"] == "advance_approved"
    notice = Notification.objects.get(key=f"injury-advance:{record.pk}", recipient=org.head)
    assert notice.settled_reason == Notification.Settled.APPROVED


def test_an_advance_above_the_approver_s_limit_is_refused(org, injured):
    requested_advance(injured, org.handler, amount=25000)  # above the head's 20,000
    receipts(injured, org.handler)

    with pytest.raises(PermissionDenied, match="limit"):
        injury_advance_approve(complaint=injured, actor=org.head)
    record = injury_advance_approve(complaint=injured, actor=org.manager)
    assert record.advance_approved_by == org.manager


def test_a_role_without_approval_cannot_approve(org, injured):
    requested_advance(injured, org.handler)
    receipts(injured, org.handler)
    with pytest.raises(PermissionDenied):
        injury_advance_approve(complaint=injured, actor=org.handler)


def test_the_advance_is_requested_from_finance_before_approval(org, injured):
    injury_advance_decide(complaint=injured, actor=org.handler, advance=True, amount=Decimal(800))
    receipts(injured, org.handler)
    with pytest.raises(ConditionNotMet, match="from finance first"):
        injury_advance_approve(complaint=injured, actor=org.head)


def test_senior_management_s_exception_lets_it_go_without_receipts(org, injured):
    requested_advance(injured, org.handler)
    with pytest.raises(PermissionDenied):
        injury_receipts_exception(complaint=injured, actor=org.manager, reason="急诊")
    with pytest.raises(InvalidInput):
        injury_receipts_exception(complaint=injured, actor=org.executive, reason=" ")

    record = injury_receipts_exception(
        complaint=injured, actor=org.executive, reason="保险公司书面同意无需原件"
    )
    assert record.receipts_exception_by == org.executive
    assert record.receipts_exception_reason == "保险公司书面同意无需原件"
    assert last_event(injured).comment == "保险公司书面同意无需原件"

    record = injury_advance_approve(complaint=injured, actor=org.head)
    assert record.advance_approved_at is not None
    assert last_event(injured).data["receipts_exception"] is True


def test_an_approved_advance_is_not_changed_and_is_paid_once(org, injured):
    requested_advance(injured, org.handler)
    receipts(injured, org.handler)
    with pytest.raises(ConditionNotMet, match="not approved"):
        injury_advance_paid(complaint=injured, actor=org.manager, paid_on=timezone.localdate())
    injury_advance_approve(complaint=injured, actor=org.head)
    with pytest.raises(ConditionNotMet, match="approved already"):
        injury_advance_decide(
            complaint=injured, actor=org.handler, advance=True, amount=Decimal(9000)
        )
    with pytest.raises(PermissionDenied):  # the handler's role does not record payments
        injury_advance_paid(complaint=injured, actor=org.handler, paid_on=timezone.localdate())

    record = injury_advance_paid(complaint=injured, actor=org.manager, paid_on=timezone.localdate())

    assert record.advance_paid_by == org.manager
    with pytest.raises(ConditionNotMet, match="already"):
        injury_advance_paid(complaint=injured, actor=org.manager, paid_on=timezone.localdate())


# --- the items and the checklist ----------------------------------------------------------------


def test_the_injury_checklist_comes_with_the_flag_whatever_the_category(
    org, injury_template, complaint_in
):
    plain = complaint_in(State.INVESTIGATION)
    assert not CaseChecklistStep.objects.filter(complaint=plain).exists()

    injured = complaint_in(State.INVESTIGATION, flags=Flags(personal_injury=True))

    steps = CaseChecklistStep.objects.filter(complaint=injured).order_by("position")
    assert [s.injury_item for s in steps] == ["witnesses", "insurer", "receipts_kept"]


def test_the_flag_set_at_triage_brings_the_checklist(org, injury_template, complaint_in):
    from complaints.services import complaint_triage

    complaint = complaint_in(State.TRIAGE)
    complaint_triage(complaint=complaint, actor=org.agent, personal_injury=True, comment="顾客摔伤")
    assert CaseChecklistStep.objects.filter(complaint=complaint).count() == 3


def test_recording_a_witness_ticks_the_step_and_settles_its_reminder(
    org, injury_template, injured, time_machine
):
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    assert checklist_steps_remind() == 1  # the witnesses were due within the hour
    statement = upload(injured, org.agent)

    witness = injury_witness_add(
        complaint=injured,
        actor=org.agent,
        name="赵女士",
        phone="13900001111",
        statement_id=statement.pk,
    )

    step = CaseChecklistStep.objects.get(complaint=injured, injury_item=InjuryItem.WITNESSES)
    assert step.outcome == "done" and step.done_by == org.agent and step.evidence == statement
    reminder = Notification.objects.get(key=f"checklist:{step.pk}")
    assert reminder.settled_reason == Notification.Settled.STEP_TICKED
    event = last_event(injured)
    assert event.data == {
        "what": "witness",
        "witness_id": witness.pk,
        "name": "赵女士",
        "statement": True,
    }
    # several witnesses: the second is recorded too, the step stays ticked once
    injury_witness_add(complaint=injured, actor=org.handler, name="钱先生")
    assert InjuryRecord.objects.get(complaint=injured).witnesses.count() == 2


def test_a_missing_item_past_its_deadline_reminds_like_any_clock(
    org, injury_template, injured, time_machine
):
    time_machine.move_to(timezone.now() + timedelta(hours=25), tick=False)
    assert checklist_steps_remind() == 2  # the witnesses and the insurer; the receipts not yet
    events = injured.events.filter(kind=CaseEvent.Kind.REMINDER)
    assert events.count() == 2


def test_the_generic_tick_of_an_injury_step_points_to_the_record(org, injury_template, injured):
    step = CaseChecklistStep.objects.get(complaint=injured, injury_item=InjuryItem.INSURER)
    with pytest.raises(ConditionNotMet, match="personal-injury record"):
        checklist_step_tick(complaint=injured, step_id=step.pk, actor=org.handler, outcome="done")
    checklist_step_tick(
        complaint=injured,
        step_id=step.pk,
        actor=org.handler,
        outcome="not_applicable",
        note="商场未投保该险种",
    )
    step.refresh_from_db()
    rows = {row.item: row for row in injury_items(record=None, steps=[step])}
    assert rows[InjuryItem.INSURER].not_applicable


def test_the_insurer_is_notified_then_gives_its_written_opinion(org, injury_template, injured):
    opinion = upload(injured, org.handler, "理赔意见.png")
    with pytest.raises(ConditionNotMet, match="notified first"):
        injury_insurer_opinion(
            complaint=injured, actor=org.handler, evidence_id=opinion.pk, covered=True
        )
    injury_insurer_notify(
        complaint=injured,
        actor=org.handler,
        notified_on=timezone.localdate(),
        claim_number="PICC-2026-0042",
    )
    record = injury_insurer_opinion(
        complaint=injured, actor=org.handler, evidence_id=opinion.pk, covered=True
    )
    assert record.insurer_claim_number == "PICC-2026-0042"
    assert record.insurer_covered is True and record.insurer_opinion == opinion
    step = CaseChecklistStep.objects.get(complaint=injured, injury_item=InjuryItem.INSURER)
    assert step.done_by == org.handler
    assert "covered" in describe(last_event(injured), reader=org.handler).sentence


def test_police_and_ambulance_calls_and_the_papers(org, injured):
    called = timezone.now() - timedelta(minutes=30)
    injury_call_record(complaint=injured, actor=org.agent, service="ambulance", called_at=called)
    with pytest.raises(ConditionNotMet):
        injury_call_record(
            complaint=injured, actor=org.agent, service="ambulance", called_at=called
        )
    with pytest.raises(InvalidInput):
        injury_call_record(complaint=injured, actor=org.agent, service="fire", called_at=called)
    with pytest.raises(InvalidInput) as error:
        injury_document_record(
            complaint=injured, actor=org.handler, item="accident_report", evidence_id=None
        )
    assert "evidence" in error.value.fields
    injury_document_record(
        complaint=injured,
        actor=org.handler,
        item="accident_report",
        evidence_id=upload(injured, org.handler, "事故报告.png").pk,
    )

    record = injury_record_of(complaint=injured)
    rows = {row.item: row for row in injury_items(record=record, steps=[])}
    assert rows[InjuryItem.EMERGENCY_CALL].done and rows[InjuryItem.ACCIDENT_REPORT].done
    assert rows[InjuryItem.DISCHARGE_CERTIFICATE].missing
    assert record.ambulance_called_at == called and record.police_called_at is None


# --- the compensation breakdown ------------------------------------------------------------------

BREAKDOWN = {
    "medical": (Decimal("2350.50"), "医院收费收据原件"),
    "transport": (Decimal("180"), "出租车票据"),
    "lost_earnings": (Decimal("1200"), "全休两周证明及收入证明"),
    "nutrition": (Decimal(0), ""),
}


def test_the_breakdown_is_summed_into_the_decision_amount(org, flow, injured):
    injury_compensation_set(complaint=injured, actor=org.handler, heads=BREAKDOWN)
    assert last_event(injured).data["total"] == "3730.50"
    injured.refresh_from_db()
    injured = flow.run(injured, "complete_investigation")

    with pytest.raises(InvalidInput) as error:
        flow.propose(injured, 5000)
    assert "breakdown's total (3,730.50)" in error.value.fields["amount"][0]
    decision = flow.propose(injured, Decimal("3730.50"))

    assert decision.amount == Decimal("3730.50")
    # above the handler's 2,000: it waits for the head
    assert decision.state == Decision.Status.PENDING_APPROVAL


def test_a_breakdown_a_decision_rests_on_is_frozen_until_it_is_refused(org, flow, injured):
    injury_compensation_set(complaint=injured, actor=org.handler, heads=BREAKDOWN)
    injured.refresh_from_db()
    injured = flow.run(injured, "complete_investigation")
    decision = flow.propose(injured, Decimal("3730.50"))
    before = snapshot(injured)

    with pytest.raises(ConditionNotMet, match="rests on this breakdown"):
        injury_compensation_set(
            complaint=injured, actor=org.handler, heads={"medical": (Decimal(1), "")}
        )
    assert snapshot(injured) == before
    assert injury_record_of(complaint=injured).compensation.count() == 3

    decision_refuse(decision=decision, actor=org.head, comment="营养费依据不足，重新核算")
    injured.refresh_from_db()
    rows = injury_compensation_set(
        complaint=injured, actor=org.handler, heads={"medical": (Decimal("2350.50"), "")}
    )
    assert [row.head for row in rows] == ["medical"]


def test_a_wrong_head_or_a_negative_amount_is_refused(org, injured):
    with pytest.raises(InvalidInput) as error:
        injury_compensation_set(
            complaint=injured,
            actor=org.handler,
            heads={"lottery": (Decimal(1), ""), "medical": (Decimal(-1), "")},
        )
    assert set(error.value.fields) == {"lottery", "medical"}


def test_a_duty_manager_from_the_rota_is_notified_and_can_record(org, new_complaint):
    manager = UserFactory(username="duty", role=Role.DEPT_HEAD, department=org.service)
    DutyDay.objects.create(day=timezone.localdate(), manager=manager)
    complaint = new_complaint(flags=Flags(personal_injury=True))
    assert Notification.objects.filter(recipient=manager, key=f"injury-duty:{complaint.pk}")
    injury_advance_decide(complaint=complaint, actor=manager, advance=False)
    assert InjuryRecord.objects.get(complaint=complaint).advance is False
