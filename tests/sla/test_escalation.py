"""Reminders and escalation levels, driven by the sweep with time stood still (time-machine).

Worked out by hand on the real mainland China calendar: a case received Fri 2025-09-26 10:00 has
an investigation target of 3 working days: Sat 9/27 is off, Sun 9/28 a make-up working day, so it is
due Tue 9/30 23:59:59. National Day (10/1-10/8) is off, so "one working day later" is Thu 10/9 and
the next Fri 10/10.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from complaints.models import CaseEvent, Complaint, Notification, Severity, State
from complaints.services import (
    Flags,
    complaint_assign,
    complaint_transition,
    complaint_triage,
    contact_record,
)
from sla.models import (
    DEFAULT_PAUSE_REASONS,
    Clock,
    Escalation,
    EscalationSettings,
    Reminder,
    SlaPolicy,
    SlaTarget,
    Stage,
)
from sla.services import clock_process, clocks_pause
from sla.tasks import sweep_clocks_task
from tests.sla.china import SHANGHAI

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


RECEIVED = at(2025, 9, 26, 10)
REMIND = at(2025, 9, 30, 2, 29, 59, 250000)  # 75 % of the working time Fri 10:00 → Tue 23:59:59
DUE = at(2025, 9, 30, 23, 59, 59)
LEVEL_2 = at(2025, 10, 9, 23, 59, 59)
LEVEL_3 = at(2025, 10, 10, 23, 59, 59)
SECOND = timedelta(seconds=1)


@pytest.fixture
def investigation_only(org) -> SlaPolicy:
    """The case's category runs on one clock only, so each test watches one path."""
    policy = SlaPolicy.objects.create(
        name="只计调查", code="test-investigation", severity=Severity.GENERAL, category=org.category
    )
    SlaTarget.objects.create(
        policy=policy,
        stage=Stage.INVESTIGATION,
        amount=3,
        unit="working_days",
        start_event="received",
        pause_reasons=DEFAULT_PAUSE_REASONS[Stage.INVESTIGATION],
    )
    return policy


