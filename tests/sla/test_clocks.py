"""Stage clocks opened, met and stopped by the workflow services (sla/services/clocks.py).

Every expected deadline below is worked out by hand on the real mainland China calendar:
2025 National Day runs Wed 10-01 to Wed 10-08 off, with make-up working days Sun 09-28 and Sat 10-11.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from complaints.models import Complaint, ContactDirection, State
from complaints.services import Flags, contact_record
from sla.models import Clock, Stage
from sla.selectors import complaint_deadlines
from tests.complaints.conftest import PATH_TO
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

FRI_0926_10 = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
RECEIVED_STAGES = {Stage.FIRST_RESPONSE, Stage.INVESTIGATION, Stage.DECISION, Stage.RESOLUTION}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def dues(complaint: Complaint, *, round: int = 0) -> dict[str, str | None]:
    return {
        stage: local(clock.due_at) for stage, clock in clocks_of(complaint, round=round).items()
    }


def met(complaint: Complaint, *, round: int = 0) -> dict[str, str | None]:
    return {
        stage: local(clock.met_at) for stage, clock in clocks_of(complaint, round=round).items()
    }


def call_customer(complaint: Complaint, actor, direction=ContactDirection.OUTBOUND) -> Complaint:
    contact_record(
        complaint=complaint, actor=actor, channel="phone", direction=direction, summary="已回电。"
    )
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def received_friday(china, now_is, new_complaint) -> Complaint:
    """A general case received and entered on Fri 2025-09-26 10:00, two days before National Day."""
    now_is(FRI_0926_10)
    return new_complaint()


def to_state(flow, complaint: Complaint, state: str) -> Complaint:
    """Drive the case on to `state` through the services, every step at the current (frozen) time."""
    done = set(PATH_TO[complaint.state])
    for name in PATH_TO[state]:
        if name not in done:
            complaint = flow.run(flow.prepare(complaint, name), name)
    return complaint


# --- opened at intake -----------------------------------------------------------------------


def test_intake_opens_the_received_clocks_of_the_general_policy(received_friday):
    # then the four clocks that start at receipt run from 10:00; reply and follow-up wait
    clocks = clocks_of(received_friday)
    assert set(clocks) == RECEIVED_STAGES
    assert {clock.started_at for clock in clocks.values()} == {FRI_0926_10}
    assert dues(received_friday) == {
        # 24 clock hours: Saturday counts
        Stage.FIRST_RESPONSE: "2025-09-27T10:00:00+08:00",
        # Friday itself is not counted; Sun 9/28 is a make-up working day, then Mon, Tue
        Stage.INVESTIGATION: "2025-09-30T23:59:59+08:00",
        # ...then Oct 1-8 are off: Thu 10/9 is the 4th, Fri 10/10 the 5th working day
        Stage.DECISION: "2025-10-10T23:59:59+08:00",
        # 三天以上仍不能协商处理: 72 clock hours
        Stage.RESOLUTION: "2025-09-29T10:00:00+08:00",
    }
    stored = {(c.stage, c.amount, c.unit, c.round) for c in clocks.values()}
    assert stored == {
        (Stage.FIRST_RESPONSE, 24, "hours", 0),
        (Stage.INVESTIGATION, 3, "working_days", 0),
        (Stage.DECISION, 5, "working_days", 0),
        (Stage.RESOLUTION, 72, "hours", 0),
    }
    assert all(clock.is_live and not clock.provisional for clock in clocks.values())


def test_the_reminder_falls_when_three_quarters_of_the_span_have_passed(received_friday):
    clocks = clocks_of(received_friday)

    # 24 h → 18 h in
    assert local(clocks[Stage.FIRST_RESPONSE].remind_at) == "2025-09-27T04:00:00+08:00"
    # working-day clocks take 75 % of the WORKING time, so the reminder never lands in a holiday:
    # Fri 14 h + Sun 9/28 (make-up day) 24 h + Mon 24 h + Tue 23:59:59 = 85:59:59 → 64:29:59.25 in,
    # i.e. Fri 14 h, Sun 24 h, Mon 24 h, then 2:29:59.25 into Tuesday
    assert local(clocks[Stage.INVESTIGATION].remind_at) == "2025-09-30T02:29:59.250000+08:00"
    # Fri 14 h + Sun, Mon, Tue 72 h + (10/1-10/8 off) Thu 10/9 24 h + Fri 10/10 23:59:59
    # = 133:59:59 → 100:29:59.25 in: Fri, Sun, Mon, Tue use 86 h, then 14:29:59.25 into Thu 10/9
    assert local(clocks[Stage.DECISION].remind_at) == "2025-10-09T14:29:59.250000+08:00"
    # the settlement clock goes straight to senior management: no reminder
    assert clocks[Stage.RESOLUTION].remind_at is None
    # the sweep's next look at each live clock is its reminder
    for clock in clocks.values():
        assert clock.next_action_at == (clock.remind_at or clock.due_at)


def test_a_complaint_entered_late_is_timed_from_when_it_was_received(china, now_is, new_complaint):
    # given a call taken Thu 9/25 15:00, entered the next morning
    now_is(FRI_0926_10)

    complaint = new_complaint(received_at=at(2025, 9, 25, 15))

    clocks = clocks_of(complaint)
    assert {clock.started_at for clock in clocks.values()} == {at(2025, 9, 25, 15)}
    assert dues(complaint) == {
        Stage.FIRST_RESPONSE: "2025-09-26T15:00:00+08:00",
        # Fri 9/26, Sun 9/28 (make-up), Mon 9/29
        Stage.INVESTIGATION: "2025-09-29T23:59:59+08:00",
        # Tue 9/30, then the holiday, Thu 10/9
        Stage.DECISION: "2025-10-09T23:59:59+08:00",
        Stage.RESOLUTION: "2025-09-28T15:00:00+08:00",
    }


def test_an_urgent_case_runs_on_the_stricter_policy(china, now_is, new_complaint):
    now_is(FRI_0926_10)

    complaint = new_complaint(flags=Flags(personal_injury=True))

    assert complaint.severity == "urgent"
    assert dues(complaint) == {
        Stage.FIRST_RESPONSE: "2025-09-26T12:00:00+08:00",  # 2 hours
        Stage.INVESTIGATION: "2025-09-28T23:59:59+08:00",  # 1 working day: the make-up Sunday
        Stage.DECISION: "2025-09-29T23:59:59+08:00",  # 2 working days
        Stage.RESOLUTION: "2025-09-29T10:00:00+08:00",
    }


def test_a_complex_case_runs_on_the_looser_policy(china, now_is, new_complaint):
    now_is(FRI_0926_10)

    complaint = new_complaint(severity="complex")

    assert dues(complaint)[Stage.INVESTIGATION] == "2025-10-10T23:59:59+08:00"  # 5 working days
    # 9/28, 9/29, 9/30, 10/9, 10/10, Sat 10/11 (make-up), 10/13, 14, 15, 16
    assert dues(complaint)[Stage.DECISION] == "2025-10-16T23:59:59+08:00"  # 10 working days


def test_a_deadline_in_an_unconfirmed_year_is_provisional(china, now_is, new_complaint):
    # given a case received on New Year's Eve 2026
    now_is(at(2026, 12, 31, 10))

    complaint = new_complaint()

    clocks = clocks_of(complaint)
    # 2027-01-01 is off (the package's guess), Mon 1/4, Tue 1/5, Wed 1/6
    assert local(clocks[Stage.INVESTIGATION].due_at) == "2027-01-06T23:59:59+08:00"
    assert clocks[Stage.INVESTIGATION].provisional is True
    assert clocks[Stage.DECISION].provisional is True
    # hour clocks do not depend on the holidays
    assert local(clocks[Stage.FIRST_RESPONSE].due_at) == "2027-01-01T10:00:00+08:00"
    assert clocks[Stage.FIRST_RESPONSE].provisional is False
    assert {d.stage: d.provisional for d in complaint_deadlines(complaint=complaint)} == {
        Stage.FIRST_RESPONSE: False,
        Stage.INVESTIGATION: True,
        Stage.DECISION: True,
        Stage.RESOLUTION: False,
    }


def test_a_deadline_in_a_confirmed_year_is_not_provisional(china, now_is, new_complaint):
    now_is(at(2026, 12, 1, 10))

    complaint = new_complaint()

    clocks = clocks_of(complaint)
    assert local(clocks[Stage.DECISION].due_at) == "2026-12-08T23:59:59+08:00"
    assert not any(clock.provisional for clock in clocks.values())


def test_no_active_policy_for_the_severity_opens_no_clock(china, now_is, new_complaint):
    from sla.models import SlaPolicy

    for policy in SlaPolicy.objects.filter(severity="general"):
        policy.is_active = False
        policy.save()  # as the admin does: the cached policy book is forgotten
    now_is(FRI_0926_10)

    complaint = new_complaint()

    assert not Clock.objects.filter(complaint=complaint).exists()


# --- first response -------------------------------------------------------------------------


def test_the_first_staff_call_to_the_customer_meets_the_first_response(
    org, now_is, received_friday
):
    now_is(at(2025, 9, 26, 14, 30))

    call_customer(received_friday, org.agent)

    assert met(received_friday) == {
        Stage.FIRST_RESPONSE: "2025-09-26T14:30:00+08:00",
        Stage.INVESTIGATION: None,
        Stage.DECISION: None,
        Stage.RESOLUTION: None,
    }
    first_response = clocks_of(received_friday)[Stage.FIRST_RESPONSE]
    assert first_response.next_action_at is None
    assert not first_response.is_live


def test_a_call_from_the_customer_is_not_a_response(org, now_is, received_friday):
    now_is(at(2025, 9, 26, 14, 30))

    call_customer(received_friday, org.agent, direction=ContactDirection.INBOUND)

    assert met(received_friday)[Stage.FIRST_RESPONSE] is None


# --- met by the workflow ----------------------------------------------------------------------


def test_completing_the_investigation_meets_its_clock(flow, now_is, received_friday):
    complaint = to_state(flow, received_friday, State.INVESTIGATION)
    now_is(at(2025, 9, 29, 16))

    flow.run(complaint, "complete_investigation")

    assert met(complaint) == {
        Stage.FIRST_RESPONSE: None,
        Stage.INVESTIGATION: "2025-09-29T16:00:00+08:00",
        Stage.DECISION: None,
        Stage.RESOLUTION: None,
    }


def test_the_decision_meets_decision_and_settlement_and_starts_the_reply(
    flow, now_is, received_friday
):
    complaint = to_state(flow, received_friday, State.DECISION)
    flow.propose(complaint)
    # when the decision is confirmed on Tue 9/30, the last working day before the holiday
    now_is(at(2025, 9, 30, 16))

    flow.run(complaint, "decide")

    clocks = clocks_of(complaint)
    assert local(clocks[Stage.DECISION].met_at) == "2025-09-30T16:00:00+08:00"
    assert local(clocks[Stage.RESOLUTION].met_at) == "2025-09-30T16:00:00+08:00"
    # one working day after the decision: the holiday is skipped to Thu 10/9
    reply = clocks[Stage.REPLY]
    assert (local(reply.started_at), local(reply.due_at)) == (
        "2025-09-30T16:00:00+08:00",
        "2025-10-09T23:59:59+08:00",
    )
    assert reply.is_live
    assert Stage.FOLLOW_UP not in clocks


def test_sending_the_reply_meets_it_and_the_open_first_response_and_starts_the_follow_up(
    flow, now_is, received_friday
):
    complaint = to_state(flow, received_friday, State.REPLY)
    # when the outcome goes out on Thu 10/9, nobody having called the customer before
    now_is(at(2025, 10, 9, 10))

    flow.run(complaint, "send_reply")

    clocks = clocks_of(complaint)
    assert local(clocks[Stage.REPLY].met_at) == "2025-10-09T10:00:00+08:00"
    assert local(clocks[Stage.FIRST_RESPONSE].met_at) == "2025-10-09T10:00:00+08:00"
    # three working days after Thu 10/9: Fri 10/10, Sat 10/11 (make-up), Mon 10/13
    follow_up = clocks[Stage.FOLLOW_UP]
    assert local(follow_up.due_at) == "2025-10-13T23:59:59+08:00"
    assert follow_up.is_live


def test_a_first_response_met_earlier_keeps_its_time_when_the_reply_goes_out(
    org, flow, now_is, received_friday
):
    now_is(at(2025, 9, 26, 11))
    complaint = call_customer(received_friday, org.agent)
    complaint = to_state(flow, complaint, State.REPLY)
    now_is(at(2025, 10, 9, 10))

    flow.run(complaint, "send_reply")

    assert met(complaint)[Stage.FIRST_RESPONSE] == "2025-09-26T11:00:00+08:00"


def test_a_follow_up_visit_that_reaches_the_customer_meets_the_follow_up(
    flow, now_is, received_friday
):
    complaint = to_state(flow, received_friday, State.FOLLOW_UP)
    now_is(at(2025, 10, 11, 9))
    flow.follow_up(complaint, satisfied=None)  # no answer: still due
    assert met(complaint)[Stage.FOLLOW_UP] is None
    now_is(at(2025, 10, 11, 15))

    flow.follow_up(complaint, satisfied=True)

    assert met(complaint)[Stage.FOLLOW_UP] == "2025-10-11T15:00:00+08:00"


def test_answering_on_the_spot_meets_the_handling_clocks_and_starts_the_reply(
    flow, now_is, received_friday
):
    complaint = to_state(flow, received_friday, State.TRIAGE)
    now_is(at(2025, 9, 26, 10, 20))

    flow.run(complaint, "answer_on_spot")

    assert met(complaint) == {
        Stage.FIRST_RESPONSE: None,
        Stage.INVESTIGATION: "2025-09-26T10:20:00+08:00",
        Stage.DECISION: "2025-09-26T10:20:00+08:00",
        Stage.RESOLUTION: "2025-09-26T10:20:00+08:00",
        Stage.REPLY: None,
    }
    # one working day after Fri 9/26 is the make-up Sunday
    assert dues(complaint)[Stage.REPLY] == "2025-09-28T23:59:59+08:00"


# --- second handling ------------------------------------------------------------------------


def test_reopening_starts_a_new_round_from_the_reopening_and_stops_the_old_leftovers(
    flow, now_is, received_friday
):
    complaint = to_state(flow, received_friday, State.FOLLOW_UP)
    # a clock of the first round still open (here: made so by hand) must not run on
    Clock.objects.filter(complaint=complaint, stage=Stage.RESOLUTION).update(met_at=None)
    now_is(at(2025, 10, 11, 10))
    flow.follow_up(complaint, satisfied=False)
    now_is(at(2025, 10, 11, 11))

    complaint = flow.run(complaint, "reopen")

    assert complaint.reopen_count == 1
    second = clocks_of(complaint, round=1)
    assert set(second) == {Stage.INVESTIGATION, Stage.DECISION}
    assert {local(clock.started_at) for clock in second.values()} == {"2025-10-11T11:00:00+08:00"}
    assert dues(complaint, round=1) == {
        # after Sat 10/11 (itself a make-up working day, not counted): Mon 13, Tue 14, Wed 15
        Stage.INVESTIGATION: "2025-10-15T23:59:59+08:00",
        Stage.DECISION: "2025-10-17T23:59:59+08:00",
    }
    first = clocks_of(complaint, round=0)
    assert local(first[Stage.RESOLUTION].cancelled_at) == "2025-10-11T11:00:00+08:00"
    assert first[Stage.RESOLUTION].met_at is None
    assert local(first[Stage.FOLLOW_UP].met_at) == "2025-10-11T10:00:00+08:00"
    assert not Clock.objects.filter(complaint=complaint, round=0).filter(
        met_at__isnull=True, cancelled_at__isnull=True
    )


def test_the_second_round_runs_through_its_own_reply_and_follow_up(flow, now_is, received_friday):
    complaint = to_state(flow, received_friday, State.FOLLOW_UP)
    flow.follow_up(complaint, satisfied=False)
    complaint = flow.run(complaint, "reopen")
    now_is(at(2025, 10, 14, 10))

    complaint = to_state(flow, complaint, State.FOLLOW_UP)

    second = clocks_of(complaint, round=1)
    assert set(second) == {Stage.INVESTIGATION, Stage.DECISION, Stage.REPLY, Stage.FOLLOW_UP}
    assert [s for s, clock in second.items() if clock.met_at is None] == [Stage.FOLLOW_UP]
    assert local(second[Stage.FOLLOW_UP].due_at) == "2025-10-17T23:59:59+08:00"


# --- stopped when the case ends ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "name"),
    [(State.TRIAGE, "reject"), (State.INVESTIGATION, "withdraw"), (State.REPLY, "withdraw")],
)
def test_an_ended_case_stops_every_unfinished_clock(flow, now_is, received_friday, state, name):
    complaint = to_state(flow, received_friday, state)
    now_is(at(2025, 9, 29, 9))

    complaint = flow.run(complaint, name)

    for clock in Clock.objects.filter(complaint=complaint):
        assert clock.cancelled_at is not None or clock.met_at is not None
        assert clock.next_action_at is None
        if clock.met_at is None:
            assert local(clock.cancelled_at) == "2025-09-29T09:00:00+08:00"
    assert not Clock.objects.filter(complaint=complaint, met_at__isnull=True).filter(
        cancelled_at__isnull=True
    )
    # stopped clocks are no deadlines any more; met ones stay on record
    shown = {d.stage for d in complaint_deadlines(complaint=complaint)}
    assert shown == set(
        Clock.objects.filter(complaint=complaint, met_at__isnull=False).values_list(
            "stage", flat=True
        )
    )


def test_closing_meets_the_follow_up_and_stops_the_rest(flow, now_is, received_friday):
    complaint = to_state(flow, received_friday, State.FOLLOW_UP)
    now_is(at(2025, 10, 10, 9))
    flow.follow_up(complaint, satisfied=True)
    now_is(at(2025, 10, 10, 10))

    complaint = flow.run(complaint, "close")

    assert complaint.state == State.CLOSED
    assert not Clock.objects.filter(complaint=complaint, met_at__isnull=True).filter(
        cancelled_at__isnull=True
    )
    assert met(complaint)[Stage.FOLLOW_UP] == "2025-10-10T09:00:00+08:00"


# --- the case's deadlines ---------------------------------------------------------------------


def test_the_deadlines_show_each_clock_with_its_state(org, flow, now_is, received_friday):
    # given a first response on time, an investigation late, the rest still running
    now_is(at(2025, 9, 26, 11))
    complaint = call_customer(received_friday, org.agent)
    complaint = to_state(flow, complaint, State.INVESTIGATION)
    now_is(at(2025, 10, 9, 9))
    complaint = flow.run(complaint, "complete_investigation")

    deadlines = complaint_deadlines(
        complaint=Complaint.objects.prefetch_related("clocks").get(pk=complaint.pk),
        now=at(2025, 10, 9, 9, 30),
    )

    assert [(d.stage, d.round) for d in deadlines] == [
        (Stage.FIRST_RESPONSE, 0),
        (Stage.INVESTIGATION, 0),
        (Stage.DECISION, 0),
        (Stage.RESOLUTION, 0),
    ]
    shown = {d.stage: (local(d.due_at), local(d.met_at), d.breached) for d in deadlines}
    assert shown == {
        # met in time
        Stage.FIRST_RESPONSE: ("2025-09-27T10:00:00+08:00", "2025-09-26T11:00:00+08:00", False),
        # met late: breached for good
        Stage.INVESTIGATION: ("2025-09-30T23:59:59+08:00", "2025-10-09T09:00:00+08:00", True),
        # still running, due tomorrow night
        Stage.DECISION: ("2025-10-10T23:59:59+08:00", None, False),
        # still running and past due
        Stage.RESOLUTION: ("2025-09-29T10:00:00+08:00", None, True),
    }
    assert not any(d.paused or d.provisional for d in deadlines)


def test_a_deadline_reads_breached_only_once_its_time_has_passed(received_friday):
    decision = next(
        d for d in complaint_deadlines(complaint=received_friday) if d.stage == Stage.DECISION
    )
    due = decision.due_at

    assert not _breached(received_friday, Stage.DECISION, now=due)
    assert _breached(received_friday, Stage.DECISION, now=due + timedelta(seconds=1))


def _breached(complaint: Complaint, stage: str, *, now: datetime) -> bool:
    return next(
        d.breached for d in complaint_deadlines(complaint=complaint, now=now) if d.stage == stage
    )


def test_the_deadlines_read_prefetched_clocks_without_queries(
    received_friday, django_assert_num_queries
):
    complaint = Complaint.objects.prefetch_related("clocks").get(pk=received_friday.pk)

    with django_assert_num_queries(0):
        deadlines = complaint_deadlines(complaint=complaint, now=FRI_0926_10)

    assert [d.stage for d in deadlines] == [
        Stage.FIRST_RESPONSE,
        Stage.INVESTIGATION,
        Stage.DECISION,
        Stage.RESOLUTION,
    ]
