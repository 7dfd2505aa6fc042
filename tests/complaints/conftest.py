"""Helpers for the complaint service tests: drive a case to any state through the real services.

The transition table below is the specification the tests hold the code to; it is written out by
hand on purpose rather than read back from the model, so a changed source, target or permission in
complaints/models/complaint.py shows up as a failing test.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from celery import current_app
from kombu.exceptions import OperationalError as BrokerDown

import complaints.tasks  # noqa: F401  (registers the e-mail tasks)
from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS, Role
from complaints.models import Complaint, Decision, FollowUp, FollowUpMethod, State
from complaints.services import (
    complaint_transition,
    decision_propose,
    follow_up_record,
)
from complaints.services.customer_emails import SEND_TASK
from complaints.services.notifications import SEND_EMAILS_TASK
from tests.conftest import Org

# name -> {source state: target state}
TRANSITION_TABLE: dict[str, dict[str, str]] = {
    "start_triage": {State.INTAKE: State.TRIAGE},
    "start_investigation": {State.TRIAGE: State.INVESTIGATION},
    "answer_on_spot": {State.TRIAGE: State.REPLY},
    "reject": {State.INTAKE: State.REJECTED, State.TRIAGE: State.REJECTED},
    "complete_investigation": {State.INVESTIGATION: State.DECISION},
    "decide": {State.DECISION: State.REPLY},
    "send_reply": {State.REPLY: State.FOLLOW_UP},
    "close": {State.FOLLOW_UP: State.CLOSED},
    "reopen": {State.FOLLOW_UP: State.INVESTIGATION},
    "withdraw": {
        state: State.WITHDRAWN
        for state in (
            State.INTAKE,
            State.TRIAGE,
            State.INVESTIGATION,
            State.DECISION,
            State.REPLY,
            State.FOLLOW_UP,
        )
    },
}
TRANSITION_NAMES = list(TRANSITION_TABLE)

# The role permission each transition requires (the `_perm(...)` codename on the model).
TRANSITION_PERMISSION: dict[str, str] = {
    "start_triage": "triage_complaint",
    "start_investigation": "triage_complaint",
    "answer_on_spot": "answer_on_spot",
    "reject": "reject_complaint",
    "complete_investigation": "investigate_complaint",
    "decide": "decide_complaint",
    "send_reply": "reply_to_customer",
    "close": "follow_up_complaint",
    "reopen": "follow_up_complaint",
    "withdraw": "withdraw_complaint",
}

# Transitions whose condition is not met on a case that was merely driven to their source state.
NEEDS_PREPARATION = {"decide", "close", "reopen"}

# Who normally performs each transition in the demo organisation.
USUAL_ACTOR: dict[str, str] = {
    "start_triage": "agent",
    "start_investigation": "agent",
    "answer_on_spot": "agent",
    "reject": "agent",
    "complete_investigation": "handler",
    "decide": "handler",
    "send_reply": "handler",
    "close": "agent",
    "reopen": "agent",
    "withdraw": "agent",
}

# The input each transition needs to succeed.
VALID_INPUT: dict[str, dict[str, str]] = {
    "answer_on_spot": {"findings": "已电话说明保修条款，客户接受。"},
    "reject": {"reason": "duplicate"},
    "complete_investigation": {"findings": "压缩机接线松动，属维修质量问题。"},
    "send_reply": {"channel": "phone", "content": "已告知客户处理结果：免费返修并赔偿 200 元。"},
}

# The path that takes a fresh case to each state.
_MAIN_PATH = [
    "start_triage",
    "start_investigation",
    "complete_investigation",
    "decide",
    "send_reply",
    "close",
]
PATH_TO: dict[str, list[str]] = {
    State.INTAKE: [],
    State.TRIAGE: _MAIN_PATH[:1],
    State.INVESTIGATION: _MAIN_PATH[:2],
    State.DECISION: _MAIN_PATH[:3],
    State.REPLY: _MAIN_PATH[:4],
    State.FOLLOW_UP: _MAIN_PATH[:5],
    State.CLOSED: _MAIN_PATH[:6],
    State.REJECTED: ["reject"],
    State.WITHDRAWN: ["withdraw"],
}
ALL_STATES = list(PATH_TO)


def roles_with(codename: str) -> set[Role]:
    return {role for role, perms in ROLE_PERMISSIONS.items() if f"complaints.{codename}" in perms}


def user_of(org: Org, role: Role) -> User:
    return {
        Role.AGENT: org.agent,
        Role.HANDLER: org.handler,
        Role.DEPT_HEAD: org.head,
        Role.COMPLAINT_MANAGER: org.manager,
        Role.EXECUTIVE: org.executive,
        Role.AUDITOR: org.auditor,
    }[role]


class Flow:
    """Moves complaints through the services as the people of `org` would."""

    def __init__(self, org: Org) -> None:
        self.org = org

    def actor_for(self, name: str) -> User:
        return getattr(self.org, USUAL_ACTOR[name])

    def run(
        self, complaint: Complaint, name: str, actor: User | None = None, **data: Any
    ) -> Complaint:
        data = {**VALID_INPUT.get(name, {}), **data}
        return complaint_transition(
            complaint=complaint, name=name, actor=actor or self.actor_for(name), data=data
        )

    def propose(
        self, complaint: Complaint, amount: Decimal | int = 0, actor: User | None = None
    ) -> Decision:
        decision = decision_propose(
            complaint=complaint,
            actor=actor or self.org.handler,
            remedy="repair",
            outcome="upheld",
            amount=Decimal(amount),
            rationale="维修质量问题，免费返修。",
        )
        # A proposal changes the case; like a page after a submit, go on with the fresh copy.
        complaint.refresh_from_db()
        return decision

    def follow_up(
        self, complaint: Complaint, *, satisfied: bool | None, actor: User | None = None
    ) -> FollowUp:
        """A visit: satisfied True/False is the customer's verdict, None an unanswered call."""
        reached = satisfied is not None
        return follow_up_record(
            complaint=complaint,
            actor=actor or self.org.agent,
            method=FollowUpMethod.PHONE,
            reached=reached,
            satisfaction=(5 if satisfied else 1) if reached else None,
            resolved=satisfied if reached else None,
        )

    def prepare(self, complaint: Complaint, name: str) -> Complaint:
        """Meet the condition of transition `name` on a case already in its source state."""
        if name == "decide":
            self.propose(complaint)
        elif name == "close":
            self.follow_up(complaint, satisfied=True)
        elif name == "reopen":
            self.follow_up(complaint, satisfied=False)
        return complaint

    def advance(self, complaint: Complaint, to_state: str) -> Complaint:
        for name in PATH_TO[to_state]:
            complaint = self.run(self.prepare(complaint, name), name)
        assert complaint.state == to_state
        return complaint


@pytest.fixture
def flow(org: Org) -> Flow:
    return Flow(org)


@pytest.fixture
def complaint_in(flow: Flow, new_complaint):
    """A factory: a fresh complaint driven to the given state."""

    def make(state: str, **overrides: Any) -> Complaint:
        return flow.advance(new_complaint(**overrides), state)

    return make


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """What a refused action must leave untouched: the stored case and the length of its timeline."""
    stored = Complaint.objects.get(pk=complaint.pk)
    return {
        "state": stored.state,
        "version": stored.version,
        "updated_at": stored.updated_at,
        "events": stored.events.count(),
    }


@pytest.fixture
def broker_down(monkeypatch):
    """The broker refuses every e-mail task, as kombu does when it cannot connect."""

    def refuse(*args, **kwargs):
        raise BrokerDown("Connection refused")

    for name in (SEND_EMAILS_TASK, SEND_TASK):
        monkeypatch.setattr(current_app.tasks[name], "apply_async", refuse)
