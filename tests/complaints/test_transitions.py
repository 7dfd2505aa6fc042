"""complaint_transition and available_transitions (complaints/services/transitions.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import Role
from complaints.errors import (
    ConditionNotMet,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    UnknownTransition,
)
from complaints.models import (
    CaseEvent,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerContact,
    State,
)
from complaints.models.complaint import (
    customer_dissatisfied,
    follow_up_allows_close,
    has_approved_decision,
    is_routed,
)
from complaints.services import (
    available_transitions,
    complaint_triage,
    contact_record,
    decision_approve,
)
from tests.complaints.conftest import (
    ALL_STATES,
    NEEDS_PREPARATION,
    TRANSITION_NAMES,
    TRANSITION_PERMISSION,
    TRANSITION_TABLE,
    USUAL_ACTOR,
    roles_with,
    snapshot,
    user_of,
)

ALLOWED = [
    (state, name)
    for state in ALL_STATES
    for name in TRANSITION_NAMES
    if state in TRANSITION_TABLE[name]
]
NOT_ALLOWED = [
    (state, name)
    for state in ALL_STATES
    for name in TRANSITION_NAMES
    if state not in TRANSITION_TABLE[name]
]
ROLE_CASES = [(name, role) for name in TRANSITION_NAMES for role in Role]


def _ids(case: tuple) -> str:
    return "-".join(str(part) for part in case)


def last_transition_event(complaint: Complaint) -> CaseEvent:
    return complaint.events.filter(kind=CaseEvent.Kind.TRANSITION).order_by("-id").first()


def source_of(name: str) -> str:
    return next(iter(TRANSITION_TABLE[name]))


@pytest.fixture
def ready_for(flow, complaint_in):
    """A complaint in the first source state of a transition, with its condition met."""

    def make(name: str, **overrides) -> Complaint:
        return flow.prepare(complaint_in(source_of(name), **overrides), name)

    return make


# --- every transition from every state ---------------------------------------------------------


@pytest.mark.parametrize(("state", "name"), ALLOWED, ids=[_ids(c) for c in ALLOWED])
def test_an_allowed_transition_moves_the_case_and_records_who_did_what(
    flow, complaint_in, state, name
):
    # given a case in a state the transition starts from, with its condition met
    complaint = flow.prepare(complaint_in(state), name)
    actor = flow.actor_for(name)
    before = snapshot(complaint)

    # when
    result = flow.run(complaint, name, actor, comment="按流程处理")

    # then the case is in the target state, saved, with a newer version
    target = TRANSITION_TABLE[name][state]
    stored = Complaint.objects.get(pk=complaint.pk)
    assert result.state == stored.state == target
    assert stored.version == before["version"] + 1
    # and the timeline says who moved it from where to where, and why
    event = last_transition_event(stored)
    assert event.actor == actor
    assert (event.from_state, event.to_state, event.transition) == (state, target, name)
    assert event.comment == "按流程处理"
    assert stored.events.count() > before["events"]


@pytest.mark.parametrize(("state", "name"), NOT_ALLOWED, ids=[_ids(c) for c in NOT_ALLOWED])
def test_a_transition_from_the_wrong_state_is_refused_naming_what_is_possible(
    flow, complaint_in, state, name
):
    # given a case in a state the transition does not start from
    complaint = complaint_in(state)
    actor = flow.actor_for(name)
    before = snapshot(complaint)

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        flow.run(complaint, name, actor)

    # then the error lists what this person can do here instead, and nothing changed
    actor_role = Role(USUAL_ACTOR[name])
    expected = [
        other
        for other in TRANSITION_NAMES
        if state in TRANSITION_TABLE[other]
        and actor_role in roles_with(TRANSITION_PERMISSION[other])
        and other not in NEEDS_PREPARATION
    ]
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.name == name
    assert refused.value.state == state
    assert refused.value.allowed == expected
    assert name not in refused.value.allowed
    assert name in refused.value.message
    assert snapshot(complaint) == before


def test_a_finished_case_allows_nothing(flow, complaint_in):
    for state in (State.CLOSED, State.REJECTED, State.WITHDRAWN):
        complaint = complaint_in(state)
        with pytest.raises(TransitionNotAllowed) as refused:
            flow.run(complaint, "withdraw", flow.org.manager)
        assert refused.value.allowed == []


# --- roles ------------------------------------------------------------------------------------


def test_the_role_table_gives_each_transition_to_the_expected_roles():
    # The derived sets below drive the parametrized role tests; pin them once in plain words.
    expected = {
        "start_triage": {Role.AGENT, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
        "start_investigation": {Role.AGENT, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
        "answer_on_spot": {Role.AGENT, Role.COMPLAINT_MANAGER},
        "reject": {Role.AGENT, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
        "complete_investigation": {Role.HANDLER, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
        "decide": {Role.HANDLER, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
        "send_reply": {Role.AGENT, Role.HANDLER, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
        "close": {Role.AGENT, Role.COMPLAINT_MANAGER},
        "reopen": {Role.AGENT, Role.COMPLAINT_MANAGER},
        "withdraw": {Role.AGENT, Role.HANDLER, Role.DEPT_HEAD, Role.COMPLAINT_MANAGER},
    }
    assert {name: roles_with(perm) for name, perm in TRANSITION_PERMISSION.items()} == expected


@pytest.mark.parametrize(("name", "role"), ROLE_CASES, ids=[_ids(c) for c in ROLE_CASES])
def test_only_roles_with_the_permission_may_run_a_transition(flow, org, ready_for, name, role):
    # given a case ready for the transition, and a person of the role who can see the case
    complaint = ready_for(name)
    actor = user_of(org, role)
    before = snapshot(complaint)

    if role in roles_with(TRANSITION_PERMISSION[name]):
        # when a role with the permission runs it, then it goes through
        result = flow.run(complaint, name, actor)
        assert result.state == TRANSITION_TABLE[name][before["state"]]
        assert last_transition_event(result).actor == actor
    else:
        # when any other role tries, then it is refused as a matter of role, and nothing changed
        with pytest.raises(PermissionDenied) as refused:
            flow.run(complaint, name, actor)
        assert refused.value.code == "permission_denied"
        assert snapshot(complaint) == before


def test_a_case_outside_the_actors_scope_reads_as_missing(flow, org, complaint_in):
    # given a 服务部 case under investigation and a handler of 法务部
    complaint = complaint_in(State.INVESTIGATION)
    before = snapshot(complaint)

    # when the other department's handler tries to act on it
    with pytest.raises(NotFound):
        flow.run(complaint, "complete_investigation", org.other_handler)

    # then it looks as if it did not exist, nothing changed, and they are offered nothing
    assert snapshot(complaint) == before
    assert available_transitions(complaint=complaint, user=org.other_handler) == []
    # while the handler of the owning department may
    assert flow.run(complaint, "complete_investigation", org.handler).state == State.DECISION


def test_an_inactive_user_is_refused_even_with_the_role(flow, org, complaint_in):
    complaint = complaint_in(State.INTAKE)
    org.manager.is_active = False
    org.manager.save()

    with pytest.raises(NotFound):
        flow.run(complaint, "start_triage", org.manager)
    assert Complaint.objects.get(pk=complaint.pk).state == State.INTAKE


# --- missing or wrong input -------------------------------------------------------------------

MISSING_INPUT = [
    ("reject", {"reason": ""}, "reason"),
    ("reject", {"reason": "   "}, "reason"),
    ("reject", {"reason": "we_do_not_like_it"}, "reason"),
    ("reject", {"reason": "other"}, "comment"),
    ("reject", {"reason": "other", "comment": "  "}, "comment"),
    ("complete_investigation", {"findings": ""}, "findings"),
    ("complete_investigation", {"findings": " \n "}, "findings"),
    ("answer_on_spot", {"findings": ""}, "findings"),
    ("send_reply", {"channel": ""}, "channel"),
    ("send_reply", {"content": ""}, "content"),
    ("send_reply", {"channel": "carrier_pigeon"}, "channel"),
]


@pytest.mark.parametrize(
    ("name", "data", "field"), MISSING_INPUT, ids=[f"{n}-{f}" for n, _d, f in MISSING_INPUT]
)
def test_a_transition_without_its_input_names_the_missing_field(flow, ready_for, name, data, field):
    # given a case ready for the transition
    complaint = ready_for(name)
    before = snapshot(complaint)

    # when the input is missing or wrong
    with pytest.raises(InvalidInput) as refused:
        flow.run(complaint, name, **data)

    # then the error names the field, and nothing changed
    assert refused.value.code == "invalid"
    assert field in refused.value.fields
    assert refused.value.fields[field]
    assert snapshot(complaint) == before


def test_send_reply_without_channel_and_content_names_both(flow, ready_for):
    complaint = ready_for("send_reply")

    with pytest.raises(InvalidInput) as refused:
        flow.run(complaint, "send_reply", channel="", content="")

    assert set(refused.value.fields) == {"channel", "content"}
    assert not CustomerContact.objects.filter(complaint=complaint).exists()


def test_reject_on_other_grounds_with_an_explanation_is_recorded(flow, ready_for):
    # given a case in intake (same setup as the refused "other" without comment)
    complaint = ready_for("reject")

    # when rejected on "other" grounds with the explanation in the comment
    result = flow.run(complaint, "reject", reason="other", comment="客户要求的是第三方平台的退款。")

    # then the ground and the time are stored, and the customer can see the rejection
    assert result.state == State.REJECTED
    assert result.rejection_reason == "other"
    assert result.rejected_at is not None
    event = last_transition_event(result)
    assert event.data["reason"] == "other"
    assert event.comment == "客户要求的是第三方平台的退款。"
    assert event.customer_visible is True


def test_complete_investigation_stores_the_findings(flow, ready_for):
    complaint = ready_for("complete_investigation")

    result = flow.run(complaint, "complete_investigation", findings="  压缩机接线松动。 ")

    assert result.findings == "压缩机接线松动。"
    assert result.investigation_completed_at is not None
    assert last_transition_event(result).customer_visible is False


# --- conditions -------------------------------------------------------------------------------


def test_start_investigation_needs_a_routed_case(flow, org, complaint_in):
    # given a case in triage with neither category nor owning department
    complaint = complaint_in(State.TRIAGE, category=None)
    assert complaint.department is None
    before = snapshot(complaint)

    # when it is sent to investigation, then the reason is given and nothing changed
    with pytest.raises(ConditionNotMet) as refused:
        flow.run(complaint, "start_investigation")
    assert refused.value.code == "condition_not_met"
    assert refused.value.reasons == [str(is_routed.unmet_message)]
    assert snapshot(complaint) == before

    # when the case is routed, then the same transition goes through
    routed = complaint_triage(
        complaint=complaint, actor=org.agent, category=org.category, department=org.service
    )
    assert flow.run(routed, "start_investigation").state == State.INVESTIGATION


def test_decide_needs_an_approved_decision(flow, org, complaint_in):
    # given a case awaiting a decision with none proposed
    complaint = complaint_in(State.DECISION)
    with pytest.raises(ConditionNotMet) as refused:
        flow.run(complaint, "decide")
    assert refused.value.reasons == [str(has_approved_decision.unmet_message)]

    # given a proposal above the handler's limit, still awaiting approval
    decision = flow.propose(complaint, amount=5000)
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "decide")
    assert Complaint.objects.get(pk=complaint.pk).state == State.DECISION

    # when the department head approves it, then the case can be decided
    decision_approve(decision=decision, actor=org.head)
    complaint.refresh_from_db()
    result = flow.run(complaint, "decide")
    assert result.state == State.REPLY
    assert result.decided_at is not None


def test_close_needs_a_satisfied_follow_up(flow, complaint_in):
    # given a case in follow-up with no visit yet
    complaint = complaint_in(State.FOLLOW_UP)
    with pytest.raises(ConditionNotMet) as refused:
        flow.run(complaint, "close")
    assert refused.value.reasons == [str(follow_up_allows_close.unmet_message)]

    # given a visit where the customer is dissatisfied: still not closable
    flow.follow_up(complaint, satisfied=False)
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "close")

    # when a later visit finds the customer satisfied, then it closes
    flow.follow_up(complaint, satisfied=True)
    result = flow.run(complaint, "close")
    assert result.state == State.CLOSED
    assert result.closed_at is not None
    assert not result.is_open


def test_close_after_the_configured_number_of_failed_attempts(flow, complaint_in, settings):
    # given a limit of two attempts and a case in follow-up
    settings.COMPLAINTS_FOLLOW_UP_MAX_ATTEMPTS = 2
    complaint = complaint_in(State.FOLLOW_UP)

    # when only one attempt failed, then it cannot close yet
    flow.follow_up(complaint, satisfied=None)
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "close")

    # when the second attempt also fails, then it closes
    flow.follow_up(complaint, satisfied=None)
    assert flow.run(complaint, "close").state == State.CLOSED


def test_failed_attempts_do_not_close_over_a_dissatisfied_customer(flow, complaint_in, settings):
    # given a customer who said they were dissatisfied, then could not be reached twice
    settings.COMPLAINTS_FOLLOW_UP_MAX_ATTEMPTS = 2
    complaint = complaint_in(State.FOLLOW_UP)
    flow.follow_up(complaint, satisfied=False)
    flow.follow_up(complaint, satisfied=None)
    flow.follow_up(complaint, satisfied=None)

    # then the case cannot be closed, but it can be reopened
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "close")
    assert flow.run(complaint, "reopen").state == State.INVESTIGATION


def test_reopen_needs_a_dissatisfied_customer(flow, complaint_in):
    # given a case in follow-up with no visit, then with a satisfied customer
    complaint = complaint_in(State.FOLLOW_UP)
    with pytest.raises(ConditionNotMet) as refused:
        flow.run(complaint, "reopen")
    assert refused.value.reasons == [str(customer_dissatisfied.unmet_message)]
    flow.follow_up(complaint, satisfied=True)
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "reopen")
    assert Complaint.objects.get(pk=complaint.pk).reopen_count == 0


def test_the_state_check_comes_before_the_role_check(flow, org, complaint_in):
    # The executive may run no transition at all; from the wrong state that is what they are told.
    complaint = complaint_in(State.INTAKE)

    with pytest.raises(TransitionNotAllowed):
        flow.run(complaint, "close", org.executive)
    with pytest.raises(PermissionDenied):
        flow.run(complaint, "start_triage", org.executive)


# --- unknown names and stale copies -----------------------------------------------------------


@pytest.mark.parametrize("name", ["approve_everything", "save", "delete", "__init__", ""])
def test_an_unknown_transition_name_is_refused(flow, complaint_in, name):
    complaint = complaint_in(State.INTAKE)
    before = snapshot(complaint)

    with pytest.raises(UnknownTransition) as refused:
        flow.run(complaint, name, flow.org.manager)

    assert refused.value.code == "unknown_transition"
    assert snapshot(complaint) == before


def test_a_stale_copy_gets_a_conflict_and_changes_nothing(flow, org, new_complaint):
    # given two people who opened the same case
    complaint = new_complaint()
    first_copy = Complaint.objects.get(pk=complaint.pk)
    second_copy = Complaint.objects.get(pk=complaint.pk)

    # when the first starts triage, and then the second, from their old copy, rejects it
    flow.run(first_copy, "start_triage", org.agent)
    after_first = snapshot(complaint)
    with pytest.raises(Conflict) as refused:
        flow.run(second_copy, "reject", org.manager)

    # then the second is told someone else was first, and the case is as the first left it
    assert refused.value.code == "conflict"
    assert snapshot(complaint) == after_first
    assert Complaint.objects.get(pk=complaint.pk).state == State.TRIAGE
    assert not complaint.events.filter(transition="reject").exists()


def test_any_change_to_the_case_makes_older_copies_stale(flow, org, new_complaint):
    # given a copy read before a triage edit
    complaint = new_complaint()
    old_copy = Complaint.objects.get(pk=complaint.pk)
    complaint_triage(complaint=complaint, actor=org.agent, severity="complex")

    # when the old copy is used, then it conflicts; a fresh copy goes through
    with pytest.raises(Conflict):
        flow.run(old_copy, "start_triage")
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert flow.run(fresh, "start_triage").state == State.TRIAGE


def test_an_expected_version_from_a_form_is_checked(flow, org, new_complaint):
    # given a form rendered at version 1, and the case changed since
    from complaints.services import complaint_transition

    complaint = new_complaint()
    shown_version = complaint.version
    complaint = complaint_triage(complaint=complaint, actor=org.agent, severity="complex")

    # when submitted with the old version, then it conflicts even with a fresh object
    with pytest.raises(Conflict):
        complaint_transition(
            complaint=complaint,
            name="start_triage",
            actor=org.agent,
            expected_version=shown_version,
        )
    # and with the current version it goes through
    result = complaint_transition(
        complaint=complaint,
        name="start_triage",
        actor=org.agent,
        expected_version=complaint.version,
    )
    assert result.state == State.TRIAGE


# --- effects of particular transitions --------------------------------------------------------


def test_send_reply_logs_the_reply_as_a_contact_and_the_first_response(flow, org, ready_for):
    # given a case ready for the reply, never contacted before
    complaint = ready_for("send_reply")
    assert complaint.first_response_at is None

    # when the handler sends the reply by phone
    result = flow.run(
        complaint, "send_reply", org.handler, channel="phone", content="同意免费返修。"
    )

    # then the contact is logged as the outcome reply, and it is the first response
    contact = CustomerContact.objects.get(complaint=complaint)
    assert contact.purpose == ContactPurpose.REPLY
    assert contact.direction == ContactDirection.OUTBOUND
    assert (contact.channel, contact.summary, contact.by) == (
        "phone",
        "同意免费返修。",
        org.handler,
    )
    assert result.first_response_at == result.replied_at == contact.at
    event = last_transition_event(result)
    assert event.data["contact_id"] == contact.pk
    assert event.data["content"] == "同意免费返修。"
    assert event.customer_visible is True


def test_send_reply_keeps_an_earlier_first_response(flow, org, ready_for):
    # given a case where the agent already called the customer back
    complaint = ready_for("send_reply")
    contact_record(
        complaint=complaint,
        actor=org.agent,
        channel="phone",
        direction="outbound",
        summary="已回电，告知正在处理。",
    )
    complaint = Complaint.objects.get(pk=complaint.pk)
    first_response = complaint.first_response_at
    assert first_response is not None

    # when the reply is sent, then the first response stays the earlier call
    result = flow.run(complaint, "send_reply")
    assert result.first_response_at == first_response
    assert result.replied_at > first_response


def test_answer_on_spot_skips_investigation_and_decision(flow, ready_for):
    complaint = ready_for("answer_on_spot")

    result = flow.run(complaint, "answer_on_spot", findings="已当场解释保修政策。")

    assert result.state == State.REPLY
    assert result.findings == "已当场解释保修政策。"
    assert result.decided_at is not None
    assert result.investigation_started_at is None
    # and the reply can go out without any decision record
    assert flow.run(result, "send_reply").state == State.FOLLOW_UP
    assert not result.decisions.exists()


def test_withdraw_records_the_time_from_every_open_state(flow, complaint_in):
    for state in TRANSITION_TABLE["withdraw"]:
        result = flow.run(complaint_in(state), "withdraw")
        assert result.state == State.WITHDRAWN
        assert result.withdrawn_at is not None


def test_reopen_starts_a_new_round_that_needs_a_new_decision(flow, org, complaint_in):
    # given a replied case whose customer is dissatisfied
    complaint = complaint_in(State.FOLLOW_UP)
    first_decision = complaint.current_decision()
    flow.follow_up(complaint, satisfied=False)

    # when it is reopened
    reopened = flow.run(complaint, "reopen")

    # then it is back in investigation, counted, with the later stage times cleared
    assert reopened.state == State.INVESTIGATION
    assert reopened.reopen_count == 1
    assert reopened.investigation_completed_at is None
    assert reopened.decided_at is None
    assert reopened.replied_at is None
    # and the first round's decision does not decide the second round
    in_decision = flow.run(reopened, "complete_investigation", findings="复查：需更换压缩机。")
    assert in_decision.current_decision() is None
    with pytest.raises(ConditionNotMet):
        flow.run(in_decision, "decide")
    second_decision = flow.propose(in_decision, amount=1500)
    assert second_decision.round == 1
    assert in_decision.current_decision() == second_decision != first_decision
    assert flow.run(in_decision, "decide").state == State.REPLY


def test_the_follow_ups_of_an_earlier_round_do_not_count(flow, complaint_in):
    # given a case reopened after a dissatisfied visit and replied to again
    complaint = complaint_in(State.FOLLOW_UP)
    flow.follow_up(complaint, satisfied=False)
    complaint = flow.run(complaint, "reopen")
    complaint = flow.run(complaint, "complete_investigation")
    flow.propose(complaint)
    complaint = flow.run(complaint, "decide")
    complaint = flow.run(complaint, "send_reply")

    # then neither close nor a second reopen is possible until the new round's visit
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "close")
    with pytest.raises(ConditionNotMet):
        flow.run(complaint, "reopen")
    flow.follow_up(complaint, satisfied=True)
    assert flow.run(complaint, "close").state == State.CLOSED


def test_a_full_life_cycle_with_one_reopen(flow, org, new_complaint):
    # given a new complaint
    complaint = new_complaint()
    started = timezone.now()

    # when it goes all the way round, with one second handling
    complaint = flow.run(complaint, "start_triage", org.agent)
    complaint = flow.run(complaint, "start_investigation", org.agent)
    complaint = flow.run(complaint, "complete_investigation", org.handler)
    flow.propose(complaint, amount=800)
    complaint = flow.run(complaint, "decide", org.handler)
    complaint = flow.run(complaint, "send_reply", org.handler)
    flow.follow_up(complaint, satisfied=False)
    complaint = flow.run(complaint, "reopen", org.manager)
    complaint = flow.run(complaint, "complete_investigation", org.head)
    flow.propose(complaint, amount=3000, actor=org.head)
    complaint = flow.run(complaint, "decide", org.head)
    complaint = flow.run(complaint, "send_reply", org.agent)
    flow.follow_up(complaint, satisfied=True, actor=org.manager)
    complaint = flow.run(complaint, "close", org.manager)

    # then the timeline tells the whole story in order
    transitions = list(
        complaint.events.filter(kind=CaseEvent.Kind.TRANSITION).values_list(
            "from_state", "to_state", "transition"
        )
    )
    assert transitions == [
        ("intake", "triage", "start_triage"),
        ("triage", "investigation", "start_investigation"),
        ("investigation", "decision", "complete_investigation"),
        ("decision", "reply", "decide"),
        ("reply", "follow_up", "send_reply"),
        ("follow_up", "investigation", "reopen"),
        ("investigation", "decision", "complete_investigation"),
        ("decision", "reply", "decide"),
        ("reply", "follow_up", "send_reply"),
        ("follow_up", "closed", "close"),
    ]
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds[0] == CaseEvent.Kind.CREATED
    assert kinds.count(CaseEvent.Kind.FOLLOW_UP) == 2
    assert kinds.count(CaseEvent.Kind.DECISION_APPROVED) == 2
    assert complaint.state == State.CLOSED
    assert complaint.reopen_count == 1
    assert complaint.closed_at >= complaint.replied_at >= complaint.decided_at >= started
    assert complaint.first_response_at <= complaint.replied_at
    assert complaint.contacts.filter(purpose=ContactPurpose.REPLY).count() == 2
    assert all(
        available_transitions(complaint=complaint, user=user_of(org, role)) == [] for role in Role
    )


# --- what each role is offered ----------------------------------------------------------------

OFFERED = {
    # state: {role: transitions offered}; follow-up with a satisfied visit, decision with an
    # approved one, so conditions hold.
    State.INTAKE: {
        Role.AGENT: ["start_triage", "reject", "withdraw"],
        Role.HANDLER: ["withdraw"],
        Role.DEPT_HEAD: ["start_triage", "reject", "withdraw"],
        Role.COMPLAINT_MANAGER: ["start_triage", "reject", "withdraw"],
        Role.EXECUTIVE: [],
        Role.AUDITOR: [],
    },
    State.TRIAGE: {
        Role.AGENT: ["start_investigation", "answer_on_spot", "reject", "withdraw"],
        Role.HANDLER: ["withdraw"],
        Role.DEPT_HEAD: ["start_investigation", "reject", "withdraw"],
        Role.COMPLAINT_MANAGER: ["start_investigation", "answer_on_spot", "reject", "withdraw"],
        Role.EXECUTIVE: [],
        Role.AUDITOR: [],
    },
    State.INVESTIGATION: {
        Role.AGENT: ["withdraw"],
        Role.HANDLER: ["complete_investigation", "withdraw"],
        Role.DEPT_HEAD: ["complete_investigation", "withdraw"],
        Role.COMPLAINT_MANAGER: ["complete_investigation", "withdraw"],
        Role.EXECUTIVE: [],
        Role.AUDITOR: [],
    },
    State.DECISION: {
        Role.AGENT: ["withdraw"],
        Role.HANDLER: ["decide", "withdraw"],
        Role.DEPT_HEAD: ["decide", "withdraw"],
        Role.COMPLAINT_MANAGER: ["decide", "withdraw"],
        Role.EXECUTIVE: [],
        Role.AUDITOR: [],
    },
    State.REPLY: {
        Role.AGENT: ["send_reply", "withdraw"],
        Role.HANDLER: ["send_reply", "withdraw"],
        Role.DEPT_HEAD: ["send_reply", "withdraw"],
        Role.COMPLAINT_MANAGER: ["send_reply", "withdraw"],
        Role.EXECUTIVE: [],
        Role.AUDITOR: [],
    },
    State.FOLLOW_UP: {
        Role.AGENT: ["close", "withdraw"],
        Role.HANDLER: ["withdraw"],
        Role.DEPT_HEAD: ["withdraw"],
        Role.COMPLAINT_MANAGER: ["close", "withdraw"],
        Role.EXECUTIVE: [],
        Role.AUDITOR: [],
    },
}


@pytest.mark.parametrize("state", list(OFFERED))
def test_each_role_is_offered_exactly_what_it_may_do(flow, org, complaint_in, state):
    # given a case in the state with the conditions of its transitions met
    complaint = complaint_in(state)
    if state == State.DECISION:
        flow.prepare(complaint, "decide")
    if state == State.FOLLOW_UP:
        flow.prepare(complaint, "close")

    # then every role is offered exactly the transitions its permissions allow
    for role, expected in OFFERED[state].items():
        offered = available_transitions(complaint=complaint, user=user_of(org, role))
        assert [spec.name for spec in offered] == expected, role


def test_offers_follow_the_conditions(flow, org, complaint_in):
    # given a case in follow-up and in decision, without their conditions met
    follow_up = complaint_in(State.FOLLOW_UP)
    decision = complaint_in(State.DECISION)

    def offered(complaint, user):
        return [spec.name for spec in available_transitions(complaint=complaint, user=user)]

    assert offered(follow_up, org.agent) == ["withdraw"]
    assert offered(decision, org.handler) == ["withdraw"]

    # when the customer turns out dissatisfied, and a decision is approved
    flow.follow_up(follow_up, satisfied=False)
    flow.propose(decision)

    # then reopening, and deciding, are offered
    assert offered(follow_up, org.agent) == ["reopen", "withdraw"]
    assert offered(decision, org.handler) == ["decide", "withdraw"]