@pytest.fixture
def case(china, investigation_only, now_is, new_complaint, org) -> Complaint:
    """Received Fri 2025-09-26 10:00 and assigned to the handler of 服务部 straight away."""
    now_is(RECEIVED)
    complaint = new_complaint()
    return complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """One beat run, its tasks run in-process and their after-commit e-mails sent."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_clocks_task.apply().get()

    return run


def investigation_clock(complaint: Complaint) -> Clock:
    return Clock.objects.get(complaint=complaint, stage=Stage.INVESTIGATION)


def notified(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "key"))


def escalations(complaint: Complaint) -> list[tuple[int, str, str | None]]:
    return [
        (e.level, e.reason, e.clock.stage if e.clock else None)
        for e in Escalation.objects.filter(complaint=complaint).select_related("clock")
    ]


def events(complaint: Complaint, kind: str) -> list[CaseEvent]:
    return list(complaint.events.filter(kind=kind).order_by("id"))


# --- the reminder ---------------------------------------------------------------------------


def test_the_reminder_goes_to_the_assignee_at_75_percent_exactly_once(
    case, now_is, sweep, mailoutbox, org
):
    clock = investigation_clock(case)
    assert (clock.remind_at, clock.next_action_at) == (REMIND, REMIND)
    mailoutbox.clear()  # the assignment's e-mail

    # a moment before three quarters of the time: nothing is due
    now_is(REMIND - SECOND)
    assert sweep() == 0

    # at three quarters: one reminder, to the handler, recorded and mailed
    now_is(REMIND)
    assert sweep() == 1
    reminder = Reminder.objects.get()
    assert (reminder.clock, reminder.recipient, reminder.at) == (clock, org.handler, REMIND)
    [event] = events(case, CaseEvent.Kind.REMINDER)
    assert (event.actor, event.data["stage"]) == (None, Stage.INVESTIGATION)
    assert notified(Notification.Kind.REMINDER) == [("handler", f"reminder:{clock.pk}")]
    assert [message.to for message in mailoutbox] == [["handler@example.com"]]
    clock.refresh_from_db()
    assert (clock.reminded_at, clock.next_action_at) == (REMIND, DUE)

    # then later sweeps before the deadline add nothing
    now_is(DUE - SECOND)
    assert sweep() == 0
    assert Reminder.objects.count() == 1
    assert len(events(case, CaseEvent.Kind.REMINDER)) == 1
    assert len(mailoutbox) == 1
    case.refresh_from_db()
    assert case.escalation_level == 0


def test_without_an_assignee_the_reminder_goes_to_the_department_head(
    china, investigation_only, now_is, new_complaint, sweep, org
):
    now_is(RECEIVED)
    complaint = new_complaint()

    now_is(REMIND)
    sweep()

    assert Reminder.objects.get().recipient == org.head
    clock = investigation_clock(complaint)
    assert notified(Notification.Kind.REMINDER) == [("head", f"reminder:{clock.pk}")]


def test_a_reminder_first_seen_after_the_deadline_is_skipped_for_the_breach(case, now_is, sweep):
    # the sweep did not run between the reminder time and the deadline (say, workers were down)
    now_is(DUE + SECOND)
    sweep()

    assert not Reminder.objects.exists()
    assert escalations(case) == [(1, Escalation.Reason.BREACH, Stage.INVESTIGATION)]


# --- the levels -----------------------------------------------------------------------------


def test_the_breach_escalates_to_the_department_head(case, now_is, sweep, mailoutbox, org):
    now_is(REMIND)
    sweep()
    version = Complaint.objects.get(pk=case.pk).version
    mailoutbox.clear()

    # at the deadline itself nothing happens yet; one second after it, level 1
    now_is(DUE)
    sweep()
    assert not Escalation.objects.exists()
    now_is(DUE + SECOND)
    assert sweep() == 1

    clock = investigation_clock(case)
    escalation = Escalation.objects.get()
    assert (escalation.level, escalation.reason, escalation.clock) == (
        1,
        Escalation.Reason.BREACH,
        clock,
    )
    assert escalation.key == f"{case.pk}:breach:{clock.pk}:1"
    stored = Complaint.objects.get(pk=case.pk)
    assert stored.escalation_level == 1
    # staff with the case open are not told it changed: escalation is not an edit of the case
    assert stored.version == version
    [event] = events(case, CaseEvent.Kind.ESCALATED)
    assert event.actor is None
    assert event.data == {
        "level": 1,
        "added": False,
        "reasons": [
            {
                "escalation_id": escalation.pk,
                "reason": "breach",
                "stage": "investigation",
                "due_at": "2025-09-30T15:59:59Z",  # stored in UTC
            }
        ],
    }
    # one message per case and level
    assert notified(Notification.Kind.ESCALATION) == [("head", f"escalation:{case.pk}:1")]
    assert [message.to for message in mailoutbox] == [["head@example.com"]]
    assert (clock.breached_at, clock.escalated_level, clock.next_action_at) == (
        DUE + SECOND,
        1,
        LEVEL_2,
    )


def test_one_working_day_later_the_complaint_managers_then_senior_management(
    case, now_is, sweep, org
):
    now_is(DUE + SECOND)
    sweep()

    # National Day is off: level 2 waits for the end of Thu 10/9, the first working day after
    # the deadline (the sweep may look at the clock at that very moment, but it is not late yet)
    now_is(LEVEL_2)
    sweep()
    assert len(escalations(case)) == 1
    now_is(LEVEL_2 + SECOND)
    assert sweep() == 1
    assert escalations(case)[-1] == (2, Escalation.Reason.BREACH, Stage.INVESTIGATION)
    assert Complaint.objects.get(pk=case.pk).escalation_level == 2
    assert [name for name, _key in notified(Notification.Kind.ESCALATION)] == [
        "head",
        "manager",
    ]

    # and one more working day, level 3 to senior management
    now_is(LEVEL_3 - SECOND)
    assert sweep() == 0
    now_is(LEVEL_3 + SECOND)
    assert sweep() == 1
    assert [level for level, _reason, _stage in escalations(case)] == [1, 2, 3]
    assert Complaint.objects.get(pk=case.pk).escalation_level == 3
    assert [name for name, _key in notified(Notification.Kind.ESCALATION)] == [
        "executive",
        "head",
        "manager",
    ]
    assert [e.data["level"] for e in events(case, CaseEvent.Kind.ESCALATED)] == [1, 2, 3]

    # level 3 is the top: the clock has nothing more to do
    clock = investigation_clock(case)
    assert (clock.escalated_level, clock.next_action_at) == (3, None)
    now_is(LEVEL_3 + timedelta(days=30))
    assert sweep() == 0


def test_a_sweep_that_first_sees_the_clock_late_records_every_level_passed(case, now_is, sweep):
    now_is(LEVEL_3 + SECOND)
    sweep()

    assert [level for level, _reason, _stage in escalations(case)] == [1, 2, 3]
    assert Complaint.objects.get(pk=case.pk).escalation_level == 3


def test_the_level_step_is_configurable(case, now_is, sweep):
    EscalationSettings.objects.filter(pk=1).update(level_step_working_days=2)
    EscalationSettings.forget()  # a queryset update sends no signal
    now_is(DUE + SECOND)
    sweep()

    # two working days after Tue 9/30: Thu 10/9 and Fri 10/10
    assert investigation_clock(case).next_action_at == LEVEL_3
    now_is(LEVEL_2 + SECOND)
    assert sweep() == 0


def test_without_a_department_head_level_1_goes_to_the_complaint_managers(case, now_is, sweep, org):
    org.service.head = None
    org.service.save()
    now_is(DUE + SECOND)
    sweep()

    assert [name for name, _key in notified(Notification.Kind.ESCALATION)] == ["manager"]


def test_a_head_further_up_the_chain_hears_of_level_1(case, now_is, sweep, org):
    org.service.head = None
    org.service.save()
    org.management.head = org.executive
    org.management.save()
    now_is(DUE + SECOND)
    sweep()

    assert [name for name, _key in notified(Notification.Kind.ESCALATION)] == ["executive"]


# --- clocks that do not escalate ------------------------------------------------------------


def test_a_clock_met_before_the_deadline_never_escalates(case, flow, now_is, sweep, org):
    now_is(at(2025, 9, 29, 9))
    triaged = flow.run(case, "start_triage")
    investigating = flow.run(triaged, "start_investigation")
    complaint_transition(
        complaint=investigating,
        name="complete_investigation",
        actor=org.handler,
        data={"findings": "压缩机接线松动。"},
    )

    for moment in (REMIND, DUE + SECOND, LEVEL_2, LEVEL_3 + timedelta(days=10)):
        now_is(moment)
        assert sweep() == 0
    assert not Reminder.objects.exists()
    assert not Escalation.objects.exists()
    assert Complaint.objects.get(pk=case.pk).escalation_level == 0


def test_a_paused_clock_is_not_swept(case, now_is, sweep, org):
    now_is(at(2025, 9, 29, 9))
    clocks_pause(complaint=case, actor=org.handler, reason="testing_appraisal", note="送检")

    for moment in (REMIND, DUE + SECOND, LEVEL_3 + SECOND):
        now_is(moment)
        assert sweep() == 0
    assert not Reminder.objects.exists()
    assert not Escalation.objects.exists()


def test_processing_a_clock_twice_changes_nothing_the_second_time(case, now_is, sweep):
    now_is(LEVEL_2 + SECOND)
    clock = investigation_clock(case)

    assert clock_process(clock_id=clock.pk) == ["breach", "level 1", "level 2"]
    before = (
        Escalation.objects.count(),
        Notification.objects.count(),
        case.events.count(),
        Clock.objects.get(pk=clock.pk).next_action_at,
    )

    assert clock_process(clock_id=clock.pk) == []
    assert sweep() == 0
    assert sweep() == 0
    after = (
        Escalation.objects.count(),
        Notification.objects.count(),
        case.events.count(),
        Clock.objects.get(pk=clock.pk).next_action_at,
    )
    assert after == before


def test_a_clock_of_a_finished_case_that_slipped_through_is_dropped(case, now_is):
    # a live clock on a withdrawn case cannot arise through the services; written here directly
    Complaint.objects.filter(pk=case.pk).update(state=State.WITHDRAWN)
    now_is(DUE + SECOND)

    assert clock_process(clock_id=investigation_clock(case).pk) == []
    assert investigation_clock(case).next_action_at is None
    assert not Escalation.objects.exists()


# --- 三天以上仍不能协商处理 -------------------------------------------------------------------


def test_a_case_unsettled_72_hours_after_receipt_goes_straight_to_senior_management(
    china, now_is, new_complaint, sweep, flow, org
):
    # the default general policy; the first staff call answers the first response
    now_is(RECEIVED)
    complaint = flow.run(new_complaint(), "start_triage")
    contact_record(
        complaint=complaint,
        actor=org.agent,
        channel="phone",
        direction="outbound",
        summary="已回电",
    )

    now_is(RECEIVED + timedelta(hours=72) - SECOND)
    sweep()
    assert not Escalation.objects.filter(reason=Escalation.Reason.BREACH, level=3).exists()

    now_is(RECEIVED + timedelta(hours=72) + SECOND)
    sweep()
    assert escalations(complaint) == [(3, Escalation.Reason.BREACH, Stage.RESOLUTION)]
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3
    assert [name for name, _key in notified(Notification.Kind.ESCALATION)] == ["executive"]
    resolution = Clock.objects.get(complaint=complaint, stage=Stage.RESOLUTION)
    assert (resolution.escalated_level, resolution.next_action_at) == (3, None)


# --- straight to senior management on the facts ---------------------------------------------


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        (Flags(personal_injury=True), Escalation.Reason.PERSONAL_INJURY),
        (Flags(media_involved=True), Escalation.Reason.MEDIA),
        (Flags(regulator_involved=True), Escalation.Reason.REGULATOR),
    ],
)
def test_a_fact_at_intake_goes_to_senior_management_at_once(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox, flags, reason
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(flags=flags)

    assert escalations(complaint) == [(3, reason, None)]
    assert complaint.escalation_level == 3
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3
    kinds = [event.kind for event in complaint.events.order_by("id")]
    # a media or regulator case keeps its evidence (issue 16 §6); then, after the commit, the
    # acknowledgment texted to the customer (a mobile number only)
    held = [CaseEvent.Kind.LEGAL_HOLD_SET] if reason != Escalation.Reason.PERSONAL_INJURY else []
    assert kinds == [
        CaseEvent.Kind.CREATED,
        CaseEvent.Kind.ESCALATED,
        *held,
        CaseEvent.Kind.CONTACT,
    ]
    assert notified(Notification.Kind.ESCALATION) == [("executive", f"escalation:{complaint.pk}:3")]
    assert [message.to for message in mailoutbox] == [["executive@example.com"]]


def test_a_large_claim_at_intake_goes_to_senior_management(new_complaint):
    assert escalations(new_complaint(amount_claimed=Decimal("49999.99"))) == []

    complaint = new_complaint(amount_claimed=Decimal(50000))

    assert escalations(complaint) == [(3, Escalation.Reason.LARGE_CLAIM, None)]
    assert complaint.severity == Severity.MAJOR


def test_every_fact_is_its_own_escalation(new_complaint):
    complaint = new_complaint(
        amount_claimed=Decimal(80000), flags=Flags(personal_injury=True, media_involved=True)
    )

    assert sorted(reason for _level, reason, _stage in escalations(complaint)) == [
        "large_claim",
        "media",
        "personal_injury",
    ]


def test_a_flag_set_at_triage_escalates_once(new_complaint, org):
    complaint = new_complaint()
    assert escalations(complaint) == []

    def triage(**changes) -> Complaint:
        return complaint_triage(complaint=complaint, actor=org.agent, comment="核实", **changes)

    complaint = triage(regulator_involved=True)
    assert escalations(complaint) == [(3, Escalation.Reason.REGULATOR, None)]
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3

    # changing something else, or clearing and setting the flag again, does not repeat it
    complaint = triage(severity=Severity.MAJOR)
    complaint = triage(regulator_involved=False)
    complaint = triage(regulator_involved=True)
    assert escalations(complaint) == [(3, Escalation.Reason.REGULATOR, None)]
    assert len(events(complaint, CaseEvent.Kind.ESCALATED)) == 1


def test_a_large_offer_escalates_when_it_is_proposed(flow, new_complaint, org):
    complaint = flow.advance(new_complaint(), State.DECISION)

    flow.propose(complaint, amount=Decimal(1000))
    assert escalations(complaint) == []

    flow.propose(complaint, amount=Decimal(60000))
    assert escalations(complaint) == [(3, Escalation.Reason.LARGE_CLAIM, None)]
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3


def test_the_threshold_comes_from_the_escalation_settings(flow, new_complaint):
    EscalationSettings.objects.filter(pk=1).update(large_claim_threshold=Decimal(5000))
    EscalationSettings.forget()  # a queryset update sends no signal

    assert escalations(new_complaint(amount_claimed=Decimal(5000))) == [
        (3, Escalation.Reason.LARGE_CLAIM, None)
    ]
