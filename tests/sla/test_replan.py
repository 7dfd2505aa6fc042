"""Re-planning the open clocks when triage changes the severity or category (clocks_replan).

The case is received Mon 2025-11-10 10:00 (Shanghai), an ordinary fortnight: under the general
policy first response Tue 11-11 10:00, investigation Thu 11-13 23:59:59, decision Mon 11-17
23:59:59, settlement Thu 11-13 10:00. Under the urgent one: 2 h, 1 and 2 working days.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils.dateparse import parse_datetime

from complaints.models import CaseEvent, Complaint, Severity, State
from complaints.services import complaint_triage, contact_record
from sla.models import Clock, PauseReason, SlaPolicy, SlaTarget, Stage
from sla.services import clocks_pause, clocks_resume
from tests.factories import CategoryFactory
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

MON_1110_10 = datetime(2025, 11, 10, 10, tzinfo=SHANGHAI)
GENERAL = {
    Stage.FIRST_RESPONSE: "2025-11-11T10:00:00+08:00",
    Stage.INVESTIGATION: "2025-11-13T23:59:59+08:00",
    Stage.DECISION: "2025-11-17T23:59:59+08:00",
    Stage.RESOLUTION: "2025-11-13T10:00:00+08:00",
}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def dues(complaint: Complaint, *, round: int = 0) -> dict[str, str | None]:
    return {
        stage: local(clock.due_at) for stage, clock in clocks_of(complaint, round=round).items()
    }


@pytest.fixture
def case(china, now_is, new_complaint) -> Complaint:
    now_is(MON_1110_10)
    return new_complaint()


def triage(complaint: Complaint, actor, **changes) -> Complaint:
    complaint.refresh_from_db()
    return complaint_triage(complaint=complaint, actor=actor, **changes)


def test_raising_the_severity_replans_the_open_clocks_from_their_start(org, now_is, case):
    now_is(at(2025, 11, 10, 11))

    triage(case, org.agent, severity=Severity.URGENT, comment="客户称有人受伤")

    assert dues(case) == {
        Stage.FIRST_RESPONSE: "2025-11-10T12:00:00+08:00",
        Stage.INVESTIGATION: "2025-11-11T23:59:59+08:00",
        Stage.DECISION: "2025-11-12T23:59:59+08:00",
        Stage.RESOLUTION: GENERAL[Stage.RESOLUTION],  # 72 h in every policy
    }
    urgent = SlaPolicy.objects.get(code="default-urgent")
    for clock in clocks_of(case).values():
        assert clock.started_at == MON_1110_10
        assert clock.target.policy == urgent
        assert (clock.amount, clock.unit) == (clock.target.amount, clock.target.unit)
    # the reminder and the sweep follow the new deadline
    first_response = clocks_of(case)[Stage.FIRST_RESPONSE]
    assert local(first_response.remind_at) == "2025-11-10T11:30:00+08:00"
    assert first_response.next_action_at == first_response.remind_at


def test_the_replanning_is_on_the_timeline_with_its_reason(org, now_is, case):
    now_is(at(2025, 11, 10, 11))

    triage(case, org.agent, severity=Severity.URGENT, comment="客户称有人受伤")

    event = case.events.get(kind=CaseEvent.Kind.DEADLINES_REPLANNED)
    assert (event.actor, event.comment) == (org.agent, "客户称有人受伤")
    assert event.data["why"] == {"severity": [Severity.GENERAL, Severity.URGENT]}
    moved = {
        row["stage"]: (local(parse_datetime(row["from"])), local(parse_datetime(row["to"])))
        for row in event.data["clocks"]
    }
    assert moved == {
        Stage.FIRST_RESPONSE: (GENERAL[Stage.FIRST_RESPONSE], "2025-11-10T12:00:00+08:00"),
        Stage.INVESTIGATION: (GENERAL[Stage.INVESTIGATION], "2025-11-11T23:59:59+08:00"),
        Stage.DECISION: (GENERAL[Stage.DECISION], "2025-11-12T23:59:59+08:00"),
    }


def test_a_met_clock_is_left_as_it_was(org, now_is, case):
    now_is(at(2025, 11, 10, 14))
    contact_record(
        complaint=case, actor=org.agent, channel="phone", direction="outbound", summary="已回电。"
    )
    before = clocks_of(case)[Stage.FIRST_RESPONSE]

    triage(case, org.agent, severity=Severity.URGENT)

    after = clocks_of(case)[Stage.FIRST_RESPONSE]
    assert (after.due_at, after.met_at, after.target_id, after.amount) == (
        before.due_at,
        before.met_at,
        before.target_id,
        24,
    )
    assert dues(case)[Stage.INVESTIGATION] == "2025-11-11T23:59:59+08:00"


def test_paused_time_is_kept_under_the_new_targets(org, now_is, case):
    # given a day's wait on the customer, Mon 11:30 to Tue 11:30
    now_is(at(2025, 11, 10, 11, 30))
    clocks_pause(complaint=case, actor=org.agent, reason=PauseReason.WAITING_CUSTOMER)
    now_is(at(2025, 11, 11, 11, 30))
    clocks_resume(complaint=case, actor=org.agent)
    assert dues(case)[Stage.INVESTIGATION] == "2025-11-14T23:59:59+08:00"
    now_is(at(2025, 11, 11, 11, 45))

    triage(case, org.agent, severity=Severity.URGENT)

    assert dues(case) == {
        # a wait on the customer stops neither the first response nor the 72-hour alert
        Stage.FIRST_RESPONSE: "2025-11-10T12:00:00+08:00",
        Stage.RESOLUTION: "2025-11-13T10:00:00+08:00",
        # Tue 23:59:59 and Wed 23:59:59, each one working day later: the wait ended on Tuesday
        Stage.INVESTIGATION: "2025-11-12T23:59:59+08:00",
        Stage.DECISION: "2025-11-13T23:59:59+08:00",
    }


def test_a_wait_that_began_after_the_new_deadline_gives_nothing_back(org, now_is, case):
    # given a wait from Mon 13:00 to Tue 13:00, after the urgent first response would have been due
    now_is(at(2025, 11, 10, 13))
    clocks_pause(complaint=case, actor=org.agent, reason=PauseReason.WAITING_CUSTOMER)
    now_is(at(2025, 11, 11, 13))
    clocks_resume(complaint=case, actor=org.agent)

    triage(case, org.agent, severity=Severity.URGENT)

    # the urgent first response was late before the case started waiting, as if it had always been
    # urgent; the investigation was still running then and gets its day back
    assert dues(case)[Stage.FIRST_RESPONSE] == "2025-11-10T12:00:00+08:00"
    assert dues(case)[Stage.INVESTIGATION] == "2025-11-12T23:59:59+08:00"


def test_a_change_that_keeps_the_targets_moves_nothing_even_after_an_overdue_wait(
    org, now_is, case
):
    # given a wait from Wed 10:00 to Fri 10:00, begun after the first response was overdue
    now_is(at(2025, 11, 12, 10))
    clocks_pause(complaint=case, actor=org.agent, reason=PauseReason.INSURER)
    now_is(at(2025, 11, 14, 10))
    clocks_resume(complaint=case, actor=org.agent)
    before = dues(case)
    assert before[Stage.FIRST_RESPONSE] == GENERAL[Stage.FIRST_RESPONSE]

    # when the case moves to another category under the same general policy
    triage(case, org.agent, category=CategoryFactory(code="parts", default_department=org.service))

    assert dues(case) == before
    assert not case.events.filter(kind=CaseEvent.Kind.DEADLINES_REPLANNED).exists()


def test_a_paused_clock_is_replanned_and_keeps_waiting(org, now_is, case):
    now_is(at(2025, 11, 10, 11))
    clocks_pause(complaint=case, actor=org.agent, reason=PauseReason.REGULATOR)

    triage(case, org.agent, severity=Severity.URGENT)

    investigation = clocks_of(case)[Stage.INVESTIGATION]
    assert local(investigation.due_at) == "2025-11-11T23:59:59+08:00"
    assert investigation.paused_at is not None
    assert investigation.next_action_at is None
    # on resuming Thu 11:00, it gets back what it had left under the new target when it stopped:
    # Mon 11:00 to Tue 23:59:59 is 36:59:59, so 13 h of Thursday and all of Friday
    now_is(at(2025, 11, 13, 11))
    clocks_resume(complaint=case, actor=org.agent)
    assert dues(case)[Stage.INVESTIGATION] == "2025-11-14T23:59:59+08:00"


def test_a_category_policy_takes_over_when_the_category_changes(org, now_is, case):
    special = CategoryFactory(code="injury", default_department=org.service)
    policy = SlaPolicy.objects.create(
        name="人身伤害", code="injury-general", severity=Severity.GENERAL, category=special
    )
    SlaTarget.objects.create(
        policy=policy,
        stage=Stage.INVESTIGATION,
        amount=1,
        unit="working_days",
        start_event="received",
    )
    SlaTarget.objects.create(
        policy=policy, stage=Stage.DECISION, amount=2, unit="working_days", start_event="received"
    )
    now_is(at(2025, 11, 10, 11))

    triage(case, org.agent, category=special)

    clocks = clocks_of(case)
    assert local(clocks[Stage.INVESTIGATION].due_at) == "2025-11-11T23:59:59+08:00"
    assert local(clocks[Stage.DECISION].due_at) == "2025-11-12T23:59:59+08:00"
    # stages this policy sets no target for stop
    for stage in (Stage.FIRST_RESPONSE, Stage.RESOLUTION):
        assert local(clocks[stage].cancelled_at) == "2025-11-10T11:00:00+08:00"
        assert clocks[stage].next_action_at is None
    event = case.events.get(kind=CaseEvent.Kind.DEADLINES_REPLANNED)
    assert set(event.data["why"]) == {"category"}
    assert {row["stage"]: row["to"] for row in event.data["clocks"]}[Stage.RESOLUTION] is None


def test_the_reply_clock_is_replanned_from_the_decision(org, flow, now_is, case):
    now_is(at(2025, 11, 10, 11))
    complaint = flow.advance(case, State.REPLY)
    assert dues(complaint)[Stage.REPLY] == "2025-11-11T23:59:59+08:00"  # 1 working day
    letters = CategoryFactory(code="letters", default_department=org.service)
    policy = SlaPolicy.objects.create(
        name="书面答复", code="letters-general", severity=Severity.GENERAL, category=letters
    )
    SlaTarget.objects.create(
        policy=policy,
        stage=Stage.REPLY,
        amount=3,
        unit="working_days",
        start_event="decision_recorded",
    )
    now_is(at(2025, 11, 11, 9))

    triage(complaint, org.agent, category=letters)

    reply = clocks_of(complaint)[Stage.REPLY]
    assert (local(reply.started_at), local(reply.due_at)) == (
        "2025-11-10T11:00:00+08:00",
        "2025-11-13T23:59:59+08:00",
    )
    assert reply.target.policy == policy


def test_only_the_current_round_is_replanned(org, flow, now_is, case):
    now_is(at(2025, 11, 10, 11))
    complaint = flow.advance(case, State.FOLLOW_UP)
    flow.follow_up(complaint, satisfied=False)
    complaint = flow.run(complaint, "reopen")
    first_round = {
        c.pk: (c.due_at, c.met_at, c.cancelled_at) for c in Clock.objects.filter(round=0)
    }

    triage(complaint, org.agent, severity=Severity.URGENT)

    assert {
        c.pk: (c.due_at, c.met_at, c.cancelled_at) for c in Clock.objects.filter(round=0)
    } == first_round
    assert dues(complaint, round=1) == {
        Stage.INVESTIGATION: "2025-11-11T23:59:59+08:00",
        Stage.DECISION: "2025-11-12T23:59:59+08:00",
    }


def test_a_severity_without_an_active_policy_stops_the_open_clocks(org, now_is, case):
    policy = SlaPolicy.objects.get(code="default-urgent")
    policy.is_active = False
    policy.save()  # as the admin does: the cached policy book is forgotten
    now_is(at(2025, 11, 10, 11))

    triage(case, org.agent, severity=Severity.URGENT)

    assert {clock.cancelled_at for clock in clocks_of(case).values()} == {at(2025, 11, 10, 11)}
    event = case.events.get(kind=CaseEvent.Kind.DEADLINES_REPLANNED)
    assert {row["to"] for row in event.data["clocks"]} == {None}
