"""Pausing and resuming a case's clocks (sla/services/pauses.py).

The case is received Mon 2025-11-10 10:00 (Shanghai), in an ordinary fortnight with no holiday:
first response due Tue 11-11 10:00 (24 h), investigation Thu 11-13 23:59:59 (3 working days),
decision Mon 11-17 23:59:59 (5 working days), settlement Thu 11-13 10:00 (72 h).

Under the default policy every wait stops the investigation and decision clocks; the first
response and the 72-hour settlement alert run on (README "Pauses"). A resumed working-day clock has
the working days it had left counted again after the day it resumes.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import translation
from django.utils.dateparse import parse_datetime

from accounts.roles import Role
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, State
from complaints.services import contact_record
from complaints.views.case.timeline import describe
from sla.models import (
    DEFAULT_PAUSE_REASONS,
    CalendarDay,
    Clock,
    ClockPause,
    Escalation,
    PauseReason,
    SlaTarget,
    Stage,
)
from sla.selectors import complaint_deadlines
from sla.services import calendar_day_set, clock_process, clocks_pause, clocks_resume
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
    assert {clock.stage for clock in paused} == {Stage.INVESTIGATION, Stage.DECISION}


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

    clocks = clocks_of(case)
    assert clocks[Stage.INVESTIGATION].paused_at and clocks[Stage.DECISION].paused_at


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

    assert ClockPause.objects.count() == 2


def test_a_finished_case_has_no_clock_to_pause(org, flow, now_is, case):
    now_is(at(2025, 11, 10, 11))
    withdrawn = flow.run(case, "withdraw")
    assert withdrawn.state == State.WITHDRAWN

    with pytest.raises(ConditionNotMet):
        pause(withdrawn, org.agent, at(2025, 11, 10, 12), now_is=now_is)


# --- the time given back ------------------------------------------------------------------------


def test_resuming_counts_the_working_days_that_were_left_again(org, now_is, case):
    # given the customer called back Monday, then the case waits on an appraisal from Tue 10:00
    now_is(at(2025, 11, 10, 11))
    contact_record(
        complaint=case, actor=org.agent, channel="phone", direction="outbound", summary="已回电。"
    )
    pause(case, org.handler, at(2025, 11, 11, 10), PauseReason.TESTING_APPRAISAL, now_is=now_is)

    # when the appraisal comes back the next Monday at 09:00
    resumed = resume(case, org.handler, at(2025, 11, 17, 9), now_is=now_is)

    assert {clock.stage for clock in resumed} == {Stage.INVESTIGATION, Stage.DECISION}
    assert dues(case) == {
        # met before the wait: untouched
        Stage.FIRST_RESPONSE: "2025-11-11T10:00:00+08:00",
        # Wed and Thu were left; counted again after Monday: Tue, Wed
        Stage.INVESTIGATION: "2025-11-19T23:59:59+08:00",
        # Wed, Thu, Fri and Mon were left: Tue to Fri
        Stage.DECISION: "2025-11-21T23:59:59+08:00",
        # the 72-hour settlement alert does not wait for an appraisal
        Stage.RESOLUTION: "2025-11-13T10:00:00+08:00",
    }


def test_two_waits_add_up(org, now_is, case):
    # a wait within Monday moves nothing; one from Wednesday into Thursday gives Thursday back
    pause(case, org.agent, at(2025, 11, 10, 12), now_is=now_is)
    resume(case, org.agent, at(2025, 11, 10, 15), now_is=now_is)
    assert dues(case)[Stage.INVESTIGATION] == "2025-11-13T23:59:59+08:00"
    pause(case, org.agent, at(2025, 11, 12, 8), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 13, 10), now_is=now_is)

    assert dues(case)[Stage.INVESTIGATION] == "2025-11-14T23:59:59+08:00"
    assert ClockPause.objects.filter(clock__stage=Stage.INVESTIGATION).count() == 2


def stops(case: Complaint, stage: str, *reasons: str) -> None:
    """The administrator sets which pauses stop this stage's clock on the case's policy."""
    target = SlaTarget.objects.get(pk=clocks_of(case)[stage].target_id)
    target.pause_reasons = list(reasons)
    target.save()  # as the admin does: the cached policy book is forgotten


def test_an_hour_clock_that_stops_gets_back_the_exact_elapsed_remainder(org, now_is, case):
    # given a company that also stops the first response while the customer cannot be reached
    stops(case, Stage.FIRST_RESPONSE, PauseReason.WAITING_CUSTOMER)
    # paused 29 min 45 s before the first response falls due, over a weekend
    pause(case, org.agent, at(2025, 11, 11, 9, 30, 15), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 15, 20), now_is=now_is)

    after = dues(case)
    assert after[Stage.FIRST_RESPONSE] == "2025-11-15T20:29:45+08:00"
    # the settlement alert does not stop for the customer
    assert after[Stage.RESOLUTION] == "2025-11-13T10:00:00+08:00"


def test_a_clock_paused_after_its_deadline_stays_overdue(org, now_is, case):
    stops(case, Stage.FIRST_RESPONSE, PauseReason.WAITING_CUSTOMER)
    # given the first response already overdue (due Tue 10:00) when the case starts waiting
    pause(case, org.agent, at(2025, 11, 12, 10), now_is=now_is)
    assert clocks_of(case)[Stage.FIRST_RESPONSE].paused_at is not None
    while_paused = {d.stage: d.breached for d in complaint_deadlines(complaint=case)}
    assert while_paused[Stage.FIRST_RESPONSE] is True
    assert while_paused[Stage.INVESTIGATION] is False

    resume(case, org.agent, at(2025, 11, 14, 10), now_is=now_is)

    after = dues(case)
    assert after[Stage.FIRST_RESPONSE] == "2025-11-11T10:00:00+08:00"
    # the running investigation had Thursday left; counted again after Friday: Monday
    assert after[Stage.INVESTIGATION] == "2025-11-17T23:59:59+08:00"
    breached = {d.stage: d.breached for d in complaint_deadlines(complaint=case)}
    assert breached[Stage.FIRST_RESPONSE] is True
    assert breached[Stage.INVESTIGATION] is False


def test_pausing_on_a_day_off_gives_back_the_whole_of_the_working_days_left(org, now_is, case):
    # Sat 11/15: the decision (Mon 11/17 23:59:59) has Monday left
    pause(case, org.agent, at(2025, 11, 15, 15), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 19, 8), now_is=now_is)

    # one working day after Wednesday
    assert dues(case)[Stage.DECISION] == "2025-11-20T23:59:59+08:00"


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
    assert set(paused_event.data["stages"]) == {Stage.INVESTIGATION, Stage.DECISION}
    assert set(paused_event.data["running"]) == {Stage.FIRST_RESPONSE, Stage.RESOLUTION}
    resumed_event = case.events.get(kind=CaseEvent.Kind.CLOCKS_RESUMED)
    assert (resumed_event.actor, resumed_event.at) == (org.manager, resumed_at)
    moved = {
        row["stage"]: (local(parse_datetime(row["from"])), local(parse_datetime(row["to"])))
        for row in resumed_event.data["clocks"]
    }
    assert moved[Stage.INVESTIGATION] == ("2025-11-13T23:59:59+08:00", "2025-11-19T23:59:59+08:00")
    assert set(resumed_event.data["running"]) == {Stage.FIRST_RESPONSE, Stage.RESOLUTION}

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
        "2025-11-19T23:59:59+08:00",
    )
    # each action made every other copy of the case stale
    case_now = Complaint.objects.get(pk=case.pk)
    assert case_now.version == case.version + 2


def test_a_paused_clock_is_not_live_and_cannot_run_out(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 11, 9), PauseReason.REGULATOR, now_is=now_is)

    clocks = clocks_of(case)
    stopped = [clocks[Stage.INVESTIGATION], clocks[Stage.DECISION]]
    assert all(not clock.is_live and clock.next_action_at is None for clock in stopped)
    assert all(clock.pause_reason == PauseReason.REGULATOR for clock in stopped)
    # the others run on, with their sweep times
    running = [clocks[Stage.FIRST_RESPONSE], clocks[Stage.RESOLUTION]]
    assert all(clock.is_live and clock.next_action_at for clock in running)
    assert all(clock.pause_reason == "" for clock in running)
    # long after every deadline, a paused clock still reads as paused, not breached
    deadlines = {d.stage: d for d in complaint_deadlines(complaint=case, now=at(2025, 12, 31, 12))}
    assert all(deadlines[c.stage].paused and not deadlines[c.stage].breached for c in stopped)
    assert all(deadlines[c.stage].breached and not deadlines[c.stage].paused for c in running)


def test_a_resumed_clock_is_live_again_with_its_reminder_and_sweep_time_moved(org, now_is, case):
    pause(case, org.agent, at(2025, 11, 11, 9), now_is=now_is)

    resume(case, org.agent, at(2025, 11, 12, 17), now_is=now_is)

    investigation = clocks_of(case)[Stage.INVESTIGATION]
    assert investigation.is_live
    assert investigation.pause_reason == ""
    # Wed and Thu were left, counted again after Wednesday: Thu 23:59:59 becomes Fri 23:59:59
    assert local(investigation.due_at) == "2025-11-14T23:59:59+08:00"
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


# --- issue 12 §1.1: the end of the day survives a wait ----------------------------------------


def test_a_short_wait_keeps_a_working_day_deadline_at_the_end_of_its_day(org, now_is, case):
    # the reported defect: three seconds of waiting turned Thu 23:59:59 into Fri 00:00:02
    pause(case, org.handler, at(2025, 11, 11, 10), PauseReason.TESTING_APPRAISAL, now_is=now_is)

    resume(case, org.handler, at(2025, 11, 11, 10, 0, 3), now_is=now_is)

    assert dues(case)[Stage.INVESTIGATION] == "2025-11-13T23:59:59+08:00"
    assert dues(case)[Stage.DECISION] == "2025-11-17T23:59:59+08:00"


# --- which pauses stop which clock (README "Pauses") ------------------------------------------

EVERY_WAIT = {
    "waiting_customer",
    "testing_appraisal",
    "insurer",
    "consumer_association",
    "regulator",
    "other",
}
# Written out here, not read from the code, so that a changed default fails this test.
DEFAULTS = {
    "first_response": set(),
    "investigation": EVERY_WAIT,
    "decision": EVERY_WAIT,
    "reply": {"waiting_customer", "other"},
    "follow_up": {"waiting_customer", "other"},
    "resolution": set(),
}


def test_every_seeded_policy_carries_the_stated_defaults(db):
    targets = SlaTarget.objects.filter(policy__code__startswith="default-")

    assert set(targets.values_list("policy__code", flat=True)) == {
        "default-general",
        "default-complex",
        "default-urgent",
        "default-major",
    }
    for target in targets:
        assert set(target.pause_reasons) == DEFAULTS[target.stage], target
    # the defaults the code offers (new targets, the admin's help) are the same table
    assert {stage: set(reasons) for stage, reasons in DEFAULT_PAUSE_REASONS.items()} == DEFAULTS


@pytest.mark.parametrize("reason", sorted(EVERY_WAIT))
def test_any_wait_stops_the_handling_clocks_and_never_the_first_response_or_the_72_hours(
    org, now_is, case, reason
):
    note = "客户出国" if reason == PauseReason.OTHER else ""

    stopped = pause(case, org.handler, at(2025, 11, 10, 11), reason, note, now_is=now_is)

    assert {clock.stage for clock in stopped} == {Stage.INVESTIGATION, Stage.DECISION}
    clocks = clocks_of(case)
    assert clocks[Stage.FIRST_RESPONSE].is_live
    assert clocks[Stage.RESOLUTION].is_live


@pytest.mark.parametrize("state", [State.REPLY, State.FOLLOW_UP])
@pytest.mark.parametrize("reason", sorted(EVERY_WAIT))
def test_the_reply_and_the_visit_stop_only_while_the_customer_cannot_be_reached(
    org, flow, now_is, case, state, reason
):
    now_is(at(2025, 11, 10, 11))
    complaint = flow.advance(case, state)
    stage = Stage.REPLY if state == State.REPLY else Stage.FOLLOW_UP
    note = "客户出国" if reason == PauseReason.OTHER else ""

    if reason in DEFAULTS[stage]:
        stopped = pause(complaint, org.handler, at(2025, 11, 10, 12), reason, note, now_is=now_is)
        assert stage in {clock.stage for clock in stopped}
        assert clocks_of(complaint)[stage].paused_at is not None
    else:
        before = snapshot(complaint)
        with pytest.raises(ConditionNotMet) as refused:
            pause(complaint, org.handler, at(2025, 11, 10, 12), reason, note, now_is=now_is)
        # the refusal names the clock that keeps running
        assert str(Stage(stage).label) in " ".join(refused.value.reasons)
        assert snapshot(complaint) == before
        assert clocks_of(complaint)[stage].is_live


def test_the_72_hour_alert_runs_on_through_a_pause_and_escalates_to_the_top(org, now_is, case):
    pause(case, org.handler, at(2025, 11, 10, 11), PauseReason.TESTING_APPRAISAL, now_is=now_is)

    # Thu 10:00 is 72 hours after receipt, the case still waiting on the appraisal
    now_is(at(2025, 11, 13, 10, 0, 1))
    clocks = clocks_of(case)
    acted = {stage: clock_process(clock_id=clock.pk) for stage, clock in clocks.items()}

    assert acted[Stage.RESOLUTION]
    assert acted[Stage.INVESTIGATION] == [] and acted[Stage.DECISION] == []
    escalation = Escalation.objects.get(complaint=case, clock__stage=Stage.RESOLUTION)
    assert escalation.level == 3
    assert not Escalation.objects.filter(
        complaint=case, clock__stage__in=[Stage.INVESTIGATION, Stage.DECISION]
    ).exists()
    assert clocks_of(case)[Stage.INVESTIGATION].paused_at is not None


def test_a_target_that_stops_for_nothing_refuses_the_pause_with_what_keeps_running(
    org, now_is, case
):
    for stage in (Stage.INVESTIGATION, Stage.DECISION):
        stops(case, stage)
    before = snapshot(case)

    with pytest.raises(ConditionNotMet) as refused:
        pause(case, org.handler, at(2025, 11, 10, 11), PauseReason.TESTING_APPRAISAL, now_is=now_is)

    assert str(Stage.INVESTIGATION.label) in refused.value.reasons[0]
    assert snapshot(case) == before
    assert not ClockPause.objects.exists()
    assert not Clock.objects.filter(complaint=case, paused_at__isnull=False).exists()


def test_the_timeline_says_which_clocks_stopped_and_which_kept_running(org, now_is, case):
    pause(case, org.handler, at(2025, 11, 11, 10), PauseReason.TESTING_APPRAISAL, now_is=now_is)
    resume(case, org.handler, at(2025, 11, 12, 10), now_is=now_is)

    with translation.override("en"):
        paused, resumed = (
            dict(describe(case.events.get(kind=kind), reader=org.handler).details)
            for kind in (CaseEvent.Kind.CLOCKS_PAUSED, CaseEvent.Kind.CLOCKS_RESUMED)
        )

    assert paused["Why"] == "Testing or appraisal (检测/鉴定)"
    assert paused["Stopped"] == "Investigation, Decision"
    assert paused["Kept running"] == "First response, Settlement"
    assert resumed["Investigation"].endswith("→ 2025-11-14 23:59")
    assert resumed["Kept running"] == "First response, Settlement"
