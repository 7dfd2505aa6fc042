"""Pausing and resuming a case's clocks (sla/services/pauses.py).

The case is received Mon 2025-11-10 10:00 (Shanghai), in an ordinary fortnight with no holiday:
first response due Tue 11-11 10:00 (24 h), investigation Thu 11-13 23:59:59 (3 working days),
decision Mon 11-17 23:59:59 (5 working days), settlement Thu 11-13 10:00 (72 h).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils.dateparse import parse_datetime

from accounts.roles import Role
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, State
from complaints.services import contact_record
from sla.models import CalendarDay, Clock, ClockPause, PauseReason, Stage
from sla.selectors import complaint_deadlines
from sla.services import calendar_day_set, clocks_pause, clocks_resume
from tests.complaints.conftest import snapshot, user_of
from tests.sla.china import SHANGHAI
from tests.sla.conftest import clocks_of, local

pytestmark = pytest.mark.django_db

MON_1110_10 = datetime(2025, 11, 10, 10, tzinfo=SHANGHAI)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def dues(complaint: Complaint) -> dict[str, str | None]:
    return {stage: local(clock.due_at) for stage, clock in clocks_of(complaint).items()}


@pytest.fixture
def case(china, now_is, new_complaint) -> Complaint:
    now_is(MON_1110_10)
    return new_complaint()


def pause(complaint, actor, moment, reason=PauseReason.WAITING_CUSTOMER, note="", *, now_is):
    now_is(moment)
    return clocks_pause(complaint=complaint, actor=actor, reason=reason, note=note)


def resume(complaint, actor, moment, *, now_is):
    now_is(moment)
    return clocks_resume(complaint=complaint, actor=actor)


# --- who may, and why -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.HANDLER, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER])
def test_the_people_working_the_case_may_pause_and_resume_it(org, now_is, case, role):
    person = user_of(org, role)

    paused = pause(case, person, at(2025, 11, 10, 11), now_is=now_is)
    resumed = resume(case, person, at(2025, 11, 10, 12), now_is=now_is)

    assert {clock.stage for clock in paused} == {clock.stage for clock in resumed}
    assert len(paused) == 4


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EXECUTIVE])
def test_readers_and_senior_management_may_not_stop_the_clock(org, now_is, case, role):
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        pause(case, user_of(org, role), at(2025, 11, 10, 11), now_is=now_is)

    assert snapshot(case) == before
    assert not ClockPause.objects.exists()


def test_a_handler_of_another_department_does_not_see_the_case(org, now_is, case):
    with pytest.raises(NotFound):
        pause(case, org.other_handler, at(2025, 11, 10, 11), now_is=now_is)


def test_resuming_needs_the_same_permission(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 10, 11), now_is=now_is)

    with pytest.raises(PermissionDenied):
        resume(case, org.auditor, at(2025, 11, 10, 12), now_is=now_is)

    assert all(clock.paused_at for clock in clocks_of(case).values())


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [
        ("", "", "reason"),
        ("lunch", "", "reason"),
        (PauseReason.OTHER, "", "note"),
        (PauseReason.OTHER, "   ", "note"),
    ],
)
def test_a_pause_needs_a_known_reason_and_other_needs_a_note(
    org, now_is, case, reason, note, field
):
    before = snapshot(case)

    with pytest.raises(InvalidInput) as refused:
        pause(case, org.agent, at(2025, 11, 10, 11), reason=reason, note=note, now_is=now_is)

    assert field in refused.value.fields
    assert snapshot(case) == before
    assert all(clock.paused_at is None for clock in clocks_of(case).values())


def test_other_with_a_note_is_accepted(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 10, 11), PauseReason.OTHER, " 客户出国 ", now_is=now_is)

    assert set(ClockPause.objects.values_list("reason", "note")) == {
        (PauseReason.OTHER, "客户出国")
    }


def test_nothing_running_cannot_be_paused_and_nothing_paused_cannot_be_resumed(org, now_is, case):
    with pytest.raises(ConditionNotMet):
        resume(case, org.agent, at(2025, 11, 10, 11), now_is=now_is)
    pause(case, org.agent, at(2025, 11, 10, 11), now_is=now_is)

    with pytest.raises(ConditionNotMet):
        pause(case, org.agent, at(2025, 11, 10, 12), now_is=now_is)

    assert ClockPause.objects.count() == 4


def test_a_finished_case_has_no_clock_to_pause(org, flow, now_is, case):
    now_is(at(2025, 11, 10, 11))
    withdrawn = flow.run(case, "withdraw")
    assert withdrawn.state == State.WITHDRAWN

    with pytest.raises(ConditionNotMet):
        pause(withdrawn, org.agent, at(2025, 11, 10, 12), now_is=now_is)


# --- the time given back ------------------------------------------------------------------------


def test_resuming_gives_back_exactly_the_working_time_that_was_left(org, now_is, case):
    # given the customer called back Monday, then the case waits on an appraisal from Tue 10:00
    now_is(at(2025, 11, 10, 11))
    contact_record(
        complaint=case, actor=org.agent, channel="phone", direction="outbound", summary="已回电。"
    )
    pause(case, org.handler, at(2025, 11, 11, 10), PauseReason.TESTING_APPRAISAL, now_is=now_is)

    # when the appraisal comes back the next Monday at 09:00
    resumed = resume(case, org.handler, at(2025, 11, 17, 9), now_is=now_is)

    assert {clock.stage for clock in resumed} == {
        Stage.INVESTIGATION,
        Stage.DECISION,
        Stage.RESOLUTION,
    }
    assert dues(case) == {
        # met before the wait: untouched
        Stage.FIRST_RESPONSE: "2025-11-11T10:00:00+08:00",
        # 14 h of Tue + Wed + 23:59:59 of Thu were left = 61:59:59 of working time;
        # from Mon 09:00: 15 h Mon, 24 h Tue, then 22:59:59 into Wed
        Stage.INVESTIGATION: "2025-11-19T22:59:59+08:00",
        # 14 h Tue + Wed, Thu, Fri + 23:59:59 of Mon = 109:59:59; from Mon 09:00 to Fri 22:59:59
        Stage.DECISION: "2025-11-21T22:59:59+08:00",
        # hour clocks get back elapsed time: 48 h were left
        Stage.RESOLUTION: "2025-11-19T09:00:00+08:00",
    }


def test_two_waits_add_up(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 10, 12), now_is=now_is)
    resume(case, org.agent, at(2025, 11, 10, 15), now_is=now_is)
    pause(case, org.agent, at(2025, 11, 12, 8), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 12, 10), now_is=now_is)

    # five working hours in all, on Monday and Wednesday
    assert dues(case)[Stage.INVESTIGATION] == "2025-11-14T04:59:59+08:00"
    assert ClockPause.objects.filter(clock__stage=Stage.INVESTIGATION).count() == 2


def test_an_hour_clock_gets_back_the_exact_elapsed_remainder(org, now_is, case):
    # paused 29 min 45 s before the first response falls due, over a weekend
    pause(case, org.agent, at(2025, 11, 11, 9, 30, 15), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 15, 20), now_is=now_is)

    after = dues(case)
    assert after[Stage.FIRST_RESPONSE] == "2025-11-15T20:29:45+08:00"
    # 48:29:45 were left on the settlement
    assert after[Stage.RESOLUTION] == "2025-11-17T20:29:45+08:00"


def test_a_clock_paused_after_its_deadline_stays_overdue(org, now_is, case):
    # given the first response already overdue (due Tue 10:00) when the case starts waiting
    pause(case, org.agent, at(2025, 11, 12, 10), now_is=now_is)
    while_paused = {d.stage: d.breached for d in complaint_deadlines(complaint=case)}
    assert while_paused[Stage.FIRST_RESPONSE] is True
    assert while_paused[Stage.INVESTIGATION] is False

    resume(case, org.agent, at(2025, 11, 14, 10), now_is=now_is)

    after = dues(case)
    assert after[Stage.FIRST_RESPONSE] == "2025-11-11T10:00:00+08:00"
    # the running investigation had Wed 10:00 - Thu 23:59:59 left (37:59:59); from Fri 10:00 that
    # is 14 h on Friday, then the weekend, then all of Monday
    assert after[Stage.INVESTIGATION] == "2025-11-17T23:59:59+08:00"
    breached = {d.stage: d.breached for d in complaint_deadlines(complaint=case)}
    assert breached[Stage.FIRST_RESPONSE] is True
    assert breached[Stage.INVESTIGATION] is False


def test_pausing_on_a_day_off_gives_back_the_whole_of_the_working_days_left(org, now_is, case):
    # Sat 11/15: the decision (Mon 11/17 23:59:59) has Monday left
    pause(case, org.agent, at(2025, 11, 15, 15), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 19, 8), now_is=now_is)

    assert dues(case)[Stage.DECISION] == "2025-11-20T07:59:59+08:00"


def test_a_wait_on_a_day_declared_off_after_planning_does_not_shorten_the_clock(
    org, china, now_is, case
):
    # given Thu 11/13, the investigation's last day, declared a day off after the case came in
    calendar_day_set(
        calendar=china, day=date(2025, 11, 13), kind=CalendarDay.Kind.DAY_OFF, actor=None
    )
    # when the case waits an hour that day: no working time was left before the deadline
    pause(case, org.agent, at(2025, 11, 13, 9), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 13, 10), now_is=now_is)

    assert dues(case)[Stage.INVESTIGATION] == "2025-11-13T23:59:59+08:00"


# --- what is recorded ---------------------------------------------------------------------------


def test_the_pause_and_the_resumption_are_on_the_timeline_and_in_the_pause_rows(org, now_is, case):
    paused_at, resumed_at = at(2025, 11, 11, 10), at(2025, 11, 17, 9)
    pause(case, org.handler, paused_at, PauseReason.INSURER, "等待保险公司定损", now_is=now_is)

    resume(case, org.manager, resumed_at, now_is=now_is)

    paused_event = case.events.get(kind=CaseEvent.Kind.CLOCKS_PAUSED)
    assert (paused_event.actor, paused_event.at, paused_event.comment) == (
        org.handler,
        paused_at,
        "等待保险公司定损",
    )
    assert paused_event.data["reason"] == PauseReason.INSURER
    assert set(paused_event.data["stages"]) == {
        Stage.FIRST_RESPONSE,
        Stage.INVESTIGATION,
        Stage.DECISION,
        Stage.RESOLUTION,
    }
    resumed_event = case.events.get(kind=CaseEvent.Kind.CLOCKS_RESUMED)
    assert (resumed_event.actor, resumed_event.at) == (org.manager, resumed_at)
    moved = {
        row["stage"]: (local(parse_datetime(row["from"])), local(parse_datetime(row["to"])))
        for row in resumed_event.data["clocks"]
    }
    assert moved[Stage.INVESTIGATION] == ("2025-11-13T23:59:59+08:00", "2025-11-19T22:59:59+08:00")

    row = ClockPause.objects.get(clock__complaint=case, clock__stage=Stage.INVESTIGATION)
    assert (row.reason, row.note, row.paused_by, row.resumed_by) == (
        PauseReason.INSURER,
        "等待保险公司定损",
        org.handler,
        org.manager,
    )
    assert (row.paused_at, row.resumed_at) == (paused_at, resumed_at)
    assert (local(row.due_before), local(row.due_after)) == (
        "2025-11-13T23:59:59+08:00",
        "2025-11-19T22:59:59+08:00",
    )
    # each action made every other copy of the case stale
    case_now = Complaint.objects.get(pk=case.pk)
    assert case_now.version == case.version + 2


def test_a_paused_clock_is_not_live_and_cannot_run_out(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 11, 9), PauseReason.REGULATOR, now_is=now_is)

    clocks = clocks_of(case)
    assert all(not clock.is_live for clock in clocks.values())
    assert all(clock.next_action_at is None for clock in clocks.values())
    assert set(Clock.objects.filter(complaint=case).values_list("pause_reason", flat=True)) == {
        PauseReason.REGULATOR
    }
    # long after every deadline, a paused clock still reads as paused, not breached
    deadlines = complaint_deadlines(complaint=case, now=at(2025, 12, 31, 12))
    assert all(d.paused and not d.breached for d in deadlines)


def test_a_resumed_clock_is_live_again_with_its_reminder_and_sweep_time_moved(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 11, 9), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 11, 17), now_is=now_is)

    investigation = clocks_of(case)[Stage.INVESTIGATION]
    assert investigation.is_live
    assert investigation.pause_reason == ""
    # 8 h given back, all on Tue: Thu 23:59:59 becomes Fri 07:59:59
    assert local(investigation.due_at) == "2025-11-14T07:59:59+08:00"
    span = investigation.due_at - investigation.started_at
    assert investigation.remind_at == investigation.started_at + span * 3 / 4
    assert investigation.next_action_at == investigation.remind_at


def test_meeting_a_paused_clock_closes_its_pause_and_is_not_late(org, flow, now_is, case):
    # given the case in investigation, waiting on testing from Wed until long after the deadline
    now_is(at(2025, 11, 10, 11))
    complaint = flow.advance(case, State.INVESTIGATION)
    pause(
        complaint, org.handler, at(2025, 11, 12, 10), PauseReason.TESTING_APPRAISAL, now_is=now_is
    )
    complaint.refresh_from_db()

    # when the findings come with the report and the investigation is completed, still paused
    now_is(at(2025, 11, 28, 15))
    flow.run(complaint, "complete_investigation")

    investigation = clocks_of(complaint)[Stage.INVESTIGATION]
    assert local(investigation.met_at) == "2025-11-28T15:00:00+08:00"
    # the stopped time does not count: the clock was met inside the time it had left
    assert investigation.met_at <= investigation.due_at
    deadline = next(
        d for d in complaint_deadlines(complaint=complaint) if d.stage == Stage.INVESTIGATION
    )
    assert (deadline.breached, deadline.paused) == (False, False)
    row = ClockPause.objects.get(clock=investigation)
    assert local(row.resumed_at) == "2025-11-28T15:00:00+08:00"
    # the other clocks keep waiting
    assert clocks_of(complaint)[Stage.DECISION].paused_at is not None


def test_a_clock_started_while_others_wait_runs(org, flow, now_is, case):
    now_is(at(2025, 11, 10, 11))
    complaint = flow.advance(case, State.DECISION)
    flow.propose(complaint)
    pause(complaint, org.handler, at(2025, 11, 10, 12), now_is=now_is)
    complaint.refresh_from_db()
    now_is(at(2025, 11, 10, 13))

    flow.run(complaint, "decide")

    assert clocks_of(complaint)[Stage.REPLY].is_live
