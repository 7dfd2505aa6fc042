"""A stateful property test (hypothesis' RuleBasedStateMachine) of one case's whole life: random
sequences of transitions (allowed or not), pauses, resumes, the passing of time and beat sweeps,
through the real services, on the real China calendar. After every step the invariants hold:

- the case is in exactly one known state, the same in memory and in the database;
- its clocks agree with its state: a finished case has no running or paused clock, a paused clock
  belongs to an open case, `next_due_at` is the earliest deadline of the running clocks;
- no escalation twice: one per (clock, level), and the case's level is the highest recorded;
- the timeline is append-only: every entry seen stays as it was, and it never shrinks;
- a refused step changes nothing.

Examples share the test's database transaction (each has a case of its own) and one clock that
only moves forward, so sweeps also meet earlier examples' cases, as a real beat would.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db.models import Max, Min
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from complaints.errors import ComplaintError
from complaints.models import CaseEvent, Complaint, State
from sla.models import Clock, Escalation, PauseReason
from sla.services import clocks_pause, clocks_process, clocks_resume, sweep_due_clocks
from tests.complaints.conftest import TRANSITION_NAMES, TRANSITION_TABLE, Flow, snapshot
from tests.sla.china import SHANGHAI

pytestmark = pytest.mark.django_db

FINISHED = {State.CLOSED, State.REJECTED, State.WITHDRAWN}
OPEN = [state for state in State.values if state not in FINISHED]
START = datetime(2025, 9, 22, 9, tzinfo=SHANGHAI)


def run_machine(*, org, new_complaint, examples: int, steps: int) -> Counter:
    """Drive `examples` random lives of `steps` steps each; returns how often each step ran."""
    flow = Flow(org)
    ran: Counter = Counter()
    with time_machine.travel(START, tick=False) as traveller:

        class CaseLife(RuleBasedStateMachine):
            def __init__(self) -> None:
                super().__init__()
                traveller.shift(timedelta(hours=1))
                self.complaint: Complaint = new_complaint()
                # id -> what the entry said; kept to prove nothing seen is changed or removed
                self.timeline: dict[int, tuple] = {}

            def refresh(self) -> None:
                self.complaint = Complaint.objects.get(pk=self.complaint.pk)

            @rule(data=st.data())
            def move_on(self, data: st.DataObject) -> None:
                """A transition the case allows now (the ending ones are left to `transition`,
                so that lives get far)."""
                self.refresh()
                allowed = [
                    name
                    for name in TRANSITION_NAMES
                    if self.complaint.state in TRANSITION_TABLE[name]
                    and name not in ("withdraw", "reject")
                ]
                if allowed:
                    self.transition(data.draw(st.sampled_from(allowed)))

            @rule(name=st.sampled_from(TRANSITION_NAMES))
            def transition(self, name: str) -> None:
                self.refresh()
                allowed = self.complaint.state in TRANSITION_TABLE[name]
                if not allowed:
                    before = snapshot(self.complaint)
                    with pytest.raises(ComplaintError):
                        flow.run(self.complaint, name)
                    assert snapshot(self.complaint) == before
                    ran["refused transition"] += 1
                    return
                target = TRANSITION_TABLE[name][self.complaint.state]
                self.complaint = flow.run(flow.prepare(self.complaint, name), name)
                assert self.complaint.state == target
                ran[name] += 1

            def is_open(self) -> bool:
                return Complaint.objects.filter(pk=self.complaint.pk, state__in=OPEN).exists()

            def has_paused_clock(self) -> bool:
                return Clock.objects.filter(
                    complaint=self.complaint.pk, paused_at__isnull=False, met_at__isnull=True
                ).exists()

            @precondition(lambda self: self.is_open())
            @rule(reason=st.sampled_from(PauseReason.values))
            def pause(self, reason: str) -> None:
                self.refresh()
                before = snapshot(self.complaint)
                try:
                    clocks_pause(
                        complaint=self.complaint, actor=org.handler, reason=reason, note="等待"
                    )
                except ComplaintError:
                    assert snapshot(self.complaint) == before
                    ran["refused pause"] += 1
                else:
                    ran["pause"] += 1

            @precondition(lambda self: self.has_paused_clock())
            @rule()
            def resume(self) -> None:
                self.refresh()
                try:
                    clocks_resume(complaint=self.complaint, actor=org.handler)
                except ComplaintError:
                    ran["refused resume"] += 1
                else:
                    ran["resume"] += 1

            @rule(hours=st.integers(min_value=1, max_value=96))
            def time_passes(self, hours: int) -> None:
                traveller.shift(timedelta(hours=hours))
                ran["time passes"] += 1

            @rule()
            def sweep(self) -> None:
                sweep_due_clocks(enqueue=lambda ids: clocks_process(clock_ids=ids))
                ran["sweep"] += 1

            @invariant()
            def one_known_state(self) -> None:
                stored = Complaint.objects.get(pk=self.complaint.pk)
                assert stored.state in State.values
                assert stored.state == self.complaint.state

            @invariant()
            def clocks_agree_with_the_state(self) -> None:
                stored = Complaint.objects.get(pk=self.complaint.pk)
                clocks = Clock.objects.filter(complaint=stored)
                unfinished = clocks.filter(met_at__isnull=True, cancelled_at__isnull=True)
                if stored.state in FINISHED:
                    assert not unfinished.exists(), "a finished case keeps a clock"
                running = unfinished.filter(paused_at__isnull=True)
                earliest = running.aggregate(earliest=Min("due_at"))["earliest"]
                assert stored.next_due_at == earliest

            @invariant()
            def no_escalation_twice(self) -> None:
                escalations = Escalation.objects.filter(complaint=self.complaint.pk)
                pairs = Counter(escalations.values_list("clock_id", "level", "reason"))
                assert all(count == 1 for count in pairs.values()), pairs
                highest = escalations.aggregate(highest=Max("level"))["highest"] or 0
                stored = Complaint.objects.get(pk=self.complaint.pk)
                assert stored.escalation_level >= highest or stored.state in FINISHED

            @invariant()
            def the_timeline_only_grows(self) -> None:
                now = {
                    event.pk: (event.kind, event.at, event.comment, event.data)
                    for event in CaseEvent.objects.filter(complaint=self.complaint.pk)
                }
                for pk, seen in self.timeline.items():
                    assert now.get(pk) == seen, f"timeline entry {pk} changed or vanished"
                self.timeline = now

        run_state_machine_as_test(
            CaseLife,
            settings=settings(
                max_examples=examples,
                stateful_step_count=steps,
                deadline=None,
                database=None,  # reproducible from the seed, no example database on disk
                suppress_health_check=list(HealthCheck),
                derandomize=True,
            ),
        )
    return ran


def test_random_lives_keep_the_invariants(china, org, new_complaint):
    ran = run_machine(org=org, new_complaint=new_complaint, examples=20, steps=40)

    # The lives went through the workflow, not only around its door.
    for step in ("start_triage", "start_investigation", "pause", "resume", "sweep", "time passes"):
        assert ran[step] > 0, (step, ran)
    assert ran["refused transition"] > 0
    assert sum(ran[name] for name in ("decide", "send_reply", "close", "reopen")) > 0, ran
