"""Improvement actions (整改措施, issue 18 §1) through their services: who may start and move one,
what is checked, the linked cases' timelines and the audit log, and the due date reminded and
escalated on the business calendar like a stage clock (Asia/Shanghai, the default calendar)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import AuditEntry
from complaints.domain.improvement import effect_periods, moves_from
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PermissionDenied
from complaints.models import ActionStatus, CaseEvent, ImprovementAction, Notification
from complaints.selectors.improvement import (
    improvement_action_get_for_user,
    improvement_actions_list,
    improvement_actions_of_case,
)
from complaints.services.improvement import (
    improvement_action_complete,
    improvement_action_link,
    improvement_action_record,
    improvement_action_start,
    improvement_action_verify,
    improvement_actions_remind,
    improvement_default_due,
)
from complaints.views.case.timeline import describe

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def at_monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)


def record(org, actor=None, **overrides) -> ImprovementAction:
    fields = {
        "actor": actor or org.manager,
        "title": "维修完工后增加制冷测试并拍照留档",
        "root_cause": "process",
        "department": org.service,
        "owner": org.handler,
        "due_date": date(2026, 11, 27),  # a Friday
        "category": org.category,
        "description": "维修后未做通电测试即交付。",
    }
    fields.update(overrides)
    return improvement_action_record(**fields)


def test_a_manager_starts_an_action_from_a_case(org, new_complaint, at_monday):
    case = new_complaint()
    action = record(org, complaint=case.reference)
    assert action.status == ActionStatus.OPEN and action.origin == "case"
    # The due date is the end of that local day, on the department's (here the default) calendar.
    assert action.due_at == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI)
    assert MONDAY < action.remind_at < action.due_at
    assert action.next_action_at == action.remind_at
    # Linked, on the case's timeline, the owner told, in the audit log.
    linked = improvement_actions_of_case(complaint=case, user=org.manager)
    assert [a.pk for a in linked] == [action.pk] and linked[0].readable
    event = CaseEvent.objects.get(complaint=case, kind=CaseEvent.Kind.IMPROVEMENT_ACTION)
    assert event.data["what"] == "created" and event.data["action_id"] == action.pk
    assert f"#{action.pk}" in describe(event, reader=org.manager).sentence
    told = Notification.objects.get(kind=Notification.Kind.IMPROVEMENT)
    assert told.recipient == org.handler and told.complaint == case
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.IMPROVEMENT_ACTION_RECORDED, target_id=str(action.pk)
    ).exists()


def test_who_may_start_one(org, at_monday):
    record(org, actor=org.head)  # a head, for their own department
    with pytest.raises(InvalidInput) as refused:
        record(org, actor=org.head, department=org.legal, owner=org.other_handler)
    assert set(refused.value.fields) == {"department"}
    for user in (org.agent, org.handler, org.executive, org.auditor):
        with pytest.raises(PermissionDenied):
            record(org, actor=user)


def test_what_is_checked(org, new_complaint, at_monday):
    with pytest.raises(InvalidInput) as refused:
        record(
            org,
            title=" ",
            root_cause="bad luck",
            owner=None,
            due_date=date(2026, 11, 16),  # today
            check_days=3,
            complaint="CP-1999-000001",
        )
    assert set(refused.value.fields) == {
        "title",
        "root_cause",
        "owner",
        "due_date",
        "check_days",
        "complaint",
    }
    with translation.override("en"), pytest.raises(InvalidInput) as weekend:
        record(org, due_date=date(2026, 11, 21))  # a Saturday
    assert "working day" in weekend.value.fields["due_date"][0]


def test_the_default_due_date_counts_working_days(org, settings, at_monday):
    settings.IMPROVEMENT_DUE_WORKING_DAYS = 5
    assert improvement_default_due(department_id=org.service.pk) == date(2026, 11, 23)


def test_the_owner_moves_it_and_a_manager_verifies_it(org, new_complaint, at_monday, time_machine):
    case = new_complaint()
    action = record(org, complaint=case.reference, check_days=7)
    assert moves_from(action.status) == ["start", "complete"]
    with pytest.raises(PermissionDenied):
        improvement_action_start(actor=org.manager, action_id=action.pk)
    improvement_action_start(actor=org.handler, action_id=action.pk, note="已起草检查表")
    with pytest.raises(ConditionNotMet):
        improvement_action_start(actor=org.handler, action_id=action.pk)
    with pytest.raises(InvalidInput) as no_evidence:
        improvement_action_complete(actor=org.handler, action_id=action.pk, evidence=" ")
    assert set(no_evidence.value.fields) == {"evidence"}
    done = improvement_action_complete(
        actor=org.handler, action_id=action.pk, evidence="检查表已发布，12 名维修工完成培训。"
    )
    assert done.status == ActionStatus.DONE and done.next_action_at is None
    # Verified only by a manager, and only once the period after is over.
    with pytest.raises(PermissionDenied):
        improvement_action_verify(
            actor=org.head, action_id=action.pk, effective=True, note="好", before=3, after=1
        )
    with pytest.raises(ConditionNotMet):
        improvement_action_verify(
            actor=org.manager, action_id=action.pk, effective=True, note="好", before=3, after=1
        )
    time_machine.move_to(MONDAY + timedelta(days=8), tick=False)
    with pytest.raises(InvalidInput) as refused:
        improvement_action_verify(
            actor=org.manager, action_id=action.pk, effective=None, note="", before=3, after=1
        )
    assert set(refused.value.fields) == {"effective", "note"}
    verified = improvement_action_verify(
        actor=org.manager, action_id=action.pk, effective=True, note="投诉下降", before=3, after=1
    )
    assert verified.status == ActionStatus.EFFECTIVE
    assert (verified.effect_before, verified.effect_after) == (3, 1)
    whats = list(
        CaseEvent.objects.filter(complaint=case, kind=CaseEvent.Kind.IMPROVEMENT_ACTION)
        .order_by("at", "id")
        .values_list("data__what", flat=True)
    )
    assert whats == ["created", "started", "done", "verified"]
    with pytest.raises(ConditionNotMet):
        improvement_action_verify(
            actor=org.manager, action_id=action.pk, effective=False, note="x", before=3, after=1
        )


def test_linking_more_cases(org, new_complaint, at_monday):
    first, second = new_complaint(), new_complaint(customer_phone="13800000002")
    action = record(org, complaint=first.reference)
    improvement_action_link(actor=org.manager, action_id=action.pk, complaint=second.reference)
    assert CaseEvent.objects.filter(
        complaint=second, kind=CaseEvent.Kind.IMPROVEMENT_ACTION, data__what="linked"
    ).exists()
    with pytest.raises(ConditionNotMet):
        improvement_action_link(actor=org.manager, action_id=action.pk, complaint=second.reference)
    with pytest.raises(InvalidInput):
        improvement_action_link(actor=org.manager, action_id=action.pk, complaint="")
    with pytest.raises(PermissionDenied):
        improvement_action_link(actor=org.handler, action_id=action.pk, complaint=first.reference)


def test_who_reads_which(org, at_monday):
    service = record(org)
    legal = record(org, department=org.legal, owner=org.other_handler)
    for user in (org.manager, org.executive, org.auditor):
        improvement_action_get_for_user(user=user, pk=legal.pk)
    # The service department's people read its actions; the legal handler only theirs.
    improvement_action_get_for_user(user=org.head, pk=service.pk)
    improvement_action_get_for_user(user=org.handler, pk=service.pk)
    with pytest.raises(NotFound):
        improvement_action_get_for_user(user=org.head, pk=legal.pk)
    with pytest.raises(NotFound):
        improvement_action_get_for_user(user=org.other_handler, pk=service.pk)
    assert list(improvement_actions_list(user=org.head, show="department", status="live")) == [
        service
    ]
    assert set(improvement_actions_list(user=org.manager, show="all", status="")) == {
        service,
        legal,
    }
    assert list(improvement_actions_list(user=org.other_handler, show="mine")) == [legal]


def _keys() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for key, username in Notification.objects.filter(key__contains=":level:").values_list(
        "key", "recipient__username"
    ):
        found.setdefault(key.rsplit(":", 1)[1], set()).add(username)
    return found


def test_the_due_date_reminds_and_escalates_once(org, at_monday):
    action = record(org)
    assert improvement_actions_remind(now=action.remind_at - timedelta(seconds=1)) == 0
    assert improvement_actions_remind(now=action.remind_at + timedelta(seconds=1)) == 1
    assert improvement_actions_remind(now=action.remind_at + timedelta(seconds=2)) == 0
    reminder = Notification.objects.get(key=f"improvement:{action.pk}:reminder")
    assert reminder.recipient == org.handler and reminder.kind == Notification.Kind.REMINDER
    # Past the due time: the owner hears it is late, the head gets level 1 at once.
    late = action.due_at + timedelta(seconds=1)
    assert improvement_actions_remind(now=late) == 1
    assert Notification.objects.get(key=f"improvement:{action.pk}:late").recipient == org.handler
    assert _keys() == {"1": {"head"}}
    # One working day later (Monday 30 Nov, the weekend not counted) the managers, then senior
    # management.
    assert improvement_actions_remind(now=datetime(2026, 11, 30, 12, tzinfo=SHANGHAI)) == 0
    assert improvement_actions_remind(now=datetime(2026, 12, 1, 0, 1, tzinfo=SHANGHAI)) == 1
    assert _keys() == {"1": {"head"}, "2": {"manager"}}
    assert improvement_actions_remind(now=datetime(2026, 12, 2, 0, 1, tzinfo=SHANGHAI)) == 1
    assert _keys()["3"] == {"executive"}
    action.refresh_from_db()
    assert action.escalated_level == 3 and action.next_action_at is None
    assert improvement_actions_remind(now=datetime(2026, 12, 9, tzinfo=SHANGHAI)) == 0


def test_done_settles_the_reminders_and_stops_the_clock(org, at_monday):
    action = record(org)
    improvement_actions_remind(now=action.remind_at + timedelta(seconds=1))
    improvement_action_complete(actor=org.handler, action_id=action.pk, evidence="已完成")
    reminder = Notification.objects.get(key=f"improvement:{action.pk}:reminder")
    assert reminder.settled_reason == Notification.Settled.ACTION_DONE
    assert improvement_actions_remind(now=action.due_at + timedelta(days=3)) == 0


def test_the_effect_periods_leave_out_the_day_it_was_done():
    periods = effect_periods(done_on=date(2026, 3, 1), days=30)
    assert (periods.before_first, periods.before_last) == (date(2026, 1, 30), date(2026, 2, 28))
    assert (periods.after_first, periods.after_last) == (date(2026, 3, 2), date(2026, 3, 31))
    assert not periods.check_possible_on(date(2026, 3, 31))
    assert periods.check_possible_on(date(2026, 4, 1))
    with pytest.raises(ValueError):
        effect_periods(done_on=date(2026, 3, 1), days=0)
