"""Open cases now: by stage, escalation level, age (local days) and deadline."""

from __future__ import annotations

from complaints.models import State
from reports.selectors.backlog import backlog_summary, overdue_by_stage
from reports.selectors.scope import ReportScope
from tests.reports.conftest import NOW, local

EVERYTHING = ReportScope(departments=None)


def test_open_cases_by_stage_level_and_age(case, periods) -> None:
    case(local(2026, 10, 14, 8), state=State.INTAKE)  # today: 0 days
    # 07:00 on 11 October in Shanghai (10 October in UTC): 3 local days old, not 4.
    case(local(2026, 10, 11, 7), state=State.TRIAGE)
    # 23:30 on 10 October: 4 days old, a level-1 escalation.
    case(local(2026, 10, 10, 23, 30), state=State.INVESTIGATION, escalation_level=1)
    case(local(2026, 9, 29), state=State.DECISION, escalation_level=3)  # 15 days
    case(local(2026, 9, 14), state=State.REPLY, next_due_at=local(2026, 10, 13))  # 30 days
    case(local(2026, 9, 13), state=State.FOLLOW_UP, next_due_at=local(2026, 10, 20))  # 31 days
    # Not open: not counted however old or escalated.
    case(local(2026, 9, 1), state=State.CLOSED, escalation_level=2)
    case(local(2026, 10, 13), state=State.WITHDRAWN, next_due_at=local(2026, 10, 1))
    case(local(2026, 10, 13), state=State.REJECTED)

    backlog = backlog_summary(scope=EVERYTHING, periods=periods)

    assert backlog.total == 6
    assert backlog.by_state == {
        "intake": 1,
        "triage": 1,
        "investigation": 1,
        "decision": 1,
        "reply": 1,
        "follow_up": 1,
    }
    assert backlog.by_level == {1: 1, 2: 0, 3: 1}
    assert backlog.by_age == {"0-3": 2, "4-7": 1, "8-15": 1, "16-30": 1, "31+": 1}
    assert backlog.overdue == 1  # the reply due yesterday; the follow-up is due next week


def test_overdue_counts_running_clocks_per_stage(case, clock, periods) -> None:
    late = case(local(2026, 10, 8), state=State.INVESTIGATION)
    clock(late, "investigation", local(2026, 10, 9, 23, 59))  # running, past due
    clock(late, "decision", local(2026, 10, 13, 23, 59))  # running, past due too
    clock(late, "first_response", local(2026, 10, 9), met_at=local(2026, 10, 8, 10))
    waiting = case(local(2026, 10, 8), state=State.INVESTIGATION)
    # Paused before its deadline: it is not running out while it waits.
    clock(waiting, "investigation", local(2026, 10, 9), paused_at=local(2026, 10, 8, 12))
    clock(waiting, "follow_up", NOW.replace(day=20))  # not due yet
    gone = case(local(2026, 9, 20), state=State.WITHDRAWN)
    clock(gone, "reply", local(2026, 10, 2), cancelled_at=local(2026, 10, 1))  # stopped

    overdue = overdue_by_stage(scope=EVERYTHING, periods=periods)

    assert overdue == {
        "first_response": 0,
        "investigation": 1,
        "decision": 1,
        "reply": 0,
        "follow_up": 0,
        "resolution": 0,
    }
