"""Urgent facts (大型投诉, injury, media, regulator, court or lawyer's letter) go to senior management
at once, once; and every escalation is one message per case and level, naming all its reasons.

Issue 12 §1.2 and §1.3.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from complaints.errors import InvalidInput
from complaints.models import CaseEvent, Complaint, Notification, Severity
from complaints.services import Flags, complaint_triage, contact_record
from complaints.views.case.timeline import describe
from sla.models import Clock, Escalation, SlaPolicy, SlaTarget, Stage
from sla.services import clocks_process
from sla.tasks import sweep_clocks_task
from tests.factories import UserFactory
from tests.sla.china import SHANGHAI

pytestmark = pytest.mark.django_db

Reason = Escalation.Reason
RECEIVED = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
SECOND = timedelta(seconds=1)


@pytest.fixture
def record(new_complaint, django_capture_on_commit_callbacks):
    """Record a complaint through the intake service, its after-commit e-mails sent."""

    def make(**fields) -> Complaint:
        with django_capture_on_commit_callbacks(execute=True):
            return new_complaint(**fields)

    return make


@pytest.fixture
def triage(django_capture_on_commit_callbacks, org):
    def change(complaint: Complaint, **fields) -> Complaint:
        fields.setdefault("actor", org.agent)
        fresh = Complaint.objects.get(pk=complaint.pk)
        with django_capture_on_commit_callbacks(execute=True):
            return complaint_triage(complaint=fresh, **fields)

    return change


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_clocks_task.apply().get()

    return run


def reasons(complaint: Complaint) -> list[tuple[int, str]]:
    return sorted(
        Escalation.objects.filter(complaint=complaint).values_list("level", "reason"),
        key=lambda pair: (pair[0], pair[1]),
    )


def escalation_messages(user) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, kind=Notification.Kind.ESCALATION).order_by(
            "id"
        )
    )


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# --- §1.2 every urgent fact escalates at once -----------------------------------------------


def test_a_legal_risk_goes_to_senior_management_at_once(record, org):
    complaint = record(flags=Flags(legal_risk=True))

    assert reasons(complaint) == [(3, "legal")]
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3
    assert len(escalation_messages(org.executive)) == 1


def test_a_legal_risk_set_at_triage_escalates_at_once(record, triage, org):
    complaint = record()
    assert reasons(complaint) == []

    triage(complaint, legal_risk=True, comment="收到律师函")

    assert reasons(complaint) == [(3, "legal")]
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3
    [message] = escalation_messages(org.executive)
    assert len(mails_to("executive@example.com")) == 1
    assert message.complaint_id == complaint.pk


@pytest.mark.parametrize(
    ("channel", "flag", "reason"),
    [
        ("regulator_12315", "regulator_involved", Reason.REGULATOR),
        ("consumer_association", "regulator_involved", Reason.REGULATOR),
        ("government", "regulator_involved", Reason.REGULATOR),
        ("media", "media_involved", Reason.MEDIA),
        ("legal_notice", "legal_risk", "legal"),
    ],
)
def test_the_channel_sets_its_flag_and_the_case_escalates(record, org, channel, flag, reason):
    complaint = record(channel=channel)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert getattr(stored, flag) is True
    assert reasons(complaint) == [(3, reason)]
    assert stored.escalation_level == 3
    # the timeline says which facts came from the channel
    created = complaint.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.data["flags_from_channel"] == [flag]
    assert len(escalation_messages(org.executive)) == 1


@pytest.mark.parametrize("channel", ["phone", "email", "walk_in", "social_media", "letter", "web"])
def test_other_channels_set_no_flag(record, channel):
    complaint = record(channel=channel)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert not any(
        (
            stored.personal_injury,
            stored.media_involved,
            stored.regulator_involved,
            stored.legal_risk,
        )
    )
    assert reasons(complaint) == []


def test_changing_an_urgent_fact_needs_a_reason_and_records_old_and_new(record, triage, org):
    complaint = record()
    before = Complaint.objects.get(pk=complaint.pk).version

    with pytest.raises(InvalidInput) as refused:
        triage(complaint, media_involved=True)
    assert "comment" in refused.value.fields
    # refused: nothing changed, nothing escalated
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.media_involved, stored.version) == (False, before)
    assert reasons(complaint) == []

    triage(complaint, media_involved=True, comment="记者来电采访")

    event = complaint.events.get(kind=CaseEvent.Kind.TRIAGED)
    assert event.comment == "记者来电采访"
    assert event.data["changes"]["media_involved"] == [False, True]
    assert reasons(complaint) == [(3, Reason.MEDIA)]


def test_routing_changes_without_a_flag_still_need_no_reason(record, triage):
    complaint = record()

    triage(complaint, severity=Severity.COMPLEX)

    assert Complaint.objects.get(pk=complaint.pk).severity == Severity.COMPLEX


# --- §1.3 one message per case and level ----------------------------------------------------


def test_three_reasons_make_one_notification_and_one_email_naming_all(record, org):
    org.executive.language = "en"
    org.executive.save()

    complaint = record(
        amount_claimed=Decimal(80000),
        flags=Flags(personal_injury=True, media_involved=True),
    )

    # every reason is on record
    assert reasons(complaint) == [
        (3, Reason.LARGE_CLAIM),
        (3, Reason.MEDIA),
        (3, Reason.PERSONAL_INJURY),
    ]
    # but the executive hears of it once, in one notification and one e-mail naming all three
    [message] = escalation_messages(org.executive)
    [email] = mails_to("executive@example.com")
    for text in (message.body, email.body, email.alternatives[0][0]):
        for label in ("Large complaint", "Personal injury", "Media involvement"):
            assert label in text, (label, text)
    assert email.subject == message.subject
    assert complaint.reference in email.subject
    # one timeline entry for the escalation, with every reason as a code
    [event] = complaint.events.filter(kind=CaseEvent.Kind.ESCALATED)
    assert sorted(item["reason"] for item in event.data["reasons"]) == [
        "large_claim",
        "media",
        "personal_injury",
    ]


def test_the_reasons_are_rendered_in_each_readers_language(record, org):
    english = UserFactory(username="exec_en", role="executive", language="en")
    complaint = record(flags=Flags(personal_injury=True, media_involved=True))

    [chinese_message] = escalation_messages(org.executive)
    [english_message] = escalation_messages(english)
    assert "人身伤害" in chinese_message.body and "媒体介入" in chinese_message.body
    assert "Personal injury" in english_message.body
    assert "Media involvement" in english_message.body
    assert complaint.reference in english_message.subject


def test_a_new_fact_on_an_escalated_case_is_one_short_message(record, triage, org):
    org.executive.language = "en"
    org.executive.save()
    complaint = record(flags=Flags(personal_injury=True))
    mail.outbox.clear()

    triage(complaint, media_involved=True, comment="记者到场")

    assert reasons(complaint) == [(3, Reason.MEDIA), (3, Reason.PERSONAL_INJURY)]
    _first, second = escalation_messages(org.executive)
    # the new reason: a short message naming it, not the escalation once more
    assert "Media involvement" in second.subject
    assert complaint.reference in second.subject
    assert "escalated to level" not in second.body
    assert "Personal injury" not in second.subject
    [email] = mail.outbox
    assert email.to == ["executive@example.com"] and email.subject == second.subject
    # a timeline entry of its own, saying it adds to the escalation already made
    events = list(complaint.events.filter(kind=CaseEvent.Kind.ESCALATED).order_by("id"))
    assert len(events) == 2
    assert events[1].data["added"] is True
    assert [item["reason"] for item in events[1].data["reasons"]] == ["media"]
    # and the case stays where it was
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 3
    # nobody below senior management hears of it
    assert escalation_messages(org.head) == [] and escalation_messages(org.manager) == []


def test_the_same_fact_again_adds_nothing(record, triage, org):
    complaint = record(flags=Flags(regulator_involved=True))

    triage(complaint, regulator_involved=False, comment="误选")
    triage(complaint, regulator_involved=True, comment="监管部门确已介入")

    assert reasons(complaint) == [(3, Reason.REGULATOR)]
    assert len(escalation_messages(org.executive)) == 1
    assert complaint.events.filter(kind=CaseEvent.Kind.ESCALATED).count() == 1


def test_the_timeline_entry_names_every_reason_in_the_readers_language(record, org):
    complaint = record(flags=Flags(personal_injury=True, legal_risk=True))
    event = complaint.events.get(kind=CaseEvent.Kind.ESCALATED)

    with translation.override("en"):
        entry = describe(event, reader=org.executive)
    why = dict(entry.details)["Why"]
    assert "Personal injury" in why and "lawyer" in why.lower()


# --- both paths: the sweep and the intake -------------------------------------------------


@pytest.fixture
def two_clocks(org) -> SlaPolicy:
    """Two stage clocks that fall due together, so one sweep breaches both at once."""
    policy = SlaPolicy.objects.create(
        name="两个时钟", code="test-two", severity=Severity.GENERAL, category=org.category
    )
    for stage in (Stage.INVESTIGATION, Stage.DECISION):
        SlaTarget.objects.create(
            policy=policy, stage=stage, amount=3, unit="working_days", start_event="received"
        )
    return policy


def test_two_deadlines_missed_at_once_make_one_message_to_the_head(
    china, two_clocks, now_is, record, sweep, org
):
    now_is(RECEIVED)
    complaint = record()
    mail.outbox.clear()

    now_is(datetime(2025, 9, 30, 23, 59, 59, tzinfo=SHANGHAI) + SECOND)
    sweep()

    assert [level for level, _reason in reasons(complaint)] == [1, 1]
    assert len(escalation_messages(org.head)) == 1
    assert len(mails_to("head@example.com")) == 1
    [event] = complaint.events.filter(kind=CaseEvent.Kind.ESCALATED)
    assert sorted(item["stage"] for item in event.data["reasons"]) == ["decision", "investigation"]


def test_the_sweep_after_the_intake_does_not_repeat_the_escalation(
    china, now_is, record, sweep, flow, org
):
    # an injury: at senior management from intake on
    now_is(RECEIVED)
    complaint = flow.run(record(flags=Flags(personal_injury=True)), "start_triage")
    contact_record(
        complaint=complaint, actor=org.agent, channel="phone", direction="outbound", summary="回电"
    )
    assert len(escalation_messages(org.executive)) == 1

    # 72 hours later still unsettled (三天以上仍不能协商处理): also a level-3 reason, but the case is
    # there already: one short message, not the escalation again
    now_is(RECEIVED + timedelta(hours=72) + SECOND)
    sweep()

    assert (3, Reason.BREACH) in reasons(complaint)
    first, second = escalation_messages(org.executive)
    assert second.key != first.key
    events = complaint.events.filter(kind=CaseEvent.Kind.ESCALATED).order_by("id")
    top = [event.data for event in events if event.data["level"] == 3]
    assert [(data["added"], [r["reason"] for r in data["reasons"]]) for data in top] == [
        (False, ["personal_injury"]),
        (True, ["breach"]),
    ]

    # and sweeping again adds nothing
    now_is(RECEIVED + timedelta(hours=73))
    sweep()
    assert len(escalation_messages(org.executive)) == 2


def test_the_sweep_escalates_a_fact_that_reached_the_case_by_another_way(
    china, now_is, record, sweep, org
):
    # a flag written without the services (a data import, a database repair): the sweep that
    # looks at the case's clocks sends it up, once, as the intake would have
    now_is(RECEIVED)
    complaint = record()
    Complaint.objects.filter(pk=complaint.pk).update(media_involved=True)
    clock = Clock.objects.filter(complaint=complaint).order_by("due_at").first()

    now_is(clock.due_at + SECOND)
    sweep()
    now_is(clock.due_at + timedelta(minutes=5))
    sweep()
    clocks_process(clock_ids=list(Clock.objects.values_list("pk", flat=True)))

    assert (3, Reason.MEDIA) in reasons(complaint)
    assert len([r for r in reasons(complaint) if r == (3, Reason.MEDIA)]) == 1
    assert len(escalation_messages(org.executive)) == 1
