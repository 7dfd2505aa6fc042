"""The case's `next_due_at` follows its running clocks (sla/services/clocks.py::complaint_sync_next_due)."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, State
from sla.models import LIVE, Clock, PauseReason
from sla.services import clocks_pause, clocks_resume

pytestmark = pytest.mark.django_db


def earliest_running(complaint: Complaint):
    dues = Clock.objects.filter(LIVE, complaint=complaint).values_list("due_at", flat=True)
    return min(dues, default=None)


def stored(complaint: Complaint):
    return Complaint.objects.values_list("next_due_at", flat=True).get(pk=complaint.pk)


def test_intake_sets_the_earliest_running_deadline(china, new_complaint):
    complaint = new_complaint()

    assert stored(complaint) is not None
    assert stored(complaint) == earliest_running(complaint)
    assert complaint.next_due_at == stored(complaint)


def test_each_stage_moves_it_and_the_end_clears_it(china, flow, new_complaint):
    complaint = new_complaint()
    for name in ["start_triage", "start_investigation", "complete_investigation", "decide"]:
        complaint = flow.run(flow.prepare(complaint, name), name)
        assert stored(complaint) == earliest_running(complaint)
        assert stored(complaint) is not None

    for name in ["send_reply", "close"]:
        complaint = flow.run(flow.prepare(complaint, name), name)

    assert complaint.state == State.CLOSED

    assert stored(complaint) is None


def test_pause_takes_the_stopped_clocks_out_and_resume_gives_them_back(
    china, flow, org, new_complaint
):
    complaint = flow.advance(new_complaint(), State.INVESTIGATION)

    clocks_pause(complaint=complaint, actor=org.handler, reason=PauseReason.TESTING_APPRAISAL)

    # the 72-hour settlement alert runs on through a testing wait, so the case still has a deadline
    stopped = Clock.objects.filter(complaint=complaint, paused_at__isnull=False)
    assert set(stopped.values_list("stage", flat=True)) == {"investigation", "decision"}
    assert stored(complaint) == earliest_running(complaint)
    assert stored(complaint) not in set(stopped.values_list("due_at", flat=True))

    clocks_resume(complaint=complaint, actor=org.handler)

    assert stored(complaint) is not None
    assert stored(complaint) == earliest_running(complaint)
